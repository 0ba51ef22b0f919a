package dev.crflow.snakemake;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits one line of POSIX shell into words and joins words back, quoting each one that needs it.
 * Enough for the command lines Snakemake writes ({@code cd '/dir' && /usr/bin/python3 -m snakemake … && exit 0 || exit 1}):
 * single and double quotes, backslashes, and the list operators, which stay unquoted.
 */
final class ShellWords {
    /** A word, and whether it was an unquoted list operator ({@code && || ; |}). */
    record Word(String text, boolean operator) {
        static Word of(String text) { return new Word(text, false); }
    }

    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private ShellWords() {}

    static List<Word> split(String line) {
        List<Word> words = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inWord = false;
        boolean quoted = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i);
            if (c == '\'') {
                int end = line.indexOf('\'', i + 1);
                if (end < 0) throw new JobscriptException("unterminated ' in: " + line);
                cur.append(line, i + 1, end);
                inWord = true; quoted = true;
                i = end + 1;
            } else if (c == '"') {
                i++;
                while (i < line.length() && line.charAt(i) != '"') {
                    char d = line.charAt(i);
                    if (d == '\\' && i + 1 < line.length() && "\"\\$`\n".indexOf(line.charAt(i + 1)) >= 0) { cur.append(line.charAt(i + 1)); i += 2; }
                    else { cur.append(d); i++; }
                }
                if (i >= line.length()) throw new JobscriptException("unterminated \" in: " + line);
                inWord = true; quoted = true;
                i++;
            } else if (c == '\\' && i + 1 < line.length()) {
                cur.append(line.charAt(i + 1));
                inWord = true; quoted = true;
                i += 2;
            } else if (Character.isWhitespace(c)) {
                if (inWord) words.add(word(cur, quoted));
                cur.setLength(0); inWord = false; quoted = false;
                i++;
            } else {
                cur.append(c); inWord = true;
                i++;
            }
        }
        if (inWord) words.add(word(cur, quoted));
        return words;
    }

    private static Word word(StringBuilder text, boolean quoted) {
        String t = text.toString();
        boolean operator = !quoted && (t.equals("&&") || t.equals("||") || t.equals(";") || t.equals("|"));
        return new Word(t, operator);
    }

    static String join(List<Word> words) {
        StringBuilder out = new StringBuilder();
        for (Word w : words) {
            if (out.length() > 0) out.append(' ');
            out.append(w.operator() ? w.text() : quote(w.text()));
        }
        return out.toString();
    }

    static String quote(String s) {
        if (!s.isEmpty() && SAFE.matcher(s).matches()) return s;
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
