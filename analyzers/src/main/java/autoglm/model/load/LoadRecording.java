package autoglm.model.load;

import java.util.List;
import java.util.Map;

/**
 * A load run read back: its settings, every request (warm-up ones marked), the server's metrics over time, the
 * scrapes that failed (by reason), how long it ran and whether it ran to the end; the unloaded baseline, requests
 * sent one at a time before the load (load --baseline; docs/load.md#baseline), empty when none was measured; and
 * every scrape made, failed ones included, with what it cost the client (empty for runs recorded before it was kept).
 */
public record LoadRecording(LoadSettings settings, List<LoadRequest> requests, List<Scrape> scrapes,
        Map<String, Long> scrapeErrors, double durationMs, boolean complete, List<LoadRequest> baseline,
        List<ScrapeAttempt> scrapeLog) {
    public LoadRecording {
        requests = List.copyOf(requests);
        scrapes = List.copyOf(scrapes);
        scrapeErrors = Map.copyOf(scrapeErrors);
        baseline = List.copyOf(baseline);
        scrapeLog = List.copyOf(scrapeLog);
    }

    public LoadRecording(LoadSettings settings, List<LoadRequest> requests, List<Scrape> scrapes,
            Map<String, Long> scrapeErrors, double durationMs, boolean complete, List<LoadRequest> baseline) {
        this(settings, requests, scrapes, scrapeErrors, durationMs, complete, baseline, List.of());
    }

    public LoadRecording(LoadSettings settings, List<LoadRequest> requests, List<Scrape> scrapes,
            Map<String, Long> scrapeErrors, double durationMs, boolean complete) {
        this(settings, requests, scrapes, scrapeErrors, durationMs, complete, List.of(), List.of());
    }

    /** The measured requests: warm-ups left out, and those a signal cut short ({@link LoadRequest#INTERRUPTED}). */
    public List<LoadRequest> measured() {
        return requests.stream().filter(r -> !r.warmup() && !r.interrupted()).toList();
    }

    /** The requests a signal cut short (warm-ups included): counted as data loss, never as the server's failures. */
    public List<LoadRequest> interrupted() {
        return requests.stream().filter(LoadRequest::interrupted).toList();
    }
}
