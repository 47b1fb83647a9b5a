package autoglm.record.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuSample;
import autoglm.model.run.RunContents;
import autoglm.read.run.RunReader;
import autoglm.rules.Finding;
import autoglm.rules.Severity;
import autoglm.util.BadInputException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The endpoint's exposition, read back over HTTP with a parser of the text format written here from its spec:
 * the recorded H100 run's last GPU and GPM samples (testdata/runs/h100-replay, expected values read from its CSV
 * text, not from the Java records) and the findings of diagnosing that run.
 */
class PrometheusExportTest {
    private static final Path RUN = Fixtures.root().resolve("testdata/runs/h100-replay");

    @Test
    void servesTheRecordedSamplesAndTheFindings() throws Exception {
        RunContents contents = RunReader.read(RUN, note -> { });
        List<GpuSample> gpu = contents.recording().gpu();
        List<GpmSample> gpm = contents.recording().gpm();
        Diagnosis diagnosis = Diagnoser.withDefaults().diagnoseRun(contents);
        Map<String, Double> exposed;
        try (PrometheusExport export = PrometheusExport.start("127.0.0.1:0", "h100-replay")) {
            gpu.forEach(export::gpu);
            gpm.forEach(export::gpm);
            export.findings(diagnosis.findings());
            exposed = scrape(export.port());
        }
        Map<String, String> lastGpu = lastRow("gpu.csv");
        Map<String, String> lastGpm = lastRow("gpm.csv");
        // labels in name order, as the parser below puts them
        String labels = "gpu=\"0\",host=\"" + java.net.InetAddress.getLocalHost().getHostName()
                + "\",run=\"h100-replay\",uuid=\"GPU-recorded\"";
        assertEquals(num(lastGpu, "util_pct") / 100, exposed.get("autoglm_gpu_utilization_ratio{" + labels + "}"));
        assertEquals(num(lastGpu, "mem_used_bytes"), exposed.get("autoglm_gpu_memory_used_bytes{" + labels + "}"));
        assertEquals(num(lastGpu, "power_w"), exposed.get("autoglm_gpu_power_watts{" + labels + "}"));
        assertEquals(num(lastGpu, "sm_clock_mhz") * 1e6, exposed.get("autoglm_gpu_sm_clock_hertz{" + labels + "}"));
        assertEquals((double) Long.decode(lastGpu.get("clock_reasons_mask")),
                exposed.get("autoglm_gpu_clock_event_reasons{" + labels + "}"));
        assertEquals(num(lastGpm, "sm_active_pct") / 100, exposed.get("autoglm_gpu_sm_active_ratio{" + labels + "}"));
        assertEquals(num(lastGpm, "tensor_active_pct") / 100,
                exposed.get("autoglm_gpu_tensor_active_ratio{" + labels + "}"));
        assertEquals(num(lastGpm, "dram_bw_pct") / 100, exposed.get("autoglm_gpu_dram_active_ratio{" + labels + "}"));
        // proc_mem_bytes is empty in the recording: not served, never 0
        assertFalse(exposed.keySet().stream().anyMatch(k -> k.startsWith("autoglm_gpu_process_tree_memory_bytes{")));
        assertEquals((double) gpu.size(), exposed.get(counter("gpu")));
        assertEquals((double) gpm.size(), exposed.get(counter("gpm")));

        int applied = 0;
        for (Finding f : diagnosis.findings()) {
            String key = "{host=\"" + java.net.InetAddress.getLocalHost().getHostName() + "\",rule=\"" + f.rule()
                    + "\",run=\"h100-replay\"}";
            if (f.severity() == Severity.NOT_APPLICABLE) {
                assertNull(exposed.get("autoglm_rule_score" + key), f.rule());
                continue;
            }
            applied++;
            assertEquals(f.score(), exposed.get("autoglm_rule_score" + key), f.rule());
            assertEquals(f.severity() == Severity.WARNING ? 2.0 : f.severity() == Severity.INFO ? 1.0 : 0.0,
                    exposed.get("autoglm_rule_severity" + key), f.rule());
        }
        assertTrue(applied > 0, "the recorded run has rules that apply");
    }

