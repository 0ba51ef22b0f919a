workflow('one') {
  step('a') { command './a' }
}
workflow('two') {
  step('b') { command './b' }
}
