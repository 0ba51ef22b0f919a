// The seeds' count example (CECI checkpointing training) as a crflow workflow.
// ./crflow run examples/count/count.groovy                    (local: walltime simulated)
// ./crflow run examples/count/count.groovy --executor slurm   (a real Slurm cluster)
workflow('count') {
  step('count') {
    command 'python3 ../count.py'
    workdir 'work'                 // examples/count/work: 'state' and 'count.out' live here
    env COUNT_STOP: '100', COUNT_DELAY: '0.5'
    time '00:01:00'                // 50 s of counting do not fit in one attempt...
    checkpoint {
      engine 'signal'              // the application checkpoints itself (count.py)
      signal 'USR1', lead: '30s'   // ...so 30 s before the limit crflow is warned,
      forward 'INT'                // forwards SIGINT to count.py, which saves 'state' and exits,
      state 'state', 'count.out'   // keeps these files as an image generation, requeues and restores them
      keep 2
      maxRestarts 10
    }
  }
}
