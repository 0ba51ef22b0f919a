workflow('demo') {
  step('a') {
    command './sim'
    container('localhost/sim:1') {
      runtime 'podman'
      mount 'cvmfs'
      mount '/data:data'
    }
  }
}
