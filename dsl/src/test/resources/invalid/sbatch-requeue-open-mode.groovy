workflow('demo') {
  step('a') {
    command './sim'
    sbatch '--requeue', '--no-requeue', '--open-mode=append'
  }
}
