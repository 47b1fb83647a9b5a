package autoglm.record.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.load.ServerSeriesNames;
import autoglm.read.prometheus.Exposition;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 32, "Every /metrics scrape stays in memory": the scraper keeps only the series an analysis reads. On the
 * engines' own pages (testdata/prometheus: vLLM's, SGLang's and TGI's documentation examples, and the exposition
 * format's) the kept lines parse to exactly the samples the whole page has under those names, and everything else is
 * counted.
 */
class ScrapePageTest {
    private static List<String> used(Exposition.Page p) {
        List<String> out = new ArrayList<>();
        for (Exposition.Family f : p.families()) {
            for (Exposition.Sample s : f.samples()) {
                if (ServerSeriesNames.uses(s.name())) {
                    out.add(s.name() + s.labels() + "=" + s.value());
                }
            }
        }
        return out;
    }

    private static List<String> all(Exposition.Page p) {
        List<String> out = new ArrayList<>();
        p.families().forEach(f -> f.samples().forEach(s -> out.add(s.name())));
        return out;
    }

    @Test
    void theKeptLinesHoldEverySampleTheAnalysesReadAndNothingElse() throws Exception {
        for (String file : List.of("vllm-docs-example.txt", "sglang-docs-example.txt", "tgi-docs-names.txt",
                "exposition-example.txt")) {
            String text = Files.readString(Fixtures.root().resolve("testdata/prometheus/" + file));
            ScrapePage page = new ScrapePage(MetricsScraper.MAX_SERIES_PER_SCRAPE);
            text.lines().forEach(page);
            Exposition.Page whole = Exposition.parse(text);
            Exposition.Page kept = Exposition.parse(page.kept());
            assertEquals(used(whole), used(kept), file);
            assertEquals(used(kept).size(), all(kept).size(), file + ": only used names kept");
            // a kept line the parser refuses (vLLM's docs elide cache_config_info's labels with "...") is counted there
            assertEquals(page.keptSamples(), all(kept).size() + kept.malformed().size(), file);
            assertFalse(page.tooMany(), file);
        }
    }

    @Test
    void vllmsDocumentedPageKeepsElevenSamplesAndCountsTheOthers() throws Exception {
        // read off the file by hand: running (1), the TTFT histogram's buckets and count (8 + 1), cache_config_info
        // (1) are read; generation tokens (1), request successes (3) and the iteration-tokens histogram (8 + 1) are
        // not; the four "..." lines the docs elide with are no samples at all
        ScrapePage page = new ScrapePage(MetricsScraper.MAX_SERIES_PER_SCRAPE);
        Files.readString(Fixtures.root().resolve("testdata/prometheus/vllm-docs-example.txt")).lines().forEach(page);
        assertEquals(11, page.keptSamples());
        assertEquals(13, page.leftOut());
        assertEquals(4, page.malformed());
    }

    @Test
    void aLineThatIsNoSampleIsMalformedNotASeriesLeftOut() {
        ScrapePage page = new ScrapePage(10);
        // a JSON answer where a page was expected (LoadErrorsTest points --metrics-url at /v1/models), and garbage
        for (String line : List.of("{\"object\":\"list\",\"data\":[]}", "hello world", "x{a=\"1\"", "9lives 1",
                "unrelated_total{a=\"}\"} 1 1700000000000", "unrelated_total NaN", "unrelated_total{} +Inf")) {
            page.accept(line);
        }
        assertEquals(4, page.malformed());
        assertEquals(3, page.leftOut());
        assertEquals(0, page.keptSamples());
    }

    @Test
    void morePagesOfTheReadSeriesThanTheBoundRefuseThePage() {
        ScrapePage page = new ScrapePage(3);
        for (int i = 0; i < 5; i++) {
            page.accept("vllm:num_requests_running{engine=\"" + i + "\"} 1");
        }
        assertTrue(page.tooMany());
        assertEquals(5, page.keptSamples());
        assertEquals("", page.kept(), "a page cut short would read as series that vanished: none kept");
        // a few read samples with long labels: the kept text's own bound
        ScrapePage wide = new ScrapePage(MetricsScraper.MAX_SERIES_PER_SCRAPE);
        String label = "x".repeat(60_000);
        for (int i = 0; i * 60_000 <= ScrapePage.MAX_KEPT_CHARS; i++) {
            wide.accept("vllm:num_requests_running{engine=\"" + i + label + "\"} 1");
        }
        assertTrue(wide.tooMany());
        assertEquals("", wide.kept());
    }
}
