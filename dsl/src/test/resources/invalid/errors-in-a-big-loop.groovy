// one mistake in a loop body: one diagnostic naming the steps, not 500
workflow('sweep') {
  (1..500).each { i ->
    step("sim-${i}") {
      command "./sim ${i}"
      checkpoint { engine 'dmtcp'; keep 0 }
      time '10m'; timeMin '20m'
    }
  }
}
