package autoglm.record.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.loopback.FakeOpenAi;
import autoglm.loopback.FakePrometheus;
import autoglm.loopback.Recordings;
import autoglm.analyse.load.ServerSeriesNames;
import autoglm.model.load.Scrape;
import autoglm.model.load.ScrapeAttempt;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MetricsScraper against each engine's recorded /metrics page replayed on loopback ({@link FakePrometheus}; no torch):
 * every sample of a series an analysis reads ({@link ServerSeriesNames}) kept once with its value and every other one
 * counted as left out, both counted here from the page's text by the exposition format's plain rule (a line that is
 * neither blank nor a {@code #} comment is one sample, its name before the first brace or space, its value after the
 * last space);
 * each scrape a page of its own; a 404 counted as the scrape's failure, not as a page.
 */
class FakeScrapeTest {
    /** The sample lines of a page, read from its text. */
    private static List<String> samples(byte[] page) {
        List<String> out = new ArrayList<>();
        for (String line : new String(page, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                out.add(line);
            }
        }
        return out;
    }

    /** Whether the sample line's series is one an analysis reads. */
    private static boolean used(String line) {
        int name = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
        return ServerSeriesNames.uses(line.substring(0, name));
    }

    /** The values, sorted, of the page's samples of the series an analysis reads (ServerSeriesNames' list). */
    private static List<Double> values(byte[] page) {
        List<Double> out = new ArrayList<>();
        for (String line : samples(page)) {
            if (!used(line)) {
                continue;
            }
            String v = line.substring(line.lastIndexOf(' ') + 1).replace("+Inf", "Infinity").replace("-Inf",
                    "-Infinity");
            out.add(Double.parseDouble(v));
        }
        out.sort(null);
        return out;
    }

    @Test
    void everySampleOfEachEnginesPageIsKept() throws Exception {
        for (String engine : Recordings.ENGINES) {
            try (FakePrometheus prom = FakePrometheus.of(engine)) {
                MetricsScraper s = new MetricsScraper(URI.create(prom.url()), System.nanoTime(), 0);
                assertTrue(s.scrapeOnce(), engine + ": " + s.errors());
                assertEquals(Map.of(), s.errors(), engine);
                Scrape page = s.scrapes().get(0);
                assertEquals(values(prom.recorded().body()), sorted(page), engine);
                ScrapeAttempt a = s.log().get(0);
                assertEquals(samples(prom.recorded().body()).size(), a.kept() + a.leftOut(),
                        engine + ": every sample line kept or counted as left out");
                assertTrue(a.kept() > 0, engine);
            }
        }
    }

    @Test
    void eachScrapeIsAPageOfItsOwn() throws Exception {
        byte[] first = Recordings.read("vllm", "metrics").body();
        String text = new String(first, StandardCharsets.UTF_8);
        // the second page: the first sample an analysis reads moved by one, as a counter or gauge would
        String line = samples(first).stream().filter(FakeScrapeTest::used).findFirst().orElseThrow();
        int at = text.indexOf(line + "\n");
        int eol = at + line.length();
        double before = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        String moved = text.substring(0, at) + line.substring(0, line.lastIndexOf(' ') + 1) + (before + 1)
                + text.substring(eol);
        try (FakePrometheus prom = FakePrometheus.pages("vllm", List.of(first, moved.getBytes(StandardCharsets.UTF_8)))) {
            MetricsScraper s = new MetricsScraper(URI.create(prom.url()), System.nanoTime(), 0);
            assertTrue(s.scrapeOnce());
            assertTrue(s.scrapeOnce());
            assertEquals(2, prom.served());
            assertEquals(2, s.scrapes().size());
            assertEquals(values(first), sorted(s.scrapes().get(0)));
            assertEquals(values(moved.getBytes(StandardCharsets.UTF_8)), sorted(s.scrapes().get(1)));
            assertFalse(sorted(s.scrapes().get(0)).equals(sorted(s.scrapes().get(1))));
        }
    }

    @Test
    void aPageThatIsNotThereIsAFailedScrape() throws Exception {
        // the fake engine serves no /metrics: 404, as Ollama answers
        try (FakeOpenAi engine = FakeOpenAi.start("vllm")) {
            MetricsScraper s = new MetricsScraper(URI.create(engine.url() + "/metrics"), System.nanoTime(), 0);
            assertFalse(s.scrapeOnce());
            assertEquals(Map.of("http-404", 1L), s.errors());
            assertTrue(s.scrapes().isEmpty());
            assertFalse(MetricsScraper.probe(URI.create(engine.url() + "/metrics")).join());
        }
    }

    private static List<Double> sorted(Scrape s) {
        List<Double> v = new ArrayList<>(s.samples().values());
        v.sort(null);
        return v;
    }
}
