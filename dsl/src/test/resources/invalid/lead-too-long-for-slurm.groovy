workflow('demo') {
  step('a') {
    command './sim'
    time '2d'
    checkpoint {
      engine 'dmtcp'
      signal 'USR1', lead: '20h'
      totalTime '1h'
    }
  }
}
