package dev.crflow.dsl.internal;

import dev.crflow.dsl.Diagnostic;
import dev.crflow.dsl.LoadResult;
import dev.crflow.dsl.Severity;
import dev.crflow.dsl.model.Workflow;
import groovy.lang.Binding;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.lang.Script;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.control.messages.ExceptionMessage;
import org.codehaus.groovy.control.messages.Message;
import org.codehaus.groovy.control.messages.SimpleMessage;
import org.codehaus.groovy.control.messages.SyntaxErrorMessage;
import org.codehaus.groovy.runtime.InvokerHelper;
import org.codehaus.groovy.syntax.SyntaxException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** Compiles and runs one DSL file, then resolves and validates what it declared. */
public final class DslCompiler {
    /** WORKFLOW: a workflow block is required. POLICY: a policy block is required, a workflow is optional. */
    public enum Mode { WORKFLOW, POLICY,
        /** Either a workflow or a policy file (crflow check). */
        ANY }

    private static final AtomicLong SEQ = new AtomicLong();
    /** -Dcrflow.dsl.timing=true prints where the time of each load goes (for the benchmark). */
    private static final boolean TIMING = Boolean.getBoolean("crflow.dsl.timing");
    private static final String SCRIPT_BASE = "dev.crflow.dsl.context.WorkflowScript";

    private DslCompiler() {}

    public static LoadResult compile(String text, String fileName, Path baseDir, Optional<String> profile, Mode mode) {
        Path p = Path.of(fileName).getFileName();
        return compile(text, fileName, baseDir, p == null ? fileName : p.toString(), profile, mode);
    }

    /**
     * @param displayName the file as the user named it: used in every diagnostic
     * @param baseDir     absolute folder of the file: relative workdirs resolve against it
     * @param baseName    the file's own name (for a policy-only file's workflow name)
     */
    public static LoadResult compile(String text, String displayName, Path baseDir, String baseName,
                                     Optional<String> profile, Mode mode) {
        return compile(text, displayName, baseDir, baseName, profile, mode, dev.crflow.dsl.model.SiteSettings.empty());
    }

    /** @param settings site and user settings, under the file's own values (docs/settings.md) */
    public static LoadResult compile(String text, String displayName, Path baseDir, String baseName,
                                     Optional<String> profile, Mode mode, dev.crflow.dsl.model.SiteSettings settings) {
        long t0 = System.nanoTime();
        String sourceName = "crflow_dsl_" + SEQ.incrementAndGet() + ".groovy";
        DslSession session = new DslSession(displayName, sourceName);
        CompilerConfiguration config = new CompilerConfiguration();
        config.setScriptBaseClass(SCRIPT_BASE);
        config.addCompilationCustomizers(new LineInstrumenter());
        config.setTolerance(50);
        try (GroovyClassLoader loader = new GroovyClassLoader(DslCompiler.class.getClassLoader(), config)) {
            Class<?> scriptClass;
            try {
                scriptClass = loader.parseClass(new GroovyCodeSource(text, sourceName, "/crflow/dsl"), false);
            } catch (MultipleCompilationErrorsException e) {
                compileErrors(session, e);
                return finish(session, null);
            } catch (RuntimeException | LinkageError e) {
                session.error(0, "cannot compile the file: " + e.getMessage()
                        + (String.valueOf(e.getMessage()).contains("too large")
                        ? " (generate large numbers of steps with a Groovy loop)" : ""));
                return finish(session, null);
            }
            long t1 = System.nanoTime();
            Script script = InvokerHelper.createScript(scriptClass, new Binding());
            session.enter(script);
            try {
                script.run();
            } catch (StackOverflowError e) {
                session.error("stack overflow while running the file (endless recursion?)");
            } catch (RuntimeException e) {
                session.reportException(e);
            } finally {
                session.leave();
            }
            long t2 = System.nanoTime();
            Workflow workflow = new Resolver(session, baseDir, baseName, profile, mode, settings).resolve();
            if (TIMING) System.err.printf("crflow dsl: compile %d ms, run %d ms, resolve %d ms (wall); thread CPU so far %d ms%n",
                    (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000, (System.nanoTime() - t2) / 1_000_000,
                    java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000);
            return finish(session, workflow);
        } catch (IOException e) {
            session.error(0, "internal error closing the class loader: " + e.getMessage());
            return finish(session, null);
        }
    }

    private static void compileErrors(DslSession session, MultipleCompilationErrorsException e) {
        for (Message m : e.getErrorCollector().getErrors()) {
            if (m instanceof SyntaxErrorMessage sem) {
                SyntaxException se = sem.getCause();
                String msg = se.getOriginalMessage();
                msg = msg.replaceAll("\\s*@ line \\d+, column \\d+\\.?\\s*$", "").trim();
                int nl = msg.indexOf("\\n");
                if (nl < 0) nl = msg.indexOf('\n');
                if (nl >= 0) {
                    // the parser quotes everything it could not match, up to where it gave up
                    msg = msg.substring(0, nl) + "…' (the parser gave up here; the mistake is earlier, e.g. a missing ')' or '}')";
                }
                session.error(Math.max(se.getLine(), 1), "syntax error: " + msg);
            } else if (m instanceof ExceptionMessage em) {
                Exception cause = em.getCause();
                session.error(0, "cannot compile the file: " + cause.getMessage());
            } else if (m instanceof SimpleMessage sm) {
                session.error(0, "cannot compile the file: " + sm.getMessage());
            } else {
                session.error(0, "cannot compile the file: " + m);
            }
        }
        if (session.diagnostics().isEmpty()) session.error(0, "cannot compile the file: " + e.getMessage());
    }

    private static LoadResult finish(DslSession session, Workflow workflow) {
        java.util.Set<String> inLoops = new java.util.HashSet<>();
        if (session.workflow != null) {
            java.util.Map<Integer, Long> perLine = session.workflow.steps.stream()
                    .collect(java.util.stream.Collectors.groupingBy(s -> s.line, java.util.stream.Collectors.counting()));
            session.workflow.steps.forEach(s -> { if (perLine.get(s.line) > 1) inLoops.add(s.name); });
        }
        List<Diagnostic> all = new ArrayList<>(session.diagnosticsNamingLoopSteps(inLoops));
        all.sort(Comparator.comparingInt(Diagnostic::line));
        List<Diagnostic> unique = new ArrayList<>(new java.util.LinkedHashSet<>(all));
        boolean failed = unique.stream().anyMatch(d -> d.severity() == Severity.ERROR);
        return new LoadResult(failed ? Optional.empty() : Optional.ofNullable(workflow), unique);
    }
}
