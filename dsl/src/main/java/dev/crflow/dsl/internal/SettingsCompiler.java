package dev.crflow.dsl.internal;

import dev.crflow.dsl.Diagnostic;
import dev.crflow.dsl.Severity;
import dev.crflow.dsl.model.SiteSettings;
import groovy.lang.Binding;
import groovy.lang.GroovyClassLoader;
import groovy.lang.GroovyCodeSource;
import groovy.lang.Script;
import org.codehaus.groovy.control.CompilerConfiguration;
import org.codehaus.groovy.control.MultipleCompilationErrorsException;
import org.codehaus.groovy.runtime.InvokerHelper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Compiles and runs one settings file ({@code settings { … }}) with the DSL's session, line tracking and
 * diagnostics, so a bad value is reported as FILE:LINE: message exactly as in a workflow file.
 */
public final class SettingsCompiler {
    private static final AtomicLong SEQ = new AtomicLong();
    private static final ThreadLocal<SettingsDecl> CURRENT = new ThreadLocal<>();

    private SettingsCompiler() {}

    /** The declaration the running settings script fills (for {@code SettingsScript}). */
    public static SettingsDecl current() {
        SettingsDecl d = CURRENT.get();
        if (d == null) throw new IllegalStateException("settings keywords are only available while a settings file loads");
        return d;
    }

    public record Result(Optional<SiteSettings> settings, List<Diagnostic> diagnostics) {}

    public static Result compile(String text, String displayName) {
        DslSession session = new DslSession(displayName, "crflow_settings_" + SEQ.incrementAndGet() + ".groovy");
        SettingsDecl decl = new SettingsDecl();
        CompilerConfiguration config = new CompilerConfiguration();
        config.setScriptBaseClass("dev.crflow.dsl.context.SettingsScript");
        config.addCompilationCustomizers(new LineInstrumenter());
        try (GroovyClassLoader loader = new GroovyClassLoader(SettingsCompiler.class.getClassLoader(), config)) {
            Class<?> scriptClass;
            try {
                scriptClass = loader.parseClass(new GroovyCodeSource(text, "crflow_settings.groovy", "/crflow/dsl"), false);
            } catch (MultipleCompilationErrorsException e) {
                session.error(firstLine(e), "syntax error: " + e.getErrorCollector().getErrors().get(0).toString().lines().findFirst().orElse(""));
                return finish(session, decl, displayName);
            }
            Script script = InvokerHelper.createScript(scriptClass, new Binding());
            session.enter(script);
            CURRENT.set(decl);
            try {
                script.run();
            } catch (RuntimeException e) {
                session.reportException(e);
            } finally {
                CURRENT.remove();
                session.leave();
            }
        } catch (IOException e) {
            session.error(0, "internal error closing the class loader: " + e.getMessage());
        }
        if (decl.blocks == 0 && session.errorCount() == 0) session.error(0, "no settings { … } block in this file");
        return finish(session, decl, displayName);
    }

    private static int firstLine(MultipleCompilationErrorsException e) {
        Object m = e.getErrorCollector().getErrors().get(0);
        if (m instanceof org.codehaus.groovy.control.messages.SyntaxErrorMessage s) return Math.max(1, s.getCause().getLine());
        return 0;
    }

    private static Result finish(DslSession session, SettingsDecl d, String file) {
        List<Diagnostic> all = new ArrayList<>(session.diagnostics());
        all.sort(Comparator.comparingInt(Diagnostic::line));
        if (all.stream().anyMatch(x -> x.severity() == Severity.ERROR)) return new Result(Optional.empty(), all);
        Map<String, String> origin = new LinkedHashMap<>();
        note(origin, file, "partition", d.partition);
        note(origin, file, "account", d.account);
        note(origin, file, "qos", d.qos);
        note(origin, file, "engine", d.engine);
        if (!d.modules.isEmpty()) origin.put("modules", file + ":" + d.modules.get(0).line());
        note(origin, file, "controlRoot", d.controlRoot);
        note(origin, file, "grace", d.grace);
        note(origin, file, "interruptionRate", d.interruptionRate);
        SiteSettings s = new SiteSettings(value(d.partition), value(d.account), value(d.qos), value(d.engine),
                d.modules.stream().map(Located::value).toList(), value(d.controlRoot), value(d.grace),
                value(d.interruptionRate), origin);
        return new Result(Optional.of(s), all);
    }

    private static void note(Map<String, String> origin, String file, String key, Located<?> v) {
        if (v != null) origin.put(key, file + ":" + v.line());
    }

    private static <T> Optional<T> value(Located<T> v) {
        return v == null ? Optional.empty() : Optional.of(v.value());
    }
}
