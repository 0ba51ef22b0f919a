workflow('demo') {
  profile('perlmutter') {
    defualts { constraint 'cpu' }
    partition 'regular'
  }
  step('a') { command './a' }
}
