workflow('demo') {
  step('a') {
    command './sim'
    interval '5m'
    runtime 'podman'
  }
}
