package dev.crflow.nextflow

import static org.junit.jupiter.api.Assertions.*

import java.nio.file.Path

import dev.crflow.executor.control.StepControlDir
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir

class CheckpointFailuresTest {

    @TempDir
    Path dir

    @Test
    void aFailedCheckpointAndAnEngineErrorEndAreBothInTheWarning() {
        final ctl = new StepControlDir(dir).create()
        ctl.journal().text = '''\
            {"event":"attempt-start","time":"2026-11-27T10:00:00Z","attempt":1}
            {"event":"checkpoint","time":"2026-11-27T10:00:30Z","attempt":1,"trigger":"signal","ok":false,"error":"none of the declared state files exist in /w: [state]"}
            {"event":"attempt-end","time":"2026-11-27T10:00:31Z","attempt":1,"reason":"engine-error"}
            '''.stripIndent()
        ctl.result().text = '{"outcome":"ENGINE_ERROR","exitCode":99,"attempts":1,"restarts":0,"retries":0,"message":"the signal checkpoint failed and there is no earlier generation"}'
        final w = CheckpointFailures.warning('COUNT (1)', ctl).orElseThrow()
        assertTrue(w.contains('checkpoint (signal) of attempt 1 FAILED: none of the declared state files exist'), w)
        assertTrue(w.contains('the step ended ENGINE_ERROR: the signal checkpoint failed and there is no earlier generation'), w)
    }

    @Test
    void nothingToSayWhenEveryCheckpointSucceededAndTheStepCompleted() {
        final ctl = new StepControlDir(dir).create()
        ctl.journal().text = '{"event":"checkpoint","time":"2026-11-27T10:00:30Z","attempt":1,"trigger":"signal","ok":true}\n'
        ctl.result().text = '{"outcome":"COMPLETED","exitCode":0,"attempts":2,"restarts":1,"retries":0,"message":"completed"}'
        assertEquals(Optional.empty(), CheckpointFailures.warning('COUNT (1)', ctl))
    }
}
