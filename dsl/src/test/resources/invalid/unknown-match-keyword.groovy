policy {
  match('sim*') {
    checkpiont { engine 'dmtcp' }
  }
}
