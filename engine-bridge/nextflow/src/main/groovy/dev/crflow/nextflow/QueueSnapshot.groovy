package dev.crflow.nextflow

import groovy.transform.CompileStatic
import groovy.transform.Immutable

/**
 * One parsed `squeue --noheader -o '%i|%t|%r' -t all` answer, shared by every task handler of the
 * executor (one squeue per queue-stat interval, Nextflow's Throttle cache). The reason column is what
 * tells a requeue hold (BeginTime after a requeue) apart from an ordinary wait for resources.
 */
@CompileStatic
class QueueSnapshot {

    static final String FORMAT = '%i|%t|%r'

    @Immutable
    static class Entry {
        String jobId
        String code
        String reason

        SlurmJobState.Phase getPhase() { SlurmJobState.phaseOf(code) }

        /** Slurm holds every requeued job ~2 min (Reason=BeginTime) before it may start again. */
        boolean isRequeueHold() { code == 'PD' && reason == 'BeginTime' }

        /** scontrol requeuehold / RH needs an explicit release. */
        boolean isHeldForRelease() { code == 'RH' }
    }

    final Map<String, Entry> entries

    QueueSnapshot(Map<String, Entry> entries) {
        this.entries = Collections.unmodifiableMap(new LinkedHashMap<String, Entry>(entries))
    }

    static QueueSnapshot parse(String text) {
        final result = new LinkedHashMap<String, Entry>()
        for( String line : text.readLines() ) {
            if( !line.trim() ) continue
            final cols = line.trim().split(/\|/, 3)
            if( cols.length < 2 ) continue
            result.put(cols[0].trim(), new Entry(cols[0].trim(), cols[1].trim(), cols.length > 2 ? cols[2].trim() : ''))
        }
        return new QueueSnapshot(result)
    }

    Entry get(String jobId) { entries.get(jobId) }
}
