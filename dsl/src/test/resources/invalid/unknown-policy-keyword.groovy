policy {
  macth('sim*') {
    checkpoint { engine 'dmtcp' }
  }
}
