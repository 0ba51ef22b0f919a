workflow('demo') {
  step('a') {
    command './sim'
    checkpoint {
      engine 'dmtcp'
      intreval '5m'
    }
  }
}
