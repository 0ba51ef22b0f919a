workflow('demo') {
  defaults {
    command 'true'
    after 'a'
  }
  step('a') { command 'true' }
}