    @Test
    void theGrafanaDashboardParsesAndAsksOnlyForWhatIsServed() throws Exception {
        com.fasterxml.jackson.databind.JsonNode dash = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                Fixtures.root().resolve("docs/grafana/autoglm.json").toFile());
        java.util.Set<String> served = new java.util.HashSet<>();
        try (PrometheusExport export = PrometheusExport.start("127.0.0.1:0", "x")) {
            RunContents contents = RunReader.read(RUN, note -> { });
            export.gpu(contents.recording().gpu().get(0));
            export.gpm(contents.recording().gpm().get(0));
            export.host(new autoglm.model.run.HostSample(1, 10, 50, 50, "main", 1e9, 3, 2e9, 8e9));
            export.findings(Diagnoser.withDefaults().diagnoseRun(contents).findings());
            export.request(new autoglm.model.load.LoadRequest(0, 0, 1, false, 0, 1, 500, 600, 700, 100, 3, false, -1,
                    0, 0, 100, "ok", 200, null, new double[] {500, 600, 700}));
            scrape(export.port()).keySet().forEach(k -> served.add(k.contains("{") ? k.substring(0, k.indexOf('{')) : k));
        }
        java.util.List<String> asked = new java.util.ArrayList<>();
        dash.findValues("expr").forEach(e -> asked.add(e.asText()));
        dash.findValues("query").forEach(q -> asked.add(q.asText()));
        assertTrue(dash.get("panels").size() >= 8, "panels");
        int metrics = 0;
        for (String promql : asked) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("autoglm_[a-z0-9_]+").matcher(promql);
            while (m.find()) {
                metrics++;
                assertTrue(served.contains(m.group()), m.group() + " in the dashboard is not served; served: " + served);
            }
        }
        assertTrue(metrics >= 10, "the dashboard's queries name autoglm's metrics");
    }

    @Test
    void anAddressThatIsNotHostAndPortIsBadInput() {
        assertThrows(BadInputException.class, () -> PrometheusExport.start("localhost:http", "x"));
        assertThrows(BadInputException.class, () -> PrometheusExport.start("70000", "x"));
    }

    private static String counter(String kind) throws Exception {
        return "autoglm_samples_total{host=\"" + java.net.InetAddress.getLocalHost().getHostName()
                + "\",kind=\"" + kind + "\",run=\"h100-replay\"}";
    }

    private static double num(Map<String, String> row, String column) {
        return Double.parseDouble(row.get(column));
    }

    private static Map<String, String> lastRow(String csv) throws Exception {
        List<String> lines = Files.readAllLines(RUN.resolve(csv));
        String[] header = lines.get(0).split(",", -1);
        String[] cells = lines.get(lines.size() - 1).split(",", -1);
        Map<String, String> row = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            row.put(header[i], cells[i]);
        }
        return row;
    }

    /** name{a="1",b="2"} with its labels in name order (label values here hold no comma). */
    private static String sortedLabels(String series) {
        int open = series.indexOf('{');
        if (open < 0) {
            return series;
        }
        List<String> pairs = new java.util.ArrayList<>(List.of(series.substring(open + 1, series.length() - 1).split(",")));
        java.util.Collections.sort(pairs);
        return series.substring(0, open) + "{" + String.join(",", pairs) + "}";
    }

    /**
     * The text format (prometheus.io/docs/instrumenting/exposition_formats): '#' lines are HELP and TYPE, every other
     * line is "name{labels} value"; the labels as written, the value a Go float. Every family must have a TYPE, and
     * a counter's samples end in _total.
     */
    private static Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        Map<String, Double> values = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] t = line.split(" ");
                types.put(t[2], t[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int space = line.lastIndexOf(' ');
                String series = line.substring(0, space);
                String name = series.contains("{") ? series.substring(0, series.indexOf('{')) : series;
                assertTrue(name.matches("autoglm_[a-z0-9_]+"), name);
                String family = name.replaceAll("_(total|bucket|sum|count|created)$", "");
                String type = types.getOrDefault(name, types.get(family));
                assertTrue(type != null, "no TYPE for " + name);
                assertTrue(!type.equals("counter") || name.endsWith("_total"), name);
                values.put(sortedLabels(series), Double.parseDouble(line.substring(space + 1)));
            }
        }
        return values;
    }
}
