workflow('demo') {
  step('a') {
    command './sim'
    time = '01:00:00'
  }
}
