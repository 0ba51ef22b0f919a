workflow('demo') {
  step('a') {
    command './sim'
    sbatch '--comment=my-run'
    checkpoint {
      engine 'dmtcp'
      signal 'XCPU', lead: '60s'
    }
  }
}
