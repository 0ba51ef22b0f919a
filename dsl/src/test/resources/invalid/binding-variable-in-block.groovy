cores = 4

workflow('demo') {
  step('a') {
    command './sim'
    cpusPerTask cores
  }
}
