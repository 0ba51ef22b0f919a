package dev.crflow.dsl;

import dev.crflow.dsl.model.FromScratch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DSL's {@code checkpoint { fromScratch 'allow' }}: the step's policy, errors and warnings with file:line. */
class FromScratchDslTest {

    private static LoadResult check(String text) { return WorkflowLoader.checkText(text, "w.groovy", Path.of("/tmp"), Optional.empty()); }

    private static List<String> diagnostics(LoadResult r) { return r.diagnostics().stream().map(Diagnostic::format).toList(); }

    @Test
    void allowAndRefuseInAStepOrItsDefaultsRefuseWhenUnset() throws DslException {
        LoadResult r = check("""
                workflow('w') {
                  defaults { checkpoint { fromScratch 'allow' } }
                  step('a') { command 'true'; checkpoint { engine 'signal'; state 'state', 'count.out' } }
                  step('b') { command 'true'; checkpoint { engine 'signal'; state 's'; fromScratch 'refuse' } }
                }
                """);
        assertEquals(List.of(), diagnostics(r));
        assertEquals(List.of(FromScratch.ALLOW, FromScratch.REFUSE),
                r.orThrow().steps().stream().map(s -> s.checkpoint().fromScratch()).toList());
        LoadResult plain = check("workflow('w') { step('c') { command 'true'; checkpoint { engine 'criu'; state 'out' } } }\n");
        assertEquals(FromScratch.REFUSE, plain.orThrow().steps().get(0).checkpoint().fromScratch());
    }

    @Test
    void aWrongValueIsAnErrorAtItsLineWithTheNearestWord() {
        LoadResult bad = check("""
                workflow('w') {
                  step('a') { command 'true'; checkpoint { engine 'signal'; state 's'
                    fromScratch 'alow' } }
                }
                """);
        assertEquals(List.of("w.groovy:3: unknown fromScratch 'alow'; did you mean 'allow'?"), diagnostics(bad));
        assertTrue(bad.diagnostics().stream().anyMatch(Diagnostic::isError));
    }

    @Test
    void warningsWithEngineNoneAndWithoutDeclaredState() throws DslException {
        LoadResult r = check("""
                workflow('w') {
                  step('a') { command 'true'; checkpoint { engine 'none'; fromScratch 'allow' } }
                  step('b') { command 'true'; checkpoint { engine 'dmtcp'; fromScratch 'allow' } }
                }
                """);
        assertEquals(List.of(
                "w.groovy:2: warning: fromScratch has no effect without a checkpoint engine: every attempt starts from scratch anyway (step 'a')",
                "w.groovy:3: warning: fromScratch 'allow' without declared state files: a start over cannot put back what the"
                        + " application wrote, so outputs not declared with state may be duplicated (step 'b')"), diagnostics(r));
        assertEquals(List.of(FromScratch.REFUSE, FromScratch.ALLOW),
                r.orThrow().steps().stream().map(s -> s.checkpoint().fromScratch()).toList());
    }

    @Test
    void allowWithDmtcpInAContainerWhereStateIsNotKeptWarnsToo() throws DslException {
        LoadResult r = check("""
                workflow('w') {
                  step('a') { command './sim'; checkpoint { engine 'dmtcp'; state 'out'
                    fromScratch 'allow' }
                    container('localhost/sim:1') { runtime 'podman' } }
                }
                """);
        assertEquals(List.of(
                "w.groovy:2: warning: state is not kept by engine 'dmtcp' inside a container; ignored (step 'a')",
                "w.groovy:3: warning: fromScratch 'allow' without declared state files kept (engine 'dmtcp' inside a container):"
                        + " a start over may duplicate the application's outputs (step 'a')"), diagnostics(r));
        assertEquals(FromScratch.ALLOW, r.orThrow().steps().get(0).checkpoint().fromScratch());
    }
}
