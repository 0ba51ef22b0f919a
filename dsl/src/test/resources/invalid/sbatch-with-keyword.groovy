workflow('demo') {
  step('a') {
    command './sim'
    sbatch '--time=10', '-N 2', '--mem=4G', '--dependency=afterok:12'
  }
}
