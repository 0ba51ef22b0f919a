workflow('demo') {
  step('a') {
    time '01:00:00'
  }
}
