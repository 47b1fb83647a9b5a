package autoglm.model.load;

import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One series of a server's /metrics: its sample name ({@code vllm:e2e_request_latency_seconds_bucket}) and its
 * labels, sorted; the same for a series scraped by {@code autoglm load} and one read back from Prometheus
 * (docs/analyses.md#server-metrics). {@link #text()} is the series in Prometheus' own notation, as server-metrics.csv
 * stores it; the file's reader parses it back once.
 */
public record SeriesKey(String name, SortedMap<String, String> labels) {
    public SeriesKey {
        labels = Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    }

    public static SeriesKey of(String name, Map<String, String> labels) {
        return new SeriesKey(name, new TreeMap<>(labels));
    }

    public static SeriesKey of(String name) {
        return new SeriesKey(name, new TreeMap<>());
    }

    /** A label's value, or null. */
    public String label(String key) {
        return labels.get(key);
    }

    /** The same series without {@code key} among its labels (a histogram bucket without its le, say). */
    public SeriesKey without(String key) {
        if (!labels.containsKey(key)) {
            return this;
        }
        TreeMap<String, String> l = new TreeMap<>(labels);
        l.remove(key);
        return new SeriesKey(name, l);
    }

    /** name{label="value",...}, labels sorted, values escaped as the exposition format does. */
    public String text() {
        if (labels.isEmpty()) {
            return name;
        }
        StringBuilder b = new StringBuilder(name).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append(e.getKey()).append("=\"").append(e.getValue().replace("\\", "\\\\").replace("\"", "\\\"")
                    .replace("\n", "\\n")).append('"');
        }
        return b.append('}').toString();
    }

    @Override
    public String toString() {
        return text();
    }
}
