workflow('demo') {
  step('a') {
    command './sim'
    checkpoint {
      interval '10m'
    }
  }
}
