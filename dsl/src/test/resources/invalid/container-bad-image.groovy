workflow('demo') {
  step('a') {
    command './sim'
    container('my image; rm -rf /') { runtime 'podman' }
  }
}
