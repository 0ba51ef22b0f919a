workflow('demo') {
  step('a') {
    command './sim'
    checkpoint {
      engine 'dmtcp'
      keep 0
    }
  }
}
