package autoglm.read.prometheus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The series one page has given so far, to find a series given twice (the same name and labels, in any order). Kept
 * by a 64-bit hash of the name and the labels, which costs a map entry per sample rather than a second copy of its
 * labels; samples whose hashes are equal are compared whole.
 */
final class PageSeries {
    /** A sample and the page line it came from. */
    record Seen(Exposition.Sample sample, int line) {
    }

    // hash -> Seen, or a List<Seen> where different series share a hash
    private final Map<Long, Object> seen = new HashMap<>();

    /** The sample the page gave earlier with the same series as {@code s}, or null (then {@code s} is recorded). */
    Seen earlier(Exposition.Sample s, int line) {
        long h = hash(s);
        Object o = seen.get(h);
        if (o == null) {
            seen.put(h, new Seen(s, line));
            return null;
        }
        List<Seen> all = o instanceof Seen one ? new ArrayList<>(List.of(one)) : castList(o);
        for (Seen x : all) {
            if (x.sample().name().equals(s.name()) && x.sample().labels().equals(s.labels())) {
                return x;
            }
        }
        all.add(new Seen(s, line));
        seen.put(h, all);
        return null;
    }

    @SuppressWarnings("unchecked")
    private static List<Seen> castList(Object o) {
        return (List<Seen>) o;
    }

    /** The name's hash mixed with the labels' (each pair mixed, then summed: the order of the labels does not count). */
    static long hash(Exposition.Sample s) {
        long labels = 0;
        for (Map.Entry<String, String> e : s.labels().entrySet()) {
            labels += mix(((long) e.getKey().hashCode() << 32) ^ (e.getValue().hashCode() & 0xFFFFFFFFL)
                    ^ (long) e.getValue().length() << 20);
        }
        return mix(s.name().hashCode() * 0x9E3779B97F4A7C15L + labels);
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
