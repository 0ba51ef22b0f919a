package dev.crflow.executor.slurm;

/**
 * The two quoting rules of a batch script, in one place.
 * <ul>
 * <li>{@link #shell}: a bash word. Single quotes make everything literal; a single quote itself is
 *     written {@code '\''}. Nothing inside can expand, so no DSL string can run as a command.</li>
 * <li>{@link #sbatch}: a value on an {@code #SBATCH} line. sbatch reads these lines itself (not bash);
 *     its parser honours quotes and backslash escapes even inside quotes, so both are escaped.</li>
 * </ul>
 * Control characters (newline above all: it would end the {@code #SBATCH} line and start a shell line)
 * are refused in both.
 */
public final class Quoting {
    private Quoting() {}

    public static String shell(String value) {
        requireNoControlCharacters(value);
        return "'" + value.replace("'", "'\\''") + "'";
    }

    public static String sbatch(String value) {
        requireNoControlCharacters(value);
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    public static void requireNoControlCharacters(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw new IllegalArgumentException("control character (code " + (int) c + ") in " + printable(value)
                        + ": values in a batch script must be one line of printable text");
            }
        }
    }

    static String printable(String value) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c < 0x20 || c == 0x7f) b.append(String.format("\\u%04x", (int) c)); else b.append(c);
        }
        return b.append('"').toString();
    }
}
