package autoglm.read.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.load.PromFunctions;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The exposition-format reader and the two PromQL functions on the example page of Prometheus's own documentation
 * (testdata/prometheus/exposition-example.txt), against tools/prometheus_check.py (plain Python from the same
 * documentation); malformed lines counted, never fatal; mutated pages never throw.
 */
class PrometheusTest {
    private static String page() throws Exception {
        return Files.readString(Fixtures.root().resolve("testdata/prometheus/exposition-example.txt"));
    }

    private static JsonNode expected() throws Exception {
        return Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/prometheus.json").toFile());
    }

    @Test
    void everySampleOfTheDocumentationsExampleAsTheCheckerReadsIt() throws Exception {
        Exposition.Page p = Exposition.parse(page());
        assertEquals(List.of(), p.malformed());
        List<Exposition.Sample> all = new ArrayList<>();
        p.families().forEach(f -> all.addAll(f.samples()));
        JsonNode want = expected().get("samples");
        assertEquals(want.size(), all.size());
        for (int i = 0; i < want.size(); i++) {
            JsonNode w = want.get(i);
            Exposition.Sample s = all.get(i);
            assertEquals(w.get("name").asText(), s.name(), "sample " + i);
            assertEquals(Exposition.value(w.get("value").asText()), s.value(), 0, s.name()); // Python writes inf, nan
            assertEquals(w.get("timestamp").isNull() ? null : w.get("timestamp").asLong(), s.timestampMs(), s.name());
            Map<String, String> labels = new java.util.LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = w.get("labels").fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                labels.put(e.getKey(), e.getValue().asText());
            }
            assertEquals(labels, s.labels(), s.name());
        }
        Exposition.Family h = p.family("http_request_duration_seconds");
        assertEquals("histogram", h.type());
        assertEquals("A histogram of the request duration.", h.help());
        assertEquals(8, h.samples().size(), "buckets, sum and count under the histogram's name");
        assertEquals("summary", p.family("rpc_duration_seconds").type());
        assertEquals(7, p.family("rpc_duration_seconds").samples().size());
        assertEquals("counter", p.family("http_requests_total").type());
        assertEquals("untyped", p.family("metric_without_timestamp_and_labels").type());
        assertEquals(Double.POSITIVE_INFINITY, p.samples("something_weird").get(0).value());
        assertEquals(-3982045L, p.samples("something_weird").get(0).timestampMs());
    }

    @Test
    void histogramQuantileAndIncreaseAsPrometheusComputesThem() throws Exception {
        Exposition.Page p = Exposition.parse(page());
        List<PromFunctions.Bucket> buckets = new ArrayList<>();
        for (Exposition.Sample s : p.samples("http_request_duration_seconds_bucket")) {
            buckets.add(new PromFunctions.Bucket(Exposition.value(s.labels().get("le")), s.value()));
        }
        JsonNode q = expected().get("quantiles");
        for (Iterator<String> it = q.fieldNames(); it.hasNext();) {
            String k = it.next();
            assertEquals(q.get(k).asDouble(), PromFunctions.histogramQuantile(Double.parseDouble(k), buckets), 1e-12, "q " + k);
        }
        JsonNode inc = expected().get("increase");
        double[] series = new double[inc.get("series").size()];
        for (int i = 0; i < series.length; i++) {
            series[i] = inc.get("series").get(i).asDouble();
        }
        assertEquals(inc.get("value").asDouble(), PromFunctions.increase(series), 0);
        assertTrue(Double.isNaN(PromFunctions.histogramQuantile(0.5, List.of(new PromFunctions.Bucket(1, 0),
                new PromFunctions.Bucket(Double.POSITIVE_INFINITY, 0)))), "no observations");
        assertTrue(Double.isNaN(PromFunctions.histogramQuantile(0.5, List.of(new PromFunctions.Bucket(1, 3)))),
                "no +Inf bucket");
    }

    @Test
    void aVllmPageWithColonsLabelsAndCrlf() {
        String vllm = "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\r\n"
                + "# TYPE vllm:num_requests_waiting gauge\r\n"
                + "vllm:num_requests_waiting{engine=\"0\",model_name=\"glm-tiny\"} 3.0\r\n"
                + "# TYPE vllm:prefix_cache_hits counter\r\n"
                + "vllm:prefix_cache_hits_total{engine=\"0\",model_name=\"glm-tiny\"} 750.0\r\n"
                + "# EOF\r\n";
        Exposition.Page p = Exposition.parse(vllm);
        assertEquals(List.of(), p.malformed());
        assertEquals(3.0, p.samples("vllm:num_requests_waiting").get(0).value());
        assertEquals("glm-tiny", p.samples("vllm:num_requests_waiting").get(0).labels().get("model_name"));
        assertEquals("counter", p.family("vllm:prefix_cache_hits").type(), "a counter's _total sample joins its family");
        assertNull(p.samples("vllm:num_requests_waiting").get(0).timestampMs());
    }

    @Test
    void malformedLinesAreCountedAndTheRestIsRead() {
        String text = "ok_one 1\nbroken{a=\"b} 1\ntoo_many 1 2 3\nnot_a_number abc\n{x=\"1\"} 3\n"
                + "dup{a=\"1\",a=\"2\"} 1\n# TYPE x wrongtype\nok_two{a=\"x\"} 2\n";
        Exposition.Page p = Exposition.parse(text);
        assertEquals(6, p.malformed().size(), p.malformed().toString());
        assertTrue(p.malformed().get(0).startsWith("line 2: "), p.malformed().get(0));
        assertEquals(1.0, p.samples("ok_one").get(0).value());
        assertEquals(2.0, p.samples("ok_two").get(0).value());
    }

    @Test
    void mutatedPagesNeverThrow() throws Exception {
        String base = page();
        Random r = new Random(14);
        String alphabet = "{}\",=\\ \n#+-.eEINFanf0123456789_:le\r\t";
        for (int k = 0; k < 3000; k++) {
            StringBuilder sb = new StringBuilder(base);
            for (int m = 0; m < 1 + r.nextInt(8); m++) {
                int at = r.nextInt(sb.length());
                switch (r.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, alphabet.charAt(r.nextInt(alphabet.length())));
                    default -> sb.setCharAt(at, alphabet.charAt(r.nextInt(alphabet.length())));
                }
            }
            Exposition.Page p = Exposition.parse(sb.toString());
            assertTrue(p.malformed().size() <= 101);
        }
    }
}
