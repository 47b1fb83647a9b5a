package autoglm.analyse.load;

import autoglm.analyse.Metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.LoadRuns;
import autoglm.diagnose.Diagnosis;
import autoglm.model.trace.DataLoss;
import autoglm.rules.Finding;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 32, "The client's own cost measured": testdata/load/synthetic-big-metrics-page is a real load (300 requests at
 * 50 a second against the vLLM emulator) whose --metrics-url served a page of 700,000 series no analysis reads
 * beside one it does (vllm:num_requests_running): {@code autoglm load EMULATOR --metrics-url PAGE --workload
 * synthetic --requests 300 --profile constant:50 --input-len 16 --output-len 4 --warmup 1 --baseline 0}, the page a
 * fixed answer of Python's http.server (vLLM's running gauge, then {@code unrelated_events_total{id="N"} N} for N
 * below 700,000; 29.9 MB). Its scrapes.csv says what each scrape cost; the figures here are
 * recomputed from that file by docs/analyses.md's definitions. Its page never changed, so server-metrics.csv holds
 * rows at two times only, for eight scrapes ("the summary's N scrapes is wrong when the page does not change").
 */
class ScrapeCostTest {
    private static final String RUN = "synthetic-big-metrics-page";

    private record Row(double tMs, double durationMs, String outcome, long kept, long leftOut) {
    }

    private static List<Row> rows() throws Exception {
        List<Row> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(Fixtures.root().resolve("testdata/load/" + RUN + "/scrapes.csv"));
        for (String l : lines.subList(1, lines.size())) {
            String[] f = l.split(",");
            out.add(new Row(Double.parseDouble(f[0]), Double.parseDouble(f[1]), f[2], Long.parseLong(f[3]),
                    Long.parseLong(f[4])));
        }
        return out;
    }

    @Test
    void theScrapesCostIsReadFromScrapesCsvAndTheScraperIsNamed() throws Exception {
        List<Row> rows = rows();
        Diagnosis d = LoadRuns.diagnose(RUN);
        double sum = rows.stream().mapToDouble(Row::durationMs).sum();
        Row first = rows.get(0);
        Row last = rows.get(rows.size() - 1);
        Metric ms = d.metrics().get("load_scrape_ms");
        assertEquals(sum / rows.size(), ms.value(), 1e-9);
        assertEquals(rows.size(), ms.n());
        double busy = 100 * sum / (last.tMs() + last.durationMs() - first.tMs());
        assertEquals(busy, d.metrics().get("load_scrape_busy_pct").value(), 1e-9);
        assertTrue(busy >= ScrapeCost.NAMED_BUSY_PCT, "the recording's scraper was busy " + busy + "%");
        String cause = d.metrics().get("load_client_lag_cause").text();
        assertTrue(cause.startsWith("the /metrics scraper"), cause);
        Finding f = LoadRuns.finding(d, "client-limited");
        assertTrue(f.explanation().contains("fell behind (the /metrics scraper: it was busy"), f.explanation());
    }

    @Test
    void everyScrapeIsCountedThoughTheUnchangedPageLeftRowsAtTwoTimes() throws Exception {
        List<Row> rows = rows();
        long times = Files.readAllLines(Fixtures.root().resolve("testdata/load/" + RUN + "/server-metrics.csv"))
                .stream().skip(1).map(l -> l.split(",", 2)[0]).distinct().count();
        assertEquals(2, times);
        Diagnosis d = LoadRuns.diagnose(RUN);
        long ok = rows.stream().filter(r -> r.outcome().equals("ok")).count();
        assertEquals(8, ok);
        assertEquals(ok, (long) d.metrics().get("server_scrapes").value());
        // the series left out are counted, by design, as skipped
        long leftOut = rows.stream().filter(r -> r.outcome().equals("ok")).mapToLong(Row::leftOut).sum();
        assertEquals(8 * 700_000L, leftOut);
        long counted = d.dataLoss().get(DataLoss.Group.SKIPPED).entrySet().stream()
                .filter(e -> e.getKey().contains("/metrics")).mapToLong(java.util.Map.Entry::getValue).sum();
        assertEquals(leftOut, counted);
    }

    @Test
    void withoutAScraperTheOtherCausesAreNamed() {
        // synthetic-client-limited: constant:3000, the client could not keep up; --no-server-metrics
        Finding f = LoadRuns.finding(LoadRuns.diagnose("synthetic-client-limited"), "client-limited");
        assertTrue(f.isProblem(), f.severity().toString());
        assertTrue(f.explanation().contains("fell behind (CPU, connection setup, encoding images; no /metrics scraper "
                + "ran)"), f.explanation());
    }
}
