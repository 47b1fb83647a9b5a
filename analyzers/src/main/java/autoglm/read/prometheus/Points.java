package autoglm.read.prometheus;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The points of a series read back from Prometheus, checked before any analysis sees them (docs/fleet.md, "What is
 * refused"): in time order; a point outside the window asked for (by more than {@link #WINDOW_SLACK_MS}) refused; a
 * time given twice in one series refused with every point at that time (Prometheus gives one point per step); where
 * several series stand for one (the same name and labels from two jobs, or two names of one GPU field), a time they
 * give different values at refused in all of them. Each refusal is counted by reason in the caller's map.
 */
final class Points {
    /** How far past the window's ends a point's time may be and still be read (the API's times are in ms). */
    static final double WINDOW_SLACK_MS = 1;

    static final String OUTSIDE = "Prometheus points outside the window asked for";
    static final String TWICE = "Prometheus points at a time their series gave twice (every copy refused)";
    static final String CONFLICT = "Prometheus points of one series given by several with different values (every "
            + "copy refused)";

    /** Times and values, in time order. */
    record Of(double[] t, double[] v) {
        int size() {
            return t.length;
        }
    }

    private Points() {
    }

    /** One series' points inside the window, in time order, its twice-given times refused. */
    static Of checked(double[] t, double[] v, double startMs, double endMs, Map<String, Long> refused) {
        boolean inside = true;
        for (int i = 0; i < t.length && inside; i++) {
            inside = t[i] >= startMs - WINDOW_SLACK_MS && t[i] <= endMs + WINDOW_SLACK_MS;
        }
        if (inside) {
            return unique(sorted(t, v), false, TWICE, refused);
        }
        int n = 0;
        double[] ct = new double[t.length];
        double[] cv = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            if (t[i] < startMs - WINDOW_SLACK_MS || t[i] > endMs + WINDOW_SLACK_MS) {
                refused.merge(OUTSIDE, 1L, Long::sum);
                continue;
            }
            ct[n] = t[i];
            cv[n++] = v[i];
        }
        Of sorted = sorted(Arrays.copyOf(ct, n), Arrays.copyOf(cv, n));
        return unique(sorted, false, TWICE, refused);
    }

    /** Several series standing for one, merged: a time with different values among them refused. */
    static Of merged(List<Of> parts, Map<String, Long> refused) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        int n = parts.stream().mapToInt(Of::size).sum();
        double[] t = new double[n];
        double[] v = new double[n];
        int k = 0;
        for (Of p : parts) {
            System.arraycopy(p.t(), 0, t, k, p.size());
            System.arraycopy(p.v(), 0, v, k, p.size());
            k += p.size();
        }
        return unique(sorted(t, v), true, CONFLICT, refused);
    }

    /**
     * Keeps one point per time: where a time has several, all refused unless {@code sameIsOne} and their values are
     * the same (then one is kept).
     */
    private static Of unique(Of s, boolean sameIsOne, String why, Map<String, Long> refused) {
        double[] t = s.t();
        double[] v = s.v();
        double[] ot = new double[t.length];
        double[] ov = new double[t.length];
        int n = 0;
        for (int i = 0; i < t.length;) {
            int j = i + 1;
            boolean same = true;
            while (j < t.length && t[j] == t[i]) {
                same &= Double.compare(v[j], v[i]) == 0;
                j++;
            }
            if (j - i == 1 || sameIsOne && same) {
                ot[n] = t[i];
                ov[n++] = v[i];
            } else {
                refused.merge(why, (long) (j - i), Long::sum);
            }
            i = j;
        }
        return n == t.length ? s : new Of(Arrays.copyOf(ot, n), Arrays.copyOf(ov, n));
    }

    /** The points in time order (as Prometheus gives them; sorted when they are not). */
    private static Of sorted(double[] t, double[] v) {
        boolean ordered = true;
        for (int i = 1; i < t.length && ordered; i++) {
            ordered = t[i - 1] <= t[i];
        }
        if (ordered) {
            return new Of(t, v);
        }
        Integer[] order = new Integer[t.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(t[a], t[b]));
        double[] st = new double[t.length];
        double[] sv = new double[t.length];
        for (int i = 0; i < order.length; i++) {
            st[i] = t[order[i]];
            sv[i] = v[order[i]];
        }
        return new Of(st, sv);
    }
}
