// For Nextflow (-profile slurm-cr) or Snakemake: rules matched to process/rule names.
policy {
  match('SIM*') {
    checkpoint { engine 'dmtcp'; interval '10m'; signal 'USR1', lead: '2m' }
    container('docker:x/y:1') { runtime 'podman-hpc'; mount '/cvmfs:/cvmfs:ro' }
    retry 2
  }
  match('*:ALIGN_?') { checkpoint { engine 'signal'; state 'ckpt/' } }
  match('*') { checkpoint { engine 'none'; maxRestarts 3 } }
}
