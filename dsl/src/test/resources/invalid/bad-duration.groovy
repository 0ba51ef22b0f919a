workflow('demo') {
  step('a') {
    command './sim'
    time '1hour'
  }
}
