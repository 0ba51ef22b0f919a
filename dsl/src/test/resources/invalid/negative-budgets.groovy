workflow('demo') {
  step('a') {
    command './sim'
    retry(-2)
    checkpoint {
      engine 'dmtcp'
      maxRestarts(-1)
      totalTime '-5h'
    }
  }
}
