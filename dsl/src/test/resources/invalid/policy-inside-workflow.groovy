workflow('demo') {
  step('a') { command './a' }
  policy {
    match('a') { retry 1 }
  }
}
