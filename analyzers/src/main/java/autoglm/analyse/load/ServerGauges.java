package autoglm.analyse.load;

import autoglm.model.load.Scrape;
import java.util.Arrays;
import java.util.List;

/**
 * A gauge of the server's /metrics over a load's scrapes, under the first of its names (vLLM's old and new,
 * SGLang's, TGI's, llama.cpp's) any scrape carries, read as {@link ServerSeries} reads each family:
 * the running batch, the queue and the KV-cache use, for the charts, the timeline and the per-step figures.
 */
public record ServerGauges(String name, double[] tMs, double[] values) {
    public static final List<String> RUNNING = List.of(ServerMetricsAnalysis.RUNNING);
    public static final List<String> WAITING = List.of(ServerMetricsAnalysis.WAITING);
    /** A fraction 0-1 under every name listed. */
    public static final List<String> KV = List.of(ServerMetricsAnalysis.KV);

    /**
     * The gauge under the first of {@code names} found, or null when no scrape carries any: summed over its series
     * for the running batch and the queue, the highest engine's for the KV-cache use (engines' fractions do not add;
     * docs/analyses.md#server-metrics).
     */
    public static ServerGauges of(List<Scrape> scrapes, List<String> names) {
        ServerSeries s = new ServerSeries(scrapes);
        String name = s.find(names.toArray(new String[0]));
        if (name == null) {
            return null;
        }
        double[] all = KV.contains(name) ? s.maxEngine(name) : s.summed(name);
        double[] t = new double[all.length];
        double[] v = new double[all.length];
        int n = 0;
        for (int i = 0; i < all.length; i++) {
            if (!Double.isNaN(all[i])) {
                t[n] = s.timeMs(i);
                v[n++] = all[i];
            }
        }
        return new ServerGauges(name, Arrays.copyOf(t, n), Arrays.copyOf(v, n));
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
