package dev.crflow.dsl.internal;

import groovy.lang.MissingMethodException;
import groovy.lang.MissingPropertyException;

import java.util.List;

/** The wording of diagnostics about the user's script itself: an exception it threw, the steps a loop generated. */
final class ScriptMessages {
    private ScriptMessages() {}

    /** An exception escaping the user's code, as one readable line (no stack trace, no Groovy internals). */
    static String describe(Throwable e) {
        if (e instanceof MissingMethodException m) {
            String type = m.getType() == null ? "this object" : m.isStatic() ? "class " + m.getType().getSimpleName() : "a " + m.getType().getSimpleName();
            return "no method " + m.getMethod() + "(" + argTypes(m.getArguments()) + ") on " + type;
        }
        if (e instanceof MissingPropertyException m) {
            String type = m.getType() == null ? "" : " on a " + m.getType().getSimpleName();
            return "unknown property '" + m.getProperty() + "'" + type;
        }
        String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
        return "the script failed: " + e.getClass().getSimpleName() + (msg.isEmpty() ? "" : ": " + msg);
    }

    private static String argTypes(Object[] args) {
        if (args == null) return "";
        StringBuilder b = new StringBuilder();
        for (Object a : args) {
            if (b.length() > 0) b.append(", ");
            b.append(a == null ? "null" : a.getClass().getSimpleName());
        }
        return b.toString();
    }

    /** " (step 'a')", " (steps 'a', 'b')" or " (steps 'a', 'b', 'c' and 97 more)". */
    static String owners(List<String> steps) {
        if (steps.isEmpty()) return "";
        if (steps.size() == 1) return " (step '" + steps.get(0) + "')";
        StringBuilder b = new StringBuilder(" (steps ");
        for (int i = 0; i < Math.min(3, steps.size()); i++) {
            if (i > 0) b.append(", ");
            b.append('\'').append(steps.get(i)).append('\'');
        }
        if (steps.size() > 3) b.append(" and ").append(steps.size() - 3).append(" more");
        return b.append(')').toString();
    }
}
