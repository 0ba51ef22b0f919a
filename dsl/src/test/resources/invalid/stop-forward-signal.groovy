workflow('demo') {
  step('a') {
    command './sim'
    checkpoint {
      engine 'signal'
      forward 'SIGSTOP'
      state 'state.dat'
    }
  }
}
