workflow('demo') {
  step('my step') { command './a' }
  step('../etc') { command './b' }
  step('-x') { command './c' }
  step('ok.name_1-2') { command './d' }
}
