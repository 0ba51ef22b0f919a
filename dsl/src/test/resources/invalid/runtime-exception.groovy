def seeds = [1, 2, 3]

workflow('demo') {
  step('a') {
    command "./sim ${seeds[0] / 0}"
  }
  step('b') { command './b' }
}
