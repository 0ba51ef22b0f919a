package dev.crflow.dsl.policy;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/**
 * Closest-keyword suggestions (optimal string alignment distance, so a swapped pair of letters costs 1).
 * A suggestion is made only when exactly one candidate is closest and it is close enough to be a typo.
 * Only ever called on the error path.
 */
public final class Suggest {
    private Suggest() {}

    public static Optional<String> closest(String name, Collection<String> candidates) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String c : candidates) if (c.toLowerCase(Locale.ROOT).equals(lower)) return Optional.of(c);
        int best = Integer.MAX_VALUE;
        String bestName = null;
        boolean tie = false;
        for (String c : candidates) {
            int d = distance(lower, c.toLowerCase(Locale.ROOT));
            if (d < best) { best = d; bestName = c; tie = false; }
            else if (d == best) tie = true;
        }
        if (bestName == null || tie) return Optional.empty();
        int allowed = Math.min(name.length(), bestName.length()) <= 4 ? 1 : name.length() <= 8 ? 2 : 3;
        return best <= allowed ? Optional.of(bestName) : Optional.empty();
    }

    /** "did you mean 'x'?" when one candidate is a likely typo of {@code name}. */
    public static Optional<String> didYouMean(String name, Iterable<String> candidates) {
        java.util.List<String> list = new java.util.ArrayList<>();
        candidates.forEach(list::add);
        return closest(name, list).map(s -> "did you mean '" + s + "'?");
    }

    public static int distance(String a, String b) {
        int n = a.length(), m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) d[i][0] = i;
        for (int j = 0; j <= m; j++) d[0][j] = j;
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[n][m];
    }
}
