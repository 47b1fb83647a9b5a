package autoglm.model.load;

import java.util.Map;

/**
 * One page of the server's /metrics: when (ms since the run's start, or the epoch for pages read back from
 * Prometheus) and every sample's value by its series (name and labels, typed: {@link SeriesKey}).
 */
public record Scrape(double tMs, Map<SeriesKey, Double> samples) {
    public Scrape {
        samples = Map.copyOf(samples);
    }
}
