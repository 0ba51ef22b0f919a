workflow('demo') {
  stpe('a') { command 'true' }
  step('b') { command 'true' }
}
