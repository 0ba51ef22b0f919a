package dev.crflow.executor.slurm;

import java.util.ArrayList;
import java.util.List;

/** Expands Slurm host lists: {@code n[1-3,5],gpu01} → n1 n2 n3 n5 gpu01 (zero padding kept). */
public final class HostList {
    private HostList() {}

    public static List<String> expand(String expression) {
        List<String> out = new ArrayList<>();
        if (expression == null) return out;
        String e = expression.strip();
        if (e.isEmpty() || e.equals("(null)") || e.equals("None assigned") || e.equals("N/A")) return out;
        for (String part : splitTopLevel(e)) {
            int open = part.indexOf('[');
            if (open < 0 || !part.endsWith("]")) {
                out.add(part);
                continue;
            }
            String base = part.substring(0, open);
            for (String range : part.substring(open + 1, part.length() - 1).split(",")) {
                int dash = range.indexOf('-');
                if (dash < 0) {
                    out.add(base + range);
                    continue;
                }
                String from = range.substring(0, dash);
                String to = range.substring(dash + 1);
                int width = from.length();
                for (long i = Long.parseLong(from); i <= Long.parseLong(to); i++) {
                    out.add(base + String.format("%0" + width + "d", i));
                }
            }
        }
        return out;
    }

    private static List<String> splitTopLevel(String e) {
        List<String> parts = new ArrayList<>();
        int depth = 0, start = 0;
        for (int i = 0; i < e.length(); i++) {
            char c = e.charAt(i);
            if (c == '[') depth++;
            else if (c == ']') depth--;
            else if (c == ',' && depth == 0) {
                parts.add(e.substring(start, i));
                start = i + 1;
            }
        }
        parts.add(e.substring(start));
        return parts;
    }
}
