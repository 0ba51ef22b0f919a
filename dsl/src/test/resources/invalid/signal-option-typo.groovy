workflow('demo') {
  step('a') {
    command './sim'
    checkpoint {
      engine 'dmtcp'
      signal 'USR1', led: '60s'
    }
  }
}
