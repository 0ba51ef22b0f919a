workflow('demo') {
  step('a') {
    comand 'python3 run.py'
  }
}
