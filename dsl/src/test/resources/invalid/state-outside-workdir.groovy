workflow('demo') {
  step('a') {
    command './sim'
    checkpoint {
      engine 'signal'
      state '/tmp/state', '../shared/state', 'ok/state'
    }
  }
}
