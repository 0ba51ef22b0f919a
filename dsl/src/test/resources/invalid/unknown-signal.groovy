workflow('demo') {
  step('a') {
    command './sim'
    checkpoint {
      engine 'dmtcp'
      signal 'TERN'
    }
  }
  step('b') {
    command './sim'
    checkpoint {
      engine 'dmtcp'
      signal 'SIGUSR3'
    }
  }
}
