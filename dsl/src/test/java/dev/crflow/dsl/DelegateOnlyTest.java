package dev.crflow.dsl;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every block runs with Closure.DELEGATE_ONLY: a typo inside a block is an error even when the script
 * (or an enclosing block) has a method, a variable or a keyword of that name.
 */
class DelegateOnlyTest {
    private static List<String> check(String text) {
        return WorkflowLoader.checkText(text, "t.groovy", Path.of("/tmp"), Optional.empty())
                .diagnostics().stream().map(Diagnostic::format).toList();
    }

    @Test
    void aTypoNeverReachesAScriptMethodOfThatName() {
        List<String> d = check("""
                def intreval(x) { throw new IllegalStateException('fell through to the script') }
                workflow('w') {
                  step('a') {
                    command 'true'
                    checkpoint { engine 'dmtcp'; intreval '5m' }
                  }
                }
                """);
        assertEquals(List.of("t.groovy:5: unknown keyword 'intreval' in checkpoint block: methods of the script are not visible"
                + " inside blocks; define a closure in a local variable instead (def intreval = { … })"), d);
    }

    @Test
    void aTypoNeverReachesABindingVariableOfThatName() {
        List<String> d = check("""
                comand = 'echo fell through'
                workflow('w') {
                  step('a') { command comand }
                }
                """);
        assertEquals(List.of("t.groovy:3: unknown keyword 'comand' in step block: script binding variables are not visible"
                + " inside blocks; declare it as a local variable (def comand = …)"), d);
    }

    @Test
    void aKeywordOfTheEnclosingBlockIsNotVisibleInANestedBlock() {
        List<String> d = check("""
                workflow('w') {
                  step('a') {
                    command 'true'
                    checkpoint { engine 'dmtcp'; nodes 2 }
                    container('localhost/x:1') { runtime 'podman'; step('b') { command 'x' } }
                  }
                }
                """);
        assertEquals(List.of(
                "t.groovy:4: 'nodes' cannot be used in checkpoint block: it belongs in a step('name') { } or defaults { } block",
                "t.groovy:5: 'step' cannot be used in container block: it belongs directly in the workflow('name') { } block"), d);
    }

    @Test
    void internalFieldsOfTheContextsAreNotReachable() {
        List<String> d = check("""
                workflow('w') {
                  step('a') { command 'true'; println session; println step; println s }
                }
                """);
        assertEquals(3, d.size(), d.toString());
        assertTrue(d.get(0).startsWith("t.groovy:2: unknown keyword 'session' in step block"), d.get(0));
        assertTrue(d.get(1).startsWith("t.groovy:2: 'step' cannot be used in step block"), d.get(1));
        assertTrue(d.get(2).startsWith("t.groovy:2: unknown keyword 's' in step block"), d.get(2));
    }

    @Test
    void localVariablesAndClosuresStayVisible() throws DslException {
        var w = WorkflowLoader.parse("""
                def cores = 4
                def cmd = { int i -> "./sim --seed ${i}" }
                workflow('w') {
                  for (int i = 1; i <= 3; i++) {
                    step("s${i}") { command cmd(i); cpusPerTask cores }
                  }
                }
                """, "t.groovy", Path.of("/tmp"), Optional.empty());
        assertEquals(3, w.steps().size());
        assertEquals("./sim --seed 2", w.steps().get(1).command().text());
        assertEquals(4, w.steps().get(2).resources().cpusPerTask());
    }

    @Test
    void linesAreExactInsideLoopsAndNestedClosures() {
        List<String> d = check("""
                workflow('w') {
                  ['a', 'b'].each { n ->
                    step(n) {
                      command 'true'
                      checkpoint {
                        engine 'dmtcp'
                        keep n == 'a' ? 0 : -1
                      }
                    }
                  }
                }
                """);
        assertEquals(List.of("t.groovy:7: keep must be at least 1, got 0 (step 'a')",
                "t.groovy:7: keep must be at least 1, got -1 (step 'b')"), d);
    }
}
