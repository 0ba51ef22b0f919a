// A parameter sweep: 300 simulations in three chains, each with its own seed, then one merge step.
def seeds = (1..300).toList()
def chains = 3

workflow('sweep') {
  defaults {
    partition 'debug'
    time '30m'
    checkpoint { engine 'dmtcp'; interval '10m'; keep 3 }
  }
  profile('big') { defaults { nodes 2; mem '64G' } }

  step('prepare') { command 'python3 prepare.py' }
  seeds.each { seed ->
    step("sim-${seed}") {
      after(seed <= chains ? 'prepare' : "sim-${seed - chains}")
      command "./sim --seed ${seed}"
      env SEED: seed
    }
  }
  step('merge') {
    after seeds.takeRight(chains).collect { "sim-${it}" }
    script '''
      set -euo pipefail
      python3 merge.py out/*.h5
    '''
    checkpoint { engine 'none' }
  }
}
