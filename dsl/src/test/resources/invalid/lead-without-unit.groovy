workflow('demo') {
  step('a') {
    command './sim'
    time '01:00:00'
    checkpoint {
      engine 'dmtcp'
      signal 'USR1', lead: 60
      interval '30'
    }
  }
}
