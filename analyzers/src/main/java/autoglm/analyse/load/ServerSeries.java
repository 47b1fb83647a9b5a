package autoglm.analyse.load;

import autoglm.model.load.Scrape;
import autoglm.model.load.SeriesKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A server's pages as PromQL would see them (docs/analyses.md#server-metrics), one code path for the pages {@code
 * autoglm load} scraped and those read back from Prometheus. Per family:
 * <ul>
 * <li>a gauge that adds across engines (running, waiting): its series summed per page, as {@code sum()};</li>
 * <li>a gauge that does not (KV-cache use): per engine (each label set), the highest engine and the mean of the
 * engines per page;</li>
 * <li>a counter: per series, the increase over the pages, resets survived; a series absent from an earlier page of
 * the same server counts from 0 when it appears (SGLang's and vLLM's labelled children are created at their first
 * observation); the increases summed;</li>
 * <li>a histogram: the same per bucket series (by {@code le}, other labels summed), count and sum.</li>
 * </ul>
 * A family is found under the first of its candidate names present, so every engine's old and new names map to one
 * role (the candidate lists of {@link ServerMetricsAnalysis}). Values {@link ServerValues} refuses are left out of
 * their page (as if the page lacked them) and counted by reason in {@link #refused()}.
 */
public final class ServerSeries {
    private final List<Scrape> pages;
    /** per page: sample name -> its series on that page that were believed. */
    private final List<Map<String, List<Map.Entry<SeriesKey, Double>>>> byName = new ArrayList<>();
    /** per page: the series it had whose value was refused ({@link ServerValues}). */
    private final List<Set<SeriesKey>> refusedOn = new ArrayList<>();
    /** The names of the series refused on some page. */
    private final Set<String> refusedNames = new java.util.HashSet<>();
    private final Map<String, Long> refused = new LinkedHashMap<>();

    public ServerSeries(List<Scrape> pages) {
        this.pages = pages;
        for (Scrape s : pages) {
            Map<String, List<Map.Entry<SeriesKey, Double>>> m = new LinkedHashMap<>();
            Set<SeriesKey> out = ServerValues.none();
            for (Map.Entry<SeriesKey, Double> e : s.samples().entrySet()) {
                String why = ServerValues.check(e.getKey(), e.getValue());
                if (why != null) {
                    out.add(e.getKey());
                    refused.merge(why, 1L, Long::sum);
                } else {
                    m.computeIfAbsent(e.getKey().name(), k -> new ArrayList<>()).add(e);
                }
            }
            ServerValues.histograms(m, out, refused);
            m.values().removeIf(List::isEmpty);
            out.forEach(k -> refusedNames.add(k.name()));
            byName.add(m);
            refusedOn.add(out);
        }
    }

    /** The values refused on the pages, by reason ({@link ServerValues}): counted in the run's data loss. */
    Map<String, Long> refused() {
        return java.util.Collections.unmodifiableMap(refused);
    }

    /**
     * Why none of {@code names} is read: every value of one was refused, else {@code otherwise} (the server does not
     * publish them).
     */
    String absent(String otherwise, String... names) {
        for (String n : names) {
            if (refusedNames.contains(n) || refusedNames.contains(n + "_bucket")) {
                return "every value of " + n + " on the server's pages was refused (see data loss)";
            }
        }
        return otherwise;
    }

    int size() {
        return pages.size();
    }

    double timeMs(int i) {
        return pages.get(i).tMs();
    }

    /** The first candidate any page has, or null. */
    public String find(String... names) {
        for (String n : names) {
            for (Map<String, List<Map.Entry<SeriesKey, Double>>> p : byName) {
                if (p.containsKey(n)) {
                    return n;
                }
            }
        }
        return null;
    }

    /** The series of {@code name} on page i (empty when the page lacks it). */
    private List<Map.Entry<SeriesKey, Double>> on(int i, String name) {
        return byName.get(i).getOrDefault(name, List.of());
    }

    /** An additive gauge: the sum of {@code name}'s series on each page (NaN where a page lacks it). */
    double[] summed(String name) {
        double[] v = new double[size()];
        for (int i = 0; i < v.length; i++) {
            List<Map.Entry<SeriesKey, Double>> xs = on(i, name);
            double sum = 0;
            for (Map.Entry<SeriesKey, Double> x : xs) {
                sum += x.getValue();
            }
            v[i] = xs.isEmpty() ? Double.NaN : sum;
        }
        return v;
    }

    /** A per-engine gauge on each page: the highest engine's value (NaN where a page lacks it). */
    double[] maxEngine(String name) {
        double[] v = new double[size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = on(i, name).stream().mapToDouble(Map.Entry::getValue).filter(d -> !Double.isNaN(d)).max()
                    .orElse(Double.NaN);
        }
        return v;
    }

    /** A per-engine gauge on each page: the mean of the engines' values (NaN where a page lacks it). */
    double[] meanEngine(String name) {
        double[] v = new double[size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = on(i, name).stream().mapToDouble(Map.Entry::getValue).filter(d -> !Double.isNaN(d)).average()
                    .orElse(Double.NaN);
        }
        return v;
    }

    /** The engines (distinct label sets) that published {@code name} on any page. */
    Set<SeriesKey> engines(String name) {
        Set<SeriesKey> s = new LinkedHashSet<>();
        for (int i = 0; i < size(); i++) {
            on(i, name).forEach(e -> s.add(e.getKey()));
        }
        return s;
    }

    /**
     * The increase of a counter over the pages, summed over its series: resets counted as Prometheus does, and a
     * series that first appears after the first page counts from 0 (it was created by its first event). NaN
     * without two pages or without the counter.
     */
    public double increase(String name) {
        Map<SeriesKey, Integer> seen = new java.util.HashMap<>();
        Map<SeriesKey, double[]> series = series(name, seen);
        if (series.isEmpty() || size() < 2) {
            return Double.NaN;
        }
        double total = 0;
        for (Map.Entry<SeriesKey, double[]> e : series.entrySet()) {
            total += fromZero(e.getValue(), seen.get(e.getKey()));
        }
        return total;
    }

    /**
     * Each series of {@code name} over the pages (NaN where a page lacks it or its value was refused), and in
     * {@code seen} the first page each was on, its value believed or refused.
     */
    private Map<SeriesKey, double[]> series(String name, Map<SeriesKey, Integer> seen) {
        Map<SeriesKey, double[]> series = new LinkedHashMap<>();
        int n = size();
        for (int i = 0; i < n; i++) {
            for (Map.Entry<SeriesKey, Double> e : on(i, name)) {
                series.computeIfAbsent(e.getKey(), k -> nans(n))[i] = e.getValue();
                seen.putIfAbsent(e.getKey(), i);
            }
            if (refusedNames.contains(name)) {
                for (SeriesKey k : refusedOn.get(i)) {
                    if (k.name().equals(name)) {
                        seen.putIfAbsent(k, i);
                    }
                }
            }
        }
        return series;
    }

    /**
     * A series' increase over the pages; 0 before its first page when that is not the server's first page, and the
     * series was on no earlier page ({@code seen}: the first page it was on, with a value refused there or not): a
     * value refused on an earlier page is unknown, not 0.
     */
    private static double fromZero(double[] v, int seen) {
        int first = 0;
        while (first < v.length && Double.isNaN(v[first])) {
            first++;
        }
        if (first == v.length) {
            return 0;
        }
        double[] w = v;
        if (first > 0 && (seen < 0 || seen >= first)) {
            w = v.clone();
            w[first - 1] = 0;
        }
        double inc = PromFunctions.increase(w);
        return Double.isNaN(inc) ? 0 : inc;
    }

    private static double[] nans(int n) {
        double[] v = new double[n];
        Arrays.fill(v, Double.NaN);
        return v;
    }

    /** A label's value on the first series of {@code name} found, or null. */
    String label(String name, String label) {
        for (int i = 0; i < size(); i++) {
            List<Map.Entry<SeriesKey, Double>> xs = on(i, name);
            if (!xs.isEmpty()) {
                return xs.get(0).getKey().label(label);
            }
        }
        return null;
    }

    /** A histogram's increase over the run: its buckets (by le, summed over other labels), count and sum. */
    record Histogram(List<PromFunctions.Bucket> buckets, double count, double sum) {
        double quantile(double q) {
            return PromFunctions.histogramQuantile(q, buckets);
        }

        double mean() {
            return count > 0 ? sum / count : Double.NaN;
        }
    }

    /** The histogram {@code base} (base_bucket, base_count, base_sum) over the run; null when absent. */
    Histogram histogram(String base) {
        String bucket = base + "_bucket";
        if (find(bucket) == null) {
            return null;
        }
        int n = size();
        // each bucket series (with its le) increases on its own, from 0 when it appears; then summed by le
        Map<SeriesKey, Integer> seen = new java.util.HashMap<>();
        Map<SeriesKey, double[]> series = series(bucket, seen);
        series.keySet().removeIf(k -> k.label("le") == null);
        Map<Double, Double> byLe = new java.util.TreeMap<>();
        for (Map.Entry<SeriesKey, double[]> e : series.entrySet()) {
            double le = autoglm.read.prometheus.Exposition.value(e.getKey().label("le"));
            byLe.merge(le, n < 2 ? Double.NaN : fromZero(e.getValue(), seen.get(e.getKey())), Double::sum);
        }
        List<PromFunctions.Bucket> buckets = new ArrayList<>();
        byLe.forEach((le, inc) -> buckets.add(new PromFunctions.Bucket(le, inc)));
        return new Histogram(buckets, increase(base + "_count"), increase(base + "_sum"));
    }
}
