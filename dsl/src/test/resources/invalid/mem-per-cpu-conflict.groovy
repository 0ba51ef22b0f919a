workflow('demo') {
  defaults { mem '4G' }
  step('a') {
    command './sim'
    sbatch '--mem-per-cpu=2G'
  }
}
