workflow('demo') {
  step('a') {
    command './sim'
    time '2m'
    checkpoint {
      engine 'dmtcp'
      signal 'USR1', lead: '2m'
    }
  }
}
