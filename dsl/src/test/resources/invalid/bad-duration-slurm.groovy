workflow('demo') {
  step('a') {
    command './sim'
    time '1:75:00'
    timeMin '1-25'
  }
}
