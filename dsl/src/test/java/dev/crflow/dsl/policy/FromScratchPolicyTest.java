package dev.crflow.dsl.policy;

import dev.crflow.dsl.model.CheckpointPolicy;
import dev.crflow.dsl.model.Engine;
import dev.crflow.dsl.model.FromScratch;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code fromScratch 'refuse' | 'allow'} through the one resolver: values, defaults, the round trip, the warnings. */
class FromScratchPolicyTest {
    private static final CheckpointPolicy SIGNAL = new CheckpointPolicy(Engine.SIGNAL, Optional.empty(), "USR1",
            Duration.ofSeconds(60), Optional.of("INT"), List.of("state", "count.out"), 2, 5, Optional.empty());

    private static Checked<CheckpointPolicy> overlay(CheckpointPolicy base, Map<PolicyKey, Object> values) {
        return PolicyResolver.overlay(base, values, k -> "ext " + k.dslName());
    }

    private static List<String> texts(Checked<?> c) { return c.diagnostics().stream().map(PolicyDiagnostic::text).toList(); }

    @Test
    void refuseOrAllowInAnyCaseAWrongValueSuggestsTheNearestWord() {
        assertEquals(Optional.of(FromScratch.ALLOW), PolicyValues.fromScratch("Allow").value());
        assertEquals(Optional.of(FromScratch.REFUSE), PolicyValues.fromScratch(" refuse ").value());
        assertEquals("unknown fromScratch 'alow'; did you mean 'allow'?", PolicyValues.fromScratch("alow").error().text());
        assertEquals("unknown fromScratch 'yes' (known: refuse, allow)", PolicyValues.fromScratch("yes").error().text());
        assertEquals(1, PolicyValues.read(PolicyKey.FROM_SCRATCH, "checkpoint_from_scratch", 1).diagnostics().size());
    }

    @Test
    void refuseIsTheDefaultAndAllowSurvivesTheRoundTripThroughALayer() {
        assertEquals(FromScratch.REFUSE, SIGNAL.fromScratch());
        assertEquals(FromScratch.REFUSE, CheckpointPolicy.none().fromScratch());
        Checked<CheckpointPolicy> allow = overlay(SIGNAL, Map.of(PolicyKey.FROM_SCRATCH, "allow"));
        assertEquals(List.of(), texts(allow));
        CheckpointPolicy p = allow.value().orElseThrow();
        assertEquals(FromScratch.ALLOW, p.fromScratch());
        assertEquals(p, overlay(p, Map.of()).value().orElseThrow(), "kept by a later layer that does not set it");
        assertEquals(FromScratch.ALLOW, overlay(p, Map.of(PolicyKey.KEEP, 3)).value().orElseThrow().fromScratch());
        assertEquals(FromScratch.REFUSE, overlay(p, Map.of(PolicyKey.FROM_SCRATCH, "refuse")).value().orElseThrow().fromScratch());
        assertEquals(FromScratch.ALLOW, p.withState(List.of("other")).fromScratch(), "a bridge adding outputs keeps it");
    }

    @Test
    void withoutAnEngineItIsMeaninglessAWarningNotAnError() {
        Checked<CheckpointPolicy> none = overlay(CheckpointPolicy.none(), Map.of(PolicyKey.FROM_SCRATCH, "allow"));
        assertEquals(List.of("ext fromScratch has no effect without a checkpoint engine: every attempt starts from scratch anyway"),
                texts(none));
        assertEquals(FromScratch.REFUSE, none.value().orElseThrow().fromScratch());
    }

    @Test
    void allowWithoutDeclaredStateWarnsThatUndeclaredOutputsMayBeDuplicated() {
        Checked<CheckpointPolicy> dmtcp = overlay(CheckpointPolicy.none(), Map.of(PolicyKey.ENGINE, "dmtcp", PolicyKey.FROM_SCRATCH, "allow"));
        assertEquals(List.of("ext fromScratch 'allow' without declared state files: a start over cannot put back what the"
                + " application wrote, so outputs not declared with state may be duplicated"), texts(dmtcp));
        assertEquals(FromScratch.ALLOW, dmtcp.value().orElseThrow().fromScratch(), "a warning: the user's choice stands");
        assertEquals(List.of(), texts(overlay(CheckpointPolicy.none(), Map.of(PolicyKey.ENGINE, "dmtcp", PolicyKey.FROM_SCRATCH, "refuse"))));
    }
}
