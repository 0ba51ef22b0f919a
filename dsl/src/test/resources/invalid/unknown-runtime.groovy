workflow('demo') {
  step('a') {
    command './sim'
    container('localhost/sim:1') { runtime 'docker' }
  }
}
