// crflow checkpoint policy for the Nextflow example: rules match process names (first match wins).
policy {
    match('COUNT') {
        checkpoint {
            engine 'signal'              // count.py saves its own state on the forwarded signal
            signal 'USR1', lead: '30s'   // Slurm warns the job 30 s before its time limit
            forward 'USR1'               // ... and crflow passes the warning on to count.py
            state 'count.state', 'count.log'
            interval '10s'               // plus a copy of the state every 10 s (survives a lost node)
            keep 2
            maxRestarts 20
        }
    }
}
