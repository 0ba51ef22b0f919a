workflow('demo') {
  step('a') { after 'c'; command './a' }
  step('b') { after 'a'; command './b' }
  step('c') { after 'b'; command './c' }
  step('d') { after 'a'; command './d' }
}
