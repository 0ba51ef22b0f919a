// test-mode: policy
workflow('demo') {
  step('a') { command './a' }
}
