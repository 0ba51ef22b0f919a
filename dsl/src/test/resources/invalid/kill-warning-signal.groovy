workflow('demo') {
  step('a') {
    command './sim'
    checkpoint {
      engine 'dmtcp'
      signal 'KILL'
    }
  }
}
