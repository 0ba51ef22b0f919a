// crflow policy for examples/snakemake/Snakefile: rules are matched by name (first match wins).
policy {
  match('count*') {
    checkpoint {
      engine 'signal'               // the application checkpoints itself when it gets the forwarded signal
      signal 'USR1', lead: '30s'    // Slurm warns the coordinator 30 s before the time limit
      forward 'USR1'                // ...which forwards USR1 to count_app.py
      state 'results/count.state'   // its own state; the rule's declared output is added by the bridge
      maxRestarts 20
    }
  }
}
