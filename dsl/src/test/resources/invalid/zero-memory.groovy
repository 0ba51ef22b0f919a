workflow('demo') {
  step('a') {
    command './sim'
    mem 0
  }
}
