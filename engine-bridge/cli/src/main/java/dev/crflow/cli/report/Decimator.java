package dev.crflow.cli.report;

import java.util.ArrayList;
import java.util.List;

/**
 * Thins a polyline to what a screen can show without losing its extremes: per horizontal bucket the first,
 * lowest, highest and last point, in time order. A day of 5-second samples stays a few kilobytes of SVG and
 * the checkpoint spikes (one or two samples wide) are still there.
 */
final class Decimator {
    private Decimator() {}

    /** @param pts points as {x, y}, x ascending; @param bucket bucket width in x units */
    static List<double[]> minMax(List<double[]> pts, double bucket) {
        if (pts.size() <= 4) return pts;
        List<double[]> out = new ArrayList<>();
        int i = 0;
        while (i < pts.size()) {
            long key = (long) Math.floor(pts.get(i)[0] / bucket);
            int j = i;
            int lo = i;
            int hi = i;
            while (j < pts.size() && (long) Math.floor(pts.get(j)[0] / bucket) == key) {
                if (pts.get(j)[1] < pts.get(lo)[1]) lo = j;
                if (pts.get(j)[1] > pts.get(hi)[1]) hi = j;
                j++;
            }
            int last = j - 1;
            int a = Math.min(lo, hi);
            int b = Math.max(lo, hi);
            for (int k : new int[] {i, a, b, last}) {
                if (out.isEmpty() || out.get(out.size() - 1) != pts.get(k)) out.add(pts.get(k));
            }
            i = j;
        }
        return out;
    }
}
