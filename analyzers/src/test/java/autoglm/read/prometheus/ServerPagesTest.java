package autoglm.read.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.Metrics;
import autoglm.analyse.load.PromFunctions;
import autoglm.analyse.load.ServerMetricsAnalysis;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadSettings;
import autoglm.model.load.Scrape;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The metric pages of vLLM's, SGLang's and TGI's documentation (testdata/prometheus, README there) read as
 * tools/prometheus_check.py reads them (testdata/expected/prometheus-*.json): every sample, the malformed lines
 * counted (vLLM's docs elide lines with "..."), a TTFT or queue histogram's quantiles; and each server recognised
 * under its own names.
 */
class ServerPagesTest {
    private static Exposition.Page page(String name) throws Exception {
        return Exposition.parse(Files.readString(Fixtures.root().resolve("testdata/prometheus/" + name + ".txt")));
    }

    private static JsonNode expected(String name) throws Exception {
        return Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/prometheus-" + name + ".json")
                .toFile());
    }

    private void check(String name, String histogram) throws Exception {
        Exposition.Page p = page(name);
        JsonNode want = expected(name);
        assertEquals(want.get("malformed").asInt(), p.malformed().size(), name + " " + p.malformed());
        List<Exposition.Sample> all = new ArrayList<>();
        p.families().forEach(f -> all.addAll(f.samples()));
        assertEquals(want.get("samples").size(), all.size(), name);
        for (int i = 0; i < all.size(); i++) {
            JsonNode w = want.get("samples").get(i);
            Exposition.Sample s = all.get(i);
            assertEquals(w.get("name").asText(), s.name(), name + " sample " + i);
            assertEquals(Exposition.value(w.get("value").asText()), s.value(), 0, s.name());
            Map<String, String> labels = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = w.get("labels").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                labels.put(e.getKey(), e.getValue().asText());
            }
            assertEquals(labels, s.labels(), s.name());
        }
        Map<Double, Double> byLe = new TreeMap<>();
        for (Exposition.Sample s : p.samples(histogram + "_bucket")) {
            byLe.merge(Exposition.value(s.labels().get("le")), s.value(), Double::sum);
        }
        List<PromFunctions.Bucket> buckets = new ArrayList<>();
        byLe.forEach((le, c) -> buckets.add(new PromFunctions.Bucket(le, c)));
        for (Iterator<Map.Entry<String, JsonNode>> it = want.get("quantiles").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> q = it.next();
            double got = PromFunctions.histogramQuantile(Double.parseDouble(q.getKey()), buckets);
            if (q.getValue().isNull()) {
                assertTrue(Double.isNaN(got), name + " q" + q.getKey() + ": no +Inf bucket, no quantile");
            } else {
                assertEquals(q.getValue().asDouble(), got, 1e-12, name + " q" + q.getKey());
            }
        }
    }

    /** Two scrapes of the same page, as a load would have scraped an idle server. */
    private static Metrics server(String name) throws Exception {
        Map<autoglm.model.load.SeriesKey, Double> series = new java.util.LinkedHashMap<>();
        page(name).families().forEach(f -> f.samples().forEach(s -> series.put(
                autoglm.model.load.SeriesKey.of(s.name(), s.labels()), s.value())));
        LoadSettings st = new LoadSettings("http://x", "m", "chat", "agent", "sync", Double.NaN, 1, 1, 1, 1, 0, 0, 0, 0,
                Double.NaN, Double.NaN, Double.NaN, "http://x/metrics", List.of(), 0);
        return ServerMetricsAnalysis.analyze(new LoadRecording(st, List.of(), List.of(new Scrape(0, series),
                new Scrape(500, series)), Map.of(), 500, true));
    }


    @Test
    void vllmsDocumentationPage() throws Exception {
        check("vllm-docs-example", "vllm:time_to_first_token_seconds");
        Metrics m = server("vllm-docs-example");
        assertEquals("vllm", m.get("server_kind").text());
        assertEquals(8.0, m.get("server_running_mean").value());
        assertTrue(!m.get("server_ttft_ms").present(), "no change between the two scrapes: no observation");
    }

    @Test
    void sglangsDocumentationPage() throws Exception {
        check("sglang-docs-example", "sglang:time_to_first_token_seconds");
        Metrics m = server("sglang-docs-example");
        assertEquals("sglang", m.get("server_kind").text());
        assertEquals(162.0, m.get("server_running_mean").value());
        assertEquals(2826.0, m.get("server_waiting_mean").value());
        assertEquals(28.0, m.get("server_kv_usage_max_pct").value(), 1e-9);
    }

    @Test
    void tgisDocumentedNames() throws Exception {
        check("tgi-docs-names", "tgi_request_queue_duration");
        Metrics m = server("tgi-docs-names");
        assertEquals("tgi", m.get("server_kind").text());
        assertEquals(6.0, m.get("server_running_mean").value());
        assertEquals(3.0, m.get("server_waiting_mean").value());
    }
}
