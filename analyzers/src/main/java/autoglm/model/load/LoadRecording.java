package autoglm.model.load;

import java.util.List;
import java.util.Map;

/**
 * A load run read back: its settings, every request (warm-up ones marked), the server's metrics over time, the
 * scrapes that failed (by reason), how long it ran and whether it ran to the end.
 */
public record LoadRecording(LoadSettings settings, List<LoadRequest> requests, List<Scrape> scrapes,
        Map<String, Long> scrapeErrors, double durationMs, boolean complete) {
    public LoadRecording {
        requests = List.copyOf(requests);
        scrapes = List.copyOf(scrapes);
        scrapeErrors = Map.copyOf(scrapeErrors);
    }

    public List<LoadRequest> measured() {
        return requests.stream().filter(r -> !r.warmup()).toList();
    }
}
