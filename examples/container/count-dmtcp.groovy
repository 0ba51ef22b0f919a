// The same count, checkpointed transparently by DMTCP running INSIDE the container.
// DMTCP is not in the example image: this machine's build (/opt/dmtcp) is bind-mounted read-only.
// On Perlmutter, use an image with DMTCP built in (FROM your_app; RUN ... dmtcp ... make install)
// and runtime 'shifter' or 'podman-hpc' instead; nothing else changes.
// Check:  ./crflow container-check localhost/crflow-count:1 --runtime podman --engine dmtcp --mount /opt/dmtcp:/opt/dmtcp:ro
workflow('count-dmtcp-in-container') {
  step('count') {
    command 'i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo $i >> out.txt; sleep 0.2; done'
    time '00:10:00'
    checkpoint {
      engine 'dmtcp'
      signal 'USR1', lead: '60s'
    }
    container('localhost/crflow-count:1') {
      runtime 'podman'
      mount '/opt/dmtcp:/opt/dmtcp:ro'
    }
  }
}
