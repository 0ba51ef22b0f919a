workflow('count') {
  defaults {
    time '10m'
    env LANG: 'C'
    modules 'python'
  }
  step('count') {
    command 'python3 count-signal.py'
    workdir 'work/count'
    env COUNT_TO: 1000
    modules 'gcc/12'
    checkpoint {
      engine 'signal'
      signal 'SIGUSR1', lead: '90s'
      state 'state.json', 'out/'
      maxRestarts 10
      totalTime '2h'
    }
  }
  step('count-forward') {
    command 'python3 count.py'
    time 15
    checkpoint {
      engine 'signal'
      signal 12, lead: '1m'
      forward 'int'
      state 'state.json'
    }
    retry 1
  }
}
