workflow('demo') {
  step('a') {
    command './sim'
    env 'MY-VAR', 'x'
    env CRFLOW_STEP: 'mine'
    env OMP_NUM_THREADS: [1, 2]
  }
}
