workflow('demo') {
  step('a') {
    command './sim'
    memory '4G'
    walltime '01:00:00'
  }
}
