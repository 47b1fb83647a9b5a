package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A load against the reference server (autoglm serve --model glm-tiny on loopback) shows the SLOs and the timeout in
 * force in every report's header (terminal, --markdown, --html, the JSON metrics) and keeps the timeout in load.json;
 * its requests.csv has the chunks vLLM's bench serve times: the server sends one frame with choices for its role,
 * one per token and one with the finish reason (docs/serve.md), so a request has its token count of text chunks and
 * two more chunks, and its TTFT (the role frame) comes no later than its first text; TTFT, time to first text, TPOT,
 * ITL and E2EL are tools/load_check.py's, computed from the same files.
 */
class LoadHeaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Process server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.destroyForcibly();
        }
    }

    private String serve() throws Exception {
        String py = LoadServeTest.python();
        int port = LoadServeTest.freePort();
        ProcessBuilder pb = new ProcessBuilder(py, "-m", "autoglm_workload.serve", "--model", "glm-tiny", "--port",
                Integer.toString(port)).redirectErrorStream(true).redirectOutput(tmp.resolve("serve.log").toFile());
        pb.environment().put("PYTHONPATH", autoglm.Fixtures.root().resolve("native/workload").toString());
        server = pb.start();
        String url = "http://127.0.0.1:" + port;
        for (int i = 0; i < 600; i++) {
            try {
                java.net.HttpURLConnection c = (java.net.HttpURLConnection) new java.net.URL(url + "/health")
                        .openConnection();
                c.setConnectTimeout(500);
                if (c.getResponseCode() == 200) {
                    return url;
                }
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
        throw new AssertionError(url + " did not come up");
    }

    @Test
    void theSlosAndTimeoutInForceAreInEveryHeader() throws Exception {
        String url = serve();
        Path html = tmp.resolve("report.html");
        Path md = tmp.resolve("report.md");
        Run r = Run.of("load", url, "--out", tmp.resolve("runs").toString(), "--workload", "synthetic", "--requests",
                "3", "--warmup", "0", "--input-len", "32", "--output-len", "4", "--slo", "ttft=2s,e2el=5s",
                "--timeout", "60s", "--html", html.toString(), "--markdown", md.toString());
        assertEquals(0, r.code(), r.out() + r.err());
        String line = "SLOs TTFT 2 s, TPOT none, E2EL 5 s; timeout 60 s";
        assertTrue(r.out().lines().limit(3).anyMatch(l -> l.equals(line)), r.out());
        assertTrue(Files.readString(md).contains("Load: " + line + "."), Files.readString(md));
        assertTrue(Files.readString(html).replace("&nbsp;", " ").contains("<dt>load</dt><dd>" + line + "</dd>"),
                "the HTML header");
        Path run;
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            run = s.findFirst().orElseThrow();
        }
        assertEquals(60_000, JSON.readTree(run.resolve("load.json").toFile()).get("settings").get("timeout_ms")
                .asDouble());
        Path json = tmp.resolve("d.json");
        assertEquals(0, Run.of("diagnose", run.toString(), "--format", "json", "-o", json.toString()).code());
        JsonNode m = JSON.readTree(json.toFile()).get("metrics");
        assertEquals(2000, m.get("load_slo_ttft_ms").get("value").asDouble());
        assertEquals(5000, m.get("load_slo_e2el_ms").get("value").asDouble());
        assertTrue(m.get("load_slo_tpot_ms").get("value").isNull(), m.get("load_slo_tpot_ms").toString());
        assertEquals(60_000, m.get("load_timeout_ms").get("value").asDouble());
        // the figures tools/load_check.py computes from the same files by vLLM's bench definitions (docs/analyses.md)
        Process check = new ProcessBuilder("python3", autoglm.Fixtures.root().resolve("tools/load_check.py").toString(),
                run.toString()).redirectErrorStream(true).start();
        JsonNode want = JSON.readTree(check.getInputStream().readAllBytes());
        assertEquals(0, check.waitFor());
        for (String f : List.of("ttft", "first_text", "tpot", "itl", "e2el")) {
            JsonNode got = m.get("load_" + f + "_ms");
            assertEquals(want.get(f + "_ms").get("n").asLong(), got.get("n").asLong(), f);
            assertEquals(want.get(f + "_ms").get("mean").asDouble(), got.get("value").asDouble(),
                    1e-9 * Math.abs(want.get(f + "_ms").get("mean").asDouble()) + 1e-9, f);
        }
        List<Map<String, String>> rows = csv(run.resolve("requests.csv"));
        assertEquals(3, rows.size());
        for (Map<String, String> row : rows) {
            assertEquals("ok", row.get("status"), row.toString());
            int tokens = Integer.parseInt(row.get("completion_tokens"));
            assertEquals(tokens, Integer.parseInt(row.get("text_chunks")), row.toString());
            assertEquals(tokens + 2, row.get("chunk_ms").split(" ").length, "role, tokens, finish: " + row);
            assertTrue(Double.parseDouble(row.get("first_token_ms")) <= Double.parseDouble(row.get("first_text_ms")),
                    row.toString());
        }
    }

    /** The rows of a CSV file by column name, read by Jackson's CSV reader (not the project's row records). */
    static List<Map<String, String>> csv(Path file) throws Exception {
        com.fasterxml.jackson.dataformat.csv.CsvMapper m = new com.fasterxml.jackson.dataformat.csv.CsvMapper();
        try (com.fasterxml.jackson.databind.MappingIterator<Map<String, String>> it = m.readerForMapOf(String.class)
                .with(com.fasterxml.jackson.dataformat.csv.CsvSchema.emptySchema().withHeader())
                .readValues(file.toFile())) {
            return new ArrayList<>(it.readAll());
        }
    }
}
