package autoglm.model.load;

import java.util.Map;

/**
 * One scrape of the server's /metrics: when (ms since the run's start) and every series' value, keyed by the
 * series in Prometheus' own notation, {@code name{label="value",...}} with the labels sorted.
 */
public record Scrape(double tMs, Map<String, Double> series) {
    public Scrape {
        series = Map.copyOf(series);
    }
}
