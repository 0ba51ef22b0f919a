// The seeds' count-signal program in a podman container, checkpointed by its own signal handler.
// Build the image once (offline, from this machine's binaries):  bash examples/container/build-image.sh
// Check it:   ./crflow container-check localhost/crflow-count:1 --runtime podman --engine signal
// Run it:     ./crflow run examples/container/count.groovy --executor slurm
workflow('count-in-container') {
  step('count') {
    command 'bash count_signal.sh 300 0.2'
    time '00:10:00'
    checkpoint {
      engine 'signal'          // the application saves its own state...
      forward 'USR1'           // ...when crflow forwards USR1 to it (through podman and the shim)
      state 'state'            // crflow keeps this file as the step's image generations
      signal 'USR1', lead: '60s'
    }
    container('localhost/crflow-count:1') {
      runtime 'podman'
    }
  }
}
