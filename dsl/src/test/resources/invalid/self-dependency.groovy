workflow('demo') {
  step('a') {
    after 'a'
    command './a'
  }
}
