package autoglm.analyse;

import autoglm.model.load.Scrape;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A gauge of the server's /metrics over a load's scrapes, under the first of its names (vLLM's old and new,
 * SGLang's, TGI's, llama.cpp's) any scrape carries, summed over its label sets as PromQL's {@code sum()} would:
 * the running batch, the queue and the KV-cache use, for the charts, the timeline and the per-step figures.
 */
public record ServerGauges(String name, double[] tMs, double[] values) {
    public static final List<String> RUNNING = List.of(ServerMetricsAnalysis.RUNNING);
    public static final List<String> WAITING = List.of(ServerMetricsAnalysis.WAITING);
    /** A fraction 0-1 under every name listed. */
    public static final List<String> KV = List.of(ServerMetricsAnalysis.KV);

    /** The gauge under the first of {@code names} found, or null when no scrape carries any. */
    public static ServerGauges of(List<Scrape> scrapes, List<String> names) {
        for (String name : names) {
            double[] t = new double[scrapes.size()];
            double[] v = new double[scrapes.size()];
            int n = 0;
            for (Scrape s : scrapes) {
                double sum = 0;
                boolean found = false;
                for (Map.Entry<String, Double> e : s.series().entrySet()) {
                    String k = e.getKey();
                    if (k.equals(name) || k.startsWith(name + "{")) {
                        sum += e.getValue();
                        found = true;
                    }
                }
                if (found) {
                    t[n] = s.tMs();
                    v[n++] = sum;
                }
            }
            if (n > 0) {
                return new ServerGauges(name, Arrays.copyOf(t, n), Arrays.copyOf(v, n));
            }
        }
        return null;
    }

    public int size() {
        return tMs.length;
    }

    /** The value the last scrape at or before {@code ms} read (a gauge holds until the next scrape); NaN before the first. */
    public double at(double ms) {
        int i = Arrays.binarySearch(tMs, ms);
        int k = i >= 0 ? i : -i - 2;
        return k < 0 ? Double.NaN : values[k];
    }
}
