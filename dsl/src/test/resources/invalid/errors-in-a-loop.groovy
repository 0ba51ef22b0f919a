def sizes = [0, 2, -1]

workflow('sweep') {
  sizes.eachWithIndex { n, i ->
    step("sim-${i}") {
      command "./sim --size ${n}"
      nodes n
    }
  }
}
