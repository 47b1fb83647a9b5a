package autoglm.analyse.load;

import autoglm.model.load.SeriesKey;
import autoglm.read.prometheus.Exposition;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which values of a server's page are believed (docs/analyses.md#server-metrics, "What is refused"), for the families
 * the analyses read ({@link ServerMetricsAnalysis}'s names): every value a finite number; the KV-cache use a fraction
 * from 0 to 1 (every engine's name for it publishes a fraction); the running batch, the queue, every counter and every
 * histogram series 0 or more; a histogram's buckets cumulative on each page (their counts not decreasing as {@code le}
 * grows, {@code le} a number) and its {@code +Inf} bucket equal to its {@code _count}. A value refused is left out of
 * its page, as if the page lacked it, and counted by reason; a histogram that fails on a page is left out of that page
 * whole (its buckets, count and sum, for that label set). Series the analyses do not read are not checked.
 */
final class ServerValues {
    static final String NOT_FINITE = "server metric samples refused: not a finite number";
    static final String NEGATIVE = "server metric samples refused: a negative count or time";
    static final String KV_RANGE = "server metric samples refused: a KV-cache use outside 0 to 1";
    static final String BAD_LE = "server metric samples refused: a histogram bucket without a numeric le";
    static final String NOT_CUMULATIVE = "server metric samples refused: a histogram whose buckets decrease as le "
            + "grows (the page's whole histogram)";
    static final String INF_NOT_COUNT = "server metric samples refused: a histogram whose +Inf bucket is not its _count "
            + "(the page's whole histogram)";

    private enum Kind { FRACTION, COUNT }

    private static final Map<String, Kind> KINDS = kinds();
    private static final List<String> HISTOGRAMS = histograms();

    private ServerValues() {
    }

    private static Map<String, Kind> kinds() {
        Map<String, Kind> m = new java.util.HashMap<>();
        for (String n : ServerMetricsAnalysis.KV) {
            m.put(n, Kind.FRACTION);
        }
        for (String[] names : new String[][] {ServerMetricsAnalysis.RUNNING, ServerMetricsAnalysis.WAITING,
            ServerMetricsAnalysis.PREEMPTIONS, ServerMetricsAnalysis.PREFIX_QUERIES, ServerMetricsAnalysis.PREFIX_HITS,
            ServerMetricsAnalysis.PROMPT_TOKENS, ServerMetricsAnalysis.CACHED_TOKENS, {ServerMetricsAnalysis
                .RETRACTED_GAUGE}}) {
            for (String n : names) {
                m.put(n, Kind.COUNT);
            }
        }
        for (String base : histograms()) {
            for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
                m.put(base + suffix, Kind.COUNT);
            }
        }
        return Map.copyOf(m);
    }

    private static List<String> histograms() {
        List<String> l = new ArrayList<>();
        for (String[] names : new String[][] {ServerMetricsAnalysis.TTFT, ServerMetricsAnalysis.E2E,
            ServerMetricsAnalysis.QUEUE, ServerMetricsAnalysis.PREFILL, ServerMetricsAnalysis.DECODE,
            ServerMetricsAnalysis.ITL}) {
            l.addAll(List.of(names));
        }
        return List.copyOf(l);
    }

    /** Whether series of this name are checked (the analyses read them). */
    static boolean checked(String name) {
        return KINDS.containsKey(name);
    }

    /** Why one value is refused, or null when it is believed (or its series is not one the analyses read). */
    static String check(SeriesKey key, double value) {
        Kind k = KINDS.get(key.name());
        if (k == null) {
            return null;
        }
        if (!Double.isFinite(value)) {
            return NOT_FINITE;
        }
        if (value < 0) {
            return k == Kind.FRACTION ? KV_RANGE : NEGATIVE;
        }
        if (k == Kind.FRACTION && value > 1) {
            return KV_RANGE;
        }
        if (key.name().endsWith("_bucket") && le(key) == null) {
            return BAD_LE;
        }
        return null;
    }

    /**
     * Leaves out of one page ({@code byName}: its series by sample name, values already checked one by one) every
     * histogram that is not cumulative or whose +Inf bucket is not its count; each series left out is added to
     * {@code out} and counted in {@code refused}.
     */
    static void histograms(Map<String, List<Map.Entry<SeriesKey, Double>>> byName, Set<SeriesKey> out,
            Map<String, Long> refused) {
        for (String base : HISTOGRAMS) {
            List<Map.Entry<SeriesKey, Double>> buckets = byName.get(base + "_bucket");
            if (buckets == null) {
                continue;
            }
            Map<SeriesKey, TreeMap<Double, Double>> groups = new LinkedHashMap<>();
            for (Map.Entry<SeriesKey, Double> e : buckets) {
                groups.computeIfAbsent(e.getKey().without("le"), g -> new TreeMap<>()).merge(le(e.getKey()),
                        e.getValue(), Double::sum);
            }
            Map<SeriesKey, Double> counts = new java.util.HashMap<>();
            for (Map.Entry<SeriesKey, Double> e : byName.getOrDefault(base + "_count", List.of())) {
                counts.put(e.getKey(), e.getValue());
            }
            for (Map.Entry<SeriesKey, TreeMap<Double, Double>> g : groups.entrySet()) {
                String why = null;
                double prev = 0;
                for (double c : g.getValue().values()) {
                    if (c < prev) {
                        why = NOT_CUMULATIVE;
                        break;
                    }
                    prev = c;
                }
                Double inf = g.getValue().get(Double.POSITIVE_INFINITY);
                Double count = counts.get(new SeriesKey(base + "_count", g.getKey().labels()));
                if (why == null && inf != null && count != null && inf.doubleValue() != count.doubleValue()) {
                    why = INF_NOT_COUNT;
                }
                if (why != null) {
                    SeriesKey labels = g.getKey();
                    for (String suffix : new String[] {"_bucket", "_count", "_sum"}) {
                        List<Map.Entry<SeriesKey, Double>> xs = byName.get(base + suffix);
                        if (xs == null) {
                            continue;
                        }
                        for (java.util.Iterator<Map.Entry<SeriesKey, Double>> it = xs.iterator(); it.hasNext();) {
                            SeriesKey k = it.next().getKey();
                            if (k.without("le").labels().equals(labels.labels())) {
                                it.remove();
                                out.add(k);
                                refused.merge(why, 1L, Long::sum);
                            }
                        }
                    }
                }
            }
        }
    }

    /** A bucket's upper bound, or null when its le is missing or not a number. */
    private static Double le(SeriesKey bucket) {
        String le = bucket.label("le");
        if (le == null) {
            return null;
        }
        try {
            double v = Exposition.value(le);
            return Double.isNaN(v) ? null : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A new empty set of series, for a page's refusals. */
    static Set<SeriesKey> none() {
        return new HashSet<>();
    }
}
