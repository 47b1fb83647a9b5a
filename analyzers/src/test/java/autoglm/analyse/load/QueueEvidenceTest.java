package autoglm.analyse.load;

import autoglm.analyse.Metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import autoglm.model.load.LoadSettings;
import autoglm.model.load.Scrape;
import autoglm.model.load.SeriesKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The queue share's estimating routes (docs/analyses.md#queue-evidence) on small runs worked by hand in the comments:
 * Little's law on llama.cpp's waiting gauge, and the TTFT above an unloaded baseline where the server publishes
 * nothing.
 */
class QueueEvidenceTest {
    private static final LoadSettings SETTINGS = new LoadSettings("http://x", "m", "chat", "synthetic", "concurrent:4",
            Double.NaN, 4, 1, 1, 1, 0, 0, 0, 0, Double.NaN, Double.NaN, Double.NaN, "http://x/metrics", List.of(), 0);

    /** A completed request: scheduled at {@code t}, first chunk {@code ttft} later, ended {@code e2el} after t. */
    private static LoadRequest request(int i, double t, double ttft, double e2el, long prompt) {
        return new LoadRequest(i, 0, 1, false, t, t, t + ttft, Double.NaN, t + e2el, prompt, 10, false, -1, 0, 0,
                prompt, "ok", 200, null, new double[] {t + ttft, t + e2el});
    }

    private static Scrape page(double t, double processing, double deferred) {
        return new Scrape(t, Map.of(SeriesKey.of("llamacpp:requests_processing"), processing,
                SeriesKey.of("llamacpp:requests_deferred"), deferred));
    }

    @Test
    void littlesLawOnTheWaitingGauge() {
        // four requests from 0 ms to 2000 ms: E2EL 500, 1000, 1500, 2000 ms, mean 1250 ms; lambda = 4 / 2000 ms
        List<LoadRequest> reqs = List.of(request(0, 0, 100, 500, 100), request(1, 0, 600, 1000, 100),
                request(2, 0, 1100, 1500, 100), request(3, 0, 1600, 2000, 100));
        // one slot: processing 1 (its largest) at the first four pages, with 3, 2, 1 and 0 deferred; the last, 0
        // and 0. L = (3 + 2 + 1 + 0 + 0) / 5 = 1.2; W = L / lambda = 1.2 x 2000 / 4 = 600 ms; 600 / 1250 = 48%
        List<Scrape> pages = List.of(page(0, 1, 3), page(500, 1, 2), page(1000, 1, 1), page(1500, 1, 0),
                page(2000, 0, 0));
        Metrics m = LoadAnalysis.analyze(new LoadRecording(SETTINGS, reqs, pages, Map.of(), 2000, true));
        assertEquals(48, m.get("queue_share_pct").value(), 1e-9);
        assertEquals(600, m.get("load_queue_ms").value(), 1e-9);
        assertEquals(4, m.get("queue_share_pct").n());
        assertTrue(m.get("queue_basis").text().startsWith("waiting-gauge"), m.get("queue_basis").text());
        // two pages in the window are too few for the law
        Metrics few = LoadAnalysis.analyze(new LoadRecording(SETTINGS, reqs, List.of(page(0, 1, 3), page(2000, 0, 0)),
                Map.of(), 2000, true));
        assertFalse(few.get("queue_share_pct").present());
    }

    @Test
    void ttftAboveAnUnloadedBaseline() {
        // the baseline: two requests one at a time, TTFT 100 ms, prompts 100 tokens
        List<LoadRequest> base = List.of(request(0, 0, 100, 400, 100), request(1, 500, 100, 400, 100));
        // the load: four requests with prompts of 100 tokens (TTFT 300 ms, E2EL 1000 ms) and one of 1000 tokens,
        // longer than 1.25 x the baseline's longest, left out: excess 300 - 100 = 200 ms of 1000 ms, 20%
        List<LoadRequest> reqs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            reqs.add(request(i, 1000 + i, 300, 1000, 100));
        }
        reqs.add(request(4, 1000, 5000, 9000, 1000));
        Metrics m = LoadAnalysis.analyze(new LoadRecording(SETTINGS, reqs, List.of(), Map.of("http-404", 3L), 10000,
                true, base));
        assertEquals(20, m.get("queue_share_pct").value(), 1e-9);
        assertEquals(200, m.get("load_queue_ms").value(), 1e-9);
        assertEquals(2, m.get("queue_share_pct").n());
        assertTrue(m.get("queue_basis").text().startsWith("baseline-excess"), m.get("queue_basis").text());
        assertTrue(m.get("queue_basis").text().contains("waiting or interference"), m.get("queue_basis").text());
        // without a baseline the share is absent and says what would give it
        Metrics none = LoadAnalysis.analyze(new LoadRecording(SETTINGS, reqs, List.of(), Map.of("http-404", 3L), 10000,
                true));
        assertTrue(none.get("queue_share_pct").reason().contains("--baseline"), none.get("queue_share_pct").reason());
    }
}
