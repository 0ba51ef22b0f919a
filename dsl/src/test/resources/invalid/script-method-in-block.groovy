def simCommand(int i) { "./sim --seed ${i}" }

workflow('demo') {
  step('a') {
    command simCommand(1)
  }
}
