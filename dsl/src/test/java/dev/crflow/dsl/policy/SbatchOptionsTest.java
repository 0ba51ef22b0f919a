package dev.crflow.dsl.policy;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SbatchOptionsTest {
    @Test
    void oneListForTheDslAndTheExecutor() {
        // every option the executor refuses is refused by the DSL's check, with a reason
        for (String name : SbatchOptions.refusedByTheExecutor()) {
            SbatchOptions.Checked c = SbatchOptions.check("--" + name + "=x");
            assertNotNull(c.error(), name);
            assertTrue(c.error().contains("--" + name), c.error());
        }
        assertTrue(SbatchOptions.refusedByTheExecutor().contains("comment"));
        assertEquals("sbatch option '--comment' conflicts with crflow: crflow manages --comment (it records the step and its remaining time budget there)",
                SbatchOptions.check("--comment=my-run").error());
    }

    @Test
    void managedKnowsLongShortAndAttachedForms() {
        assertEquals("job-name", SbatchOptions.managed("-J x").orElseThrow().name());
        assertEquals("job-name", SbatchOptions.managed("-Jx").orElseThrow().name());
        assertEquals("comment", SbatchOptions.managed("--comment=a b").orElseThrow().name());
        assertEquals("time", SbatchOptions.managed("--time 10").orElseThrow().name());
        assertEquals(SbatchOptions.Scope.DSL, SbatchOptions.managed("--account=m1").orElseThrow().scope());
        assertEquals(Optional.empty(), SbatchOptions.managed("--exclusive"));
        assertEquals(Optional.empty(), SbatchOptions.managed("-x node9"));
        assertEquals(Optional.empty(), SbatchOptions.managed("rm -rf /"));
    }
}
