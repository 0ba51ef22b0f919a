workflw('demo') {
  step('a') { command 'true' }
}
