package autoglm.model.load;

import java.util.List;
import java.util.Map;

/**
 * A load run read back: its settings, every request (warm-up ones marked), the server's metrics over time, the
 * scrapes that failed (by reason), how long it ran and whether it ran to the end; and the unloaded baseline, requests
 * sent one at a time before the load (load --baseline; docs/load.md#baseline), empty when none was measured.
 */
public record LoadRecording(LoadSettings settings, List<LoadRequest> requests, List<Scrape> scrapes,
        Map<String, Long> scrapeErrors, double durationMs, boolean complete, List<LoadRequest> baseline) {
    public LoadRecording {
        requests = List.copyOf(requests);
        scrapes = List.copyOf(scrapes);
        scrapeErrors = Map.copyOf(scrapeErrors);
        baseline = List.copyOf(baseline);
    }

    public LoadRecording(LoadSettings settings, List<LoadRequest> requests, List<Scrape> scrapes,
            Map<String, Long> scrapeErrors, double durationMs, boolean complete) {
        this(settings, requests, scrapes, scrapeErrors, durationMs, complete, List.of());
    }

    public List<LoadRequest> measured() {
        return requests.stream().filter(r -> !r.warmup()).toList();
    }
}
