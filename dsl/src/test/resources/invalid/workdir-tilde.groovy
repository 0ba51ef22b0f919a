workflow('demo') {
  step('a') {
    command './sim'
    workdir '~/runs'
  }
}
