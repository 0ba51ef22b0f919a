workflow('demo') {
  step('a') {
    command './sim'
    sbatch '--signal=B:USR1@60'
  }
}
