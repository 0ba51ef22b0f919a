workflow('demo') {
  step('a') { command './a' }
  step('b') { command './b' }
  step('a') { command './a2' }
}
