workflow('demo') {
  step('a') {
    command './sim'
    ntasks 'two'
    cpusPerTask 1.5
  }
}
