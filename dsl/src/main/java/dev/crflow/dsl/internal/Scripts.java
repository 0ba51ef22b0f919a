package dev.crflow.dsl.internal;

import java.util.ArrayList;
import java.util.List;

/** The text of {@code script '''…'''}: written indented inside the DSL, run as a file. */
public final class Scripts {
    private Scripts() {}

    /**
     * Removes the indentation common to all non-blank lines, the blank first line that follows the
     * opening quotes, and trailing blanks; ends with exactly one newline. Relative indentation (heredocs,
     * nested blocks) is kept.
     */
    public static String normalize(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\r?\n", -1)));
        while (!lines.isEmpty() && lines.get(0).isBlank()) lines.remove(0);
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) lines.remove(lines.size() - 1);
        int indent = Integer.MAX_VALUE;
        for (String l : lines) {
            if (l.isBlank()) continue;
            int i = 0;
            while (i < l.length() && (l.charAt(i) == ' ' || l.charAt(i) == '\t')) i++;
            indent = Math.min(indent, i);
        }
        StringBuilder b = new StringBuilder();
        for (String l : lines) {
            b.append(l.isBlank() ? "" : l.substring(indent).stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
