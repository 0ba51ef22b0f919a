workflow('demo') {
  defaults { time '1' }
  step('a') { command './a' }
  step('b') { command './b' }
  step('c') { command './c'; time '10m' }
}
