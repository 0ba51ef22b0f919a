workflow('demo') {
  profile('perlmutter') { defaults { constraint 'cpu' } }
  profile('perlmutter') { defaults { constraint 'gpu' } }
  step('a') { command './a' }
}
