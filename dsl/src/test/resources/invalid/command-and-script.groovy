workflow('demo') {
  step('a') {
    command './a'
    script '''
      set -e
      ./a
    '''
  }
}
