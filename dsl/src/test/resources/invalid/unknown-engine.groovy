workflow('demo') {
  step('a') {
    command './sim'
    checkpoint { engine 'dmtc' }
  }
  step('b') {
    command './sim'
    checkpoint { engine 'blcr' }
  }
}
