workflow('demo') {
  step('prepare') { command './prep' }
  step('simulate') {
    after 'prepair'
    command './sim'
  }
  step('report') {
    after 'simulate', 'nothing-like-it'
    command './report'
  }
}
