workflow('demo') {
  step('a') {
    command './sim'
    time '0'
  }
}
