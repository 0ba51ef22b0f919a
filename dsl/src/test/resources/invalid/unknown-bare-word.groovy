workflow('demo') {
  step('a') {
    command './sim'
    exclusive
  }
}
