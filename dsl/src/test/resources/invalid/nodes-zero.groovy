workflow('demo') {
  step('a') {
    command './sim'
    nodes 0
  }
}
