package autoglm.analyse;

import autoglm.model.load.Scrape;
import autoglm.read.prometheus.Exposition;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server's scrapes as PromQL would see them (docs/analyses.md, "Server metrics"): a gauge's value per scrape, a
 * counter's increase over the run (resets survived), a histogram's bucket increases and from them its quantiles and
 * mean. Series that differ only in labels (several models, ranks) are summed, as {@code sum()} would; a metric is
 * found under the first of its candidate names present, so vLLM's old and new names, SGLang's, TGI's and
 * llama.cpp's all map to one role.
 */
final class ServerSeries {
    private final List<Scrape> scrapes;
    /** per scrape: sample name -> (labels without le -> value), parsed once. */
    private final List<Map<String, List<Exposition.Sample>>> parsed = new ArrayList<>();

    ServerSeries(List<Scrape> scrapes) {
        this.scrapes = scrapes;
        for (Scrape s : scrapes) {
            StringBuilder text = new StringBuilder();
            for (Map.Entry<String, Double> e : s.series().entrySet()) {
                text.append(e.getKey()).append(' ').append(num(e.getValue())).append('\n');
            }
            Map<String, List<Exposition.Sample>> byName = new LinkedHashMap<>();
            for (Exposition.Family f : Exposition.parse(text.toString()).families()) {
                for (Exposition.Sample x : f.samples()) {
                    byName.computeIfAbsent(x.name(), k -> new ArrayList<>()).add(x);
                }
            }
            parsed.add(byName);
        }
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? (v > 0 ? "+Inf" : "-Inf") : Double.toString(v);
    }

    int size() {
        return scrapes.size();
    }

    double timeMs(int i) {
        return scrapes.get(i).tMs();
    }

    /** The first candidate any scrape has, or null. */
    String find(String... names) {
        for (String n : names) {
            for (Map<String, List<Exposition.Sample>> p : parsed) {
                if (p.containsKey(n)) {
                    return n;
                }
            }
        }
        return null;
    }

    /** The summed value of {@code name} in each scrape (NaN where a scrape lacks it). */
    double[] values(String name) {
        double[] v = new double[parsed.size()];
        for (int i = 0; i < v.length; i++) {
            List<Exposition.Sample> xs = parsed.get(i).get(name);
            if (xs == null) {
                v[i] = Double.NaN;
                continue;
            }
            double sum = 0;
            for (Exposition.Sample x : xs) {
                sum += x.value();
            }
            v[i] = sum;
        }
        return v;
    }

    /** The increase of a counter over the scrapes, resets counted as Prometheus does; NaN without two scrapes. */
    double increase(String name) {
        double[] v = values(name);
        double[] present = java.util.Arrays.stream(v).filter(d -> !Double.isNaN(d)).toArray();
        return present.length < 2 ? Double.NaN : PromFunctions.increase(present);
    }

    /** A label's value on the first sample of {@code name} found, or null. */
    String label(String name, String label) {
        for (Map<String, List<Exposition.Sample>> p : parsed) {
            List<Exposition.Sample> xs = p.get(name);
            if (xs != null && !xs.isEmpty()) {
                return xs.get(0).labels().get(label);
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
        Map<String, List<Double>> byLe = new LinkedHashMap<>();
        for (Map<String, List<Exposition.Sample>> p : parsed) {
            Map<String, Double> sums = new LinkedHashMap<>();
            for (Exposition.Sample x : p.getOrDefault(bucket, List.of())) {
                String le = x.labels().get("le");
                if (le != null) {
                    sums.merge(le, x.value(), Double::sum);
                }
            }
            for (Map.Entry<String, Double> e : sums.entrySet()) {
                byLe.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
        }
        List<PromFunctions.Bucket> buckets = new ArrayList<>();
        for (Map.Entry<String, List<Double>> e : byLe.entrySet()) {
            double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
            double inc = v.length < 2 ? Double.NaN : PromFunctions.increase(v);
            buckets.add(new PromFunctions.Bucket(Exposition.value(e.getKey()), inc));
        }
        return new Histogram(buckets, increase(base + "_count"), increase(base + "_sum"));
    }
}
