// test-profile: cori
workflow('demo') {
  profile('perlmutter') { defaults { constraint 'cpu' } }
  profile('frontier') { defaults { partition 'batch' } }
  step('a') { command './a' }
}
