package dev.crflow.dsl.policy;

import dev.crflow.dsl.model.ContainerRuntime;
import dev.crflow.dsl.model.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyValuesTest {
    @ParameterizedTest
    @ValueSource(strings = {"90", " 90 "})
    void aBareNumberIsNeverADurationButIsASlurmTimeLimitInMinutes(String text) {
        Checked<Duration> d = PolicyValues.duration("lead", text);
        assertFalse(d.isOk());
        assertEquals("lead '" + text + "' has no unit: write '90s' (seconds) or '90m' (minutes)", d.error().text());
        assertEquals("lead 90 has no unit: write '90s' (seconds) or '90m' (minutes)", PolicyValues.duration("lead", 90).error().text());
        assertEquals(Optional.of(Duration.ofMinutes(90)), PolicyValues.slurmTime("time", text).value());
        assertEquals(Optional.of(Duration.ofMinutes(90)), PolicyValues.slurmTime("time", 90L).value());
    }

    @Test
    void durationsWithUnitsAndSlurmForms() {
        assertEquals(Optional.of(Duration.ofSeconds(90)), PolicyValues.duration("lead", "90s").value());
        assertEquals(Optional.of(Duration.ofMinutes(15)), PolicyValues.duration("interval", "15m").value());
        assertEquals(Optional.of(Duration.ofHours(1)), PolicyValues.duration("interval", "01:00:00").value());
        assertEquals(Optional.of(Duration.ofHours(2)), PolicyValues.duration("interval", Duration.ofHours(2)).value());
        assertEquals("interval must be longer than zero, got '0s'", PolicyValues.duration("interval", "0s").error().text());
        assertTrue(PolicyValues.duration("interval", "soon").error().text().contains("e.g. '90s'"));
    }

    @Test
    void knownWordsComeFromTheEnums() {
        PolicyDiagnostic e = PolicyValues.engine("blcr").error();
        assertEquals(Arrays.stream(Engine.values()).map(Engine::dslName).toList(), e.known());
        assertEquals("unknown checkpoint engine 'blcr' (known: dmtcp, criu, signal, none)", e.text());
        assertEquals("unknown checkpoint engine 'dmtc'; did you mean 'dmtcp'?", PolicyValues.engine("dmtc").error().text());
        assertEquals(Optional.of(Engine.DMTCP), PolicyValues.engine(" DMTCP ").value());
        assertEquals(Arrays.stream(ContainerRuntime.values()).map(ContainerRuntime::dslName).toList(), PolicyValues.runtime("docker").error().known());
        assertEquals(Optional.of(ContainerRuntime.PODMAN_HPC), PolicyValues.runtime("podman-hpc").value());
    }

    @Test
    void theWarningSignalMustBeOneTheCoordinatorTraps() {
        for (String s : Signals.warningSignals()) assertEquals(Optional.of(s), PolicyValues.warningSignal("signal", "SIG" + s).value());
        for (String s : List.of("PWR", "XCPU", "URG", "TSTP", "QUIT")) {
            PolicyDiagnostic d = PolicyValues.warningSignal("signal", s).error();
            assertTrue(d.text().startsWith("signal SIG" + s + " cannot be the warning signal"), d.text());
            assertEquals(Signals.warningSignals(), d.known());
        }
        // the application's own signal may be any it can catch
        assertEquals(Optional.of("XCPU"), PolicyValues.signal("forward", "xcpu").value());
        assertEquals("forward SIGKILL cannot be caught or handled by any process: use a signal such as 'USR1'",
                PolicyValues.signal("forward", "KILL").error().text());
        assertEquals("unknown signal 'TERN'; did you mean 'TERM'?", PolicyValues.signal("signal", "TERN").error().text());
    }

    @Test
    void countsAndStatePaths() {
        assertEquals(Optional.of(3), PolicyValues.count("keep", "3", 1).value());
        assertEquals("keep must be at least 1, got 0", PolicyValues.count("keep", 0, 1).error().text());
        assertEquals(Optional.of(List.of("a.state", "b/")), PolicyValues.statePaths("state", "a.state, b/").value());
        assertEquals(Optional.of(List.of("a b.state")), PolicyValues.statePaths("state", List.of("a b.state")).value());
        assertEquals("state '/abs' must be relative to the step's workdir", PolicyValues.statePaths("state", "/abs").error().text());
        assertEquals("state 'x/../../y' must stay inside the step's workdir (no '..')", PolicyValues.statePath("state", "x/../../y").error().text());
    }

    @Test
    void everyKeyHasAUnitAndBothSpellings() {
        assertEquals(List.of("engine", "interval", "signal", "lead", "forward", "state", "keep", "maxRestarts", "totalTime", "onCancel",
                "incremental", "compress", "dedup", "fromScratch"), PolicyKey.dslNames());
        assertEquals("checkpoint_from_scratch", PolicyKey.FROM_SCRATCH.resourceName());
        assertEquals("checkpoint_incremental", PolicyKey.INCREMENTAL.resourceName());
        assertEquals("checkpoint_compress", PolicyKey.COMPRESS.resourceName());
        assertEquals("checkpoint_max_restarts", PolicyKey.MAX_RESTARTS.resourceName());
        assertEquals("checkpoint_on_cancel", PolicyKey.ON_CANCEL.resourceName());
        assertEquals("checkpoint_total_time", PolicyKey.TOTAL_TIME.resourceName());
        for (PolicyKey k : PolicyKey.values()) assertTrue(PolicyValues.read(k, k.dslName(), new Object()).diagnostics().size() == 1, k.name());
    }

    @Test
    void booleansFromEveryFrontEnd() {
        assertEquals(Optional.of(false), PolicyValues.bool("compress", false).value());
        assertEquals(Optional.of(true), PolicyValues.bool("compress", "True").value());
        assertEquals(Optional.of(false), PolicyValues.bool("checkpoint_dedup", 0).value());
        assertEquals(Optional.of(true), PolicyValues.bool("checkpoint_dedup", "1").value());
        assertEquals("dedup must be true or false, not 'yes please' (known: true, false)", PolicyValues.bool("dedup", "yes please").error().text());
        assertEquals("incremental must be true or false, not 'yes' (known: true, false)", PolicyValues.bool("incremental", "yes").error().text());
    }

    @Test
    void onCancelIsCheckpointOrStop() {
        assertEquals(Optional.of(dev.crflow.dsl.model.OnCancel.STOP), PolicyValues.onCancel("stop").value());
        assertEquals(Optional.of(dev.crflow.dsl.model.OnCancel.CHECKPOINT), PolicyValues.onCancel("Checkpoint").value());
        assertTrue(PolicyValues.onCancel("stopp").error().text().contains("stop"), PolicyValues.onCancel("stopp").error().text());
    }
}
