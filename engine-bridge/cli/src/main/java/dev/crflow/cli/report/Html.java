package dev.crflow.cli.report;

/** Escaping for text and attribute values in HTML and inline SVG. Every string that comes from a file goes through here. */
public final class Html {
    private Html() {}

    public static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> {
                    // Control characters have no business in a page (and some are invalid in XML/SVG).
                    if (c < 0x20 && c != '\n' && c != '\t') b.append('\uFFFD');
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }

    /** A token safe for class names and ids: letters, digits and '-' only. */
    public static String token(String s) {
        if (s == null || s.isEmpty()) return "x";
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) && c < 128 ? Character.toLowerCase(c) : '-');
        }
        return b.toString();
    }
}
