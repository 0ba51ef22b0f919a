workflow('g4-sim') {
  defaults {                      // every step inherits; a step may override
    partition 'debug'; account 'm1234'; qos 'regular'; constraint 'cpu'
    time '01:00:00'
  }
  profile('perlmutter') { defaults { constraint 'cpu' } }   // chosen with --profile
  step('prepare') { command 'python3 prepare.py' }
  step('simulate') {
    after 'prepare'                    // one or more step names
    command './my_g4.sh'               // or: script '''multi-line bash'''
    workdir 'runs/sim'
    time '01:00:00'; timeMin '00:45:00'
    nodes 1; ntasks 1; cpusPerTask 2; mem '4G'
    env OMP_NUM_THREADS: '2'
    modules 'dmtcp'                    // `module load` before the step
    sbatch '--exclusive'               // extra directives, validated as sbatch options
    checkpoint {
      engine 'dmtcp'                   // dmtcp | criu | signal | none
      interval '5m'                    // periodic; omit to checkpoint only on the signal
      signal 'USR1', lead: '60s'       // --signal=B:USR1@60: checkpoint, then requeue
      forward 'INT'                    // engine 'signal': the signal the application handles
      state 'state', 'out/'            // engine 'signal': files/dirs persisted as a generation
      keep 2                           // image generations kept
      maxRestarts 50                   // walltime/preemption requeues allowed
      totalTime '72h'                  // compute budget across all attempts
    }
    container('docker:mtimalsina/geant4_dmtcp:Dec2023') {
      runtime 'shifter'                // shifter | podman-hpc | podman | apptainer
      mount '/cvmfs:/cvmfs'
      module 'cvmfs'
    }
    retry 2                            // application-failure budget, separate from restarts
  }
}
// for external engines: the same blocks, matched to process/rule names
policy {
  match('sim*') { checkpoint { engine 'dmtcp'; interval '10m' }; container('docker:x/y:1') { runtime 'podman-hpc' } }
}
