package dev.crflow.nextflow

import dev.crflow.coordinator.control.Outcome
import dev.crflow.coordinator.journal.Event
import dev.crflow.coordinator.journal.JournalEvent
import dev.crflow.executor.control.StepControlDir
import groovy.transform.CompileStatic

/**
 * What the pipeline log must say when a task's checkpoints failed, so the front end never hides it: a failed
 * stop checkpoint means the next attempt restarted from an older generation (the application may repeat the work
 * since, in outputs that are not part of its `state`), or, with no generation at all, the coordinator ended the
 * step with ENGINE_ERROR instead of restarting it from scratch. Nextflow shows the task's own `.command.err`,
 * not the coordinator's log, so the coordinator's words are repeated here.
 */
@CompileStatic
class CheckpointFailures {

    /** One line per failed checkpoint, then the step's end if it was not a completion; empty when all went well. */
    static List<String> describe(StepControlDir ctl) {
        final lines = new ArrayList<String>()
        for( JournalEvent e : ctl.readJournal() ) {
            final t = e.typed()
            if( t instanceof Event.Checkpoint && !((Event.Checkpoint) t).ok() ) {
                final c = (Event.Checkpoint) t
                lines.add("checkpoint (${c.trigger().wireName()}) of attempt ${c.attempt() > 0 ? c.attempt().toString() : '?'} FAILED: ${c.error().orElse('')}".toString())
            }
        }
        final result = ctl.readResult()
        if( result.isPresent() && result.get().outcome() != Outcome.COMPLETED )
            lines.add("the step ended ${result.get().outcome()}: ${result.get().message() ?: ''}".toString())
        return lines
    }

    /** The warning for the pipeline log, or empty. */
    static Optional<String> warning(String taskName, StepControlDir ctl) {
        final lines = describe(ctl)
        if( !lines ) return Optional.empty()
        return Optional.of("[slurm-cr] ${taskName}: ${lines.join('; ')} -- journal ${ctl.journal()}, coordinator log ${ctl.stderr()}".toString())
    }
}
