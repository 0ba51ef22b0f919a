workflow('demo') {
  defaults {
    partiton 'debug'
  }
  step('a') { command 'true' }
}
