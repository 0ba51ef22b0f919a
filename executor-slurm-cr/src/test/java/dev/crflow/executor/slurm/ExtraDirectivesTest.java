package dev.crflow.executor.slurm;

import dev.crflow.dsl.policy.SbatchOptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executor's guard uses the DSL's one list of managed options (issue 12: they used to differ on --comment). */
class ExtraDirectivesTest {
    @Test
    void refusesExactlyWhatTheDslListsAsManagedEverywhere() {
        for (String name : SbatchOptions.refusedByTheExecutor()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExtraDirectives.parse("--" + name + "=x"), name);
            assertTrue(e.getMessage().contains("is managed by crflow"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> ExtraDirectives.parse("--comment=my-run"));
        assertThrows(IllegalArgumentException.class, () -> ExtraDirectives.parse("-H"));
    }

    @Test
    void optionsWithOnlyADslKeywordStillPassFromOtherFrontEnds() {
        // Nextflow's clusterOptions may carry --account or --mem: the DSL has keywords for them, the executor renders them
        assertEquals(List.of("--account=m1234"), ExtraDirectives.parse("--account=m1234").asArguments());
        assertEquals(List.of("--mem=4G"), ExtraDirectives.parse("--mem 4G").asArguments());
        assertEquals(List.of("--gres=gpu:1"), ExtraDirectives.parse("--gres=gpu:1").asArguments());
    }
}
