#!/usr/bin/env nextflow
// A two-step pipeline whose long step survives walltimes, preemption, lost nodes and a killed driver
// on the `slurm-cr` executor. Run it with: scripts/nextflow run examples/nextflow/main.nf

params.to = 120          // COUNT steps
params.step = 0.5        // seconds per step
params.outdir = 'results'

process PREPARE {
    input:
    val n

    output:
    path 'target.txt'

    script:
    """
    echo ${n} > target.txt
    """
}

process COUNT {
    // 120 steps of 0.5 s do not fit in one 1-minute job: crflow checkpoints before each time limit,
    // requeues, and the next job continues from the checkpoint.
    time '1m'

    input:
    path target

    output:
    path 'count.txt', emit: result
    path 'count.log', emit: history

    script:
    """
    count.py --to \$(cat ${target}) --step ${params.step}
    """
}

process REPORT {
    publishDir params.outdir, mode: 'copy'

    input:
    path result
    path history

    output:
    path 'report.txt'

    script:
    """
    echo "count=\$(cat ${result})" > report.txt
    echo "segments=\$(grep -c '^start' ${history})" >> report.txt
    cat ${history} >> report.txt
    """
}

workflow {
    PREPARE(Channel.of(params.to))
    COUNT(PREPARE.out)
    REPORT(COUNT.out.result, COUNT.out.history)
}
