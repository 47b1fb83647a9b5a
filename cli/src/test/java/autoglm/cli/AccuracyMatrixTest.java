package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The accuracy matrix (issue 31; docs/benchmarks.md "Accuracy matrix"): every scenario the emulators inject
 * (queueing, KV pressure with preemption, prefix miss in sessions, long context from about 1k to 16k tokens,
 * prefill interference, image-heavy prompts, a healthy control) on every engine emulator (vLLM V1, V1 with two
 * data-parallel engines, vLLM 0.8, SGLang, TGI, llama.cpp, Ollama), each loaded by {@code autoglm load}: the first
 * finding is the injected cause, or the cause's rule says why it cannot decide on that engine
 * ({@link EngineMatrix}); the control reports nothing; every server figure autoglm read equals the emulator's
 * truth log (tolerances in {@link TruthFigures}). The table is written to target/accuracy-matrix.md.
 */
class AccuracyMatrixTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    /** One cell: the load's JSON report and the emulator's truth. */
    record Cell(String engine, String scenario, JsonNode report, TruthFigures.Compared figures) {
    }

    static Cell run(Path dir, String engine, String scenario, List<String> emulatorArgs, List<String> traffic)
            throws Exception {
        List<String> eargs = new ArrayList<>(List.of("--scenario", scenario));
        eargs.addAll(EngineMatrix.EMULATOR);
        eargs.addAll(emulatorArgs);
        try (Emulator e = Emulator.start(dir, engine, eargs)) {
            Path json = dir.resolve("report.json");
            List<String> args = new ArrayList<>(List.of("load", e.url(), "--out", dir.resolve("runs").toString(),
                    "--format", "json", "-o", json.toString(), "--timeout", "120s"));
            args.addAll(traffic);
            Run r = Run.of(args.toArray(new String[0]));
            assertEquals(0, r.code(), engine + "/" + scenario + ": " + r.err() + "\n" + e.log());
            JsonNode report = JSON.readTree(json.toFile());
            readBack(dir, report, engine + "/" + scenario);
            return new Cell(engine, scenario, report, TruthFigures.compare(report, e));
        }
    }

    /** diagnose of the run folder (its requests, baseline and server metrics read back) gives the same verdicts. */
    private static void readBack(Path dir, JsonNode report, String what) throws Exception {
        Path folder;
        try (java.util.stream.Stream<Path> s = Files.list(dir.resolve("runs"))) {
            folder = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Path again = dir.resolve("again.json");
        Run r = Run.of("diagnose", folder.toString(), "--format", "json", "-o", again.toString());
        assertEquals(0, r.code(), what + ": diagnose of the run folder: " + r.err());
        JsonNode d = JSON.readTree(again.toFile());
        for (String m : List.of("queue_share_pct", "queue_basis", "server_kv_usage_max_pct", "server_preemptions",
                "server_prefix_hit_pct", "load_ttft_ms")) {
            assertEquals(report.get("metrics").get(m), d.get("metrics").get(m), what + ": " + m + " read back");
        }
        assertEquals(EngineMatrix.firstFinding(report) == null ? null : EngineMatrix.firstFinding(report).get("rule"),
                EngineMatrix.firstFinding(d) == null ? null : EngineMatrix.firstFinding(d).get("rule"),
                what + ": first finding read back");
    }

    @Test
    void everyScenarioOnEveryEngine() throws Exception {
        List<Cell> cells = new ArrayList<>();
        // -Dmatrix.only=scenario[,scenario] runs a part (while tuning); CI runs all
        List<String> only = List.of(System.getProperty("matrix.only", "").split(",")).stream()
                .filter(x -> !x.isBlank()).toList();
        for (String scenario : EngineMatrix.SCENARIOS.keySet()) {
            if (!only.isEmpty() && !only.contains(scenario)) {
                continue;
            }
            for (String engine : EngineMatrix.ENGINES) {
                Path dir = tmp.resolve(engine + "-" + scenario);
                cells.add(run(dir, engine, scenario, EngineMatrix.EMULATOR_FOR.getOrDefault(engine + "/" + scenario,
                        List.of()), EngineMatrix.SCENARIOS.get(scenario)));
            }
        }
        String table = table(cells);
        Path out = Paths.get("target", "accuracy-matrix.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table, StandardCharsets.UTF_8);
        Files.writeString(Paths.get("target", "accuracy-matrix-compact.md"), compact(cells), StandardCharsets.UTF_8);
        List<String> wrong = new ArrayList<>();
        for (Cell c : cells) {
            wrong.addAll(EngineMatrix.check(c));
            c.figures().misses().forEach(m -> wrong.add(c.engine() + "/" + c.scenario() + ": " + m));
        }
        assertTrue(wrong.isEmpty(), String.join("\n", wrong) + "\n\n" + table);
    }

    /**
     * The first bullet: one slot, four requests in flight, prompts all about 100 tokens, a server with a
     * queue-time and a TTFT histogram and the gauges but no end-to-end histogram. Queueing ranks first, decided
     * from the queue histogram against the client's E2EL; long-context is not applicable (prompts of one length).
     */
    @Test
    void queueWithoutAnEndToEndHistogram() throws Exception {
        Cell c = run(tmp.resolve("no-e2e"), "vllm", "queueing", List.of("--omit", "vllm:e2e_request_latency_seconds"),
                EngineMatrix.SCENARIOS.get("queueing"));
        JsonNode first = EngineMatrix.firstFinding(c.report());
        assertEquals("queueing", first == null ? null : first.get("rule").asText(), c.report().get("findings")
                .toString());
        assertTrue(c.report().get("metrics").get("queue_basis").get("text").asText()
                .startsWith("server-queue-client-e2el"), c.report().get("metrics").get("queue_basis").toString());
        JsonNode lc = EngineMatrix.finding(c.report(), "long-context");
        assertEquals("not-applicable", lc.get("severity").asText(), lc.toString());
        // the e2e histogram is left out (--omit): the one figure not read, and the point of the case
        assertTrue(c.report().get("metrics").get("server_e2el_ms").get("value").isNull());
        List<String> misses = c.figures().misses().stream().filter(x -> !x.startsWith("server_e2el_ms not read"))
                .toList();
        assertTrue(misses.isEmpty(), misses.toString());
    }

    /**
     * The third bullet: SGLang's histograms and counters appear at their first use; with --warmup 0 the load's first
     * scrape comes before any, and every request must still count (8 of 8, not 6), with the truth's means.
     */
    @Test
    void sglangSeriesThatAppearLateCountFromZero() throws Exception {
        Cell c = run(tmp.resolve("sglang-warmup0"), "sglang", "healthy", List.of(), List.of("--workload", "agent",
                "--sessions", "2", "--steps", "4", "--image", "56x112", "--think-time", "10ms-30ms", "--warmup", "0"));
        JsonNode m = c.report().get("metrics");
        for (String h : List.of("server_e2el_ms", "server_ttft_ms", "server_queue_ms")) {
            assertEquals(8, m.get(h).get("n").asInt(), h + ": " + m.get(h));
        }
        assertTrue(c.figures().lines().stream().anyMatch(l -> l.startsWith("server_prefix_hit_pct")), c.figures()
                .lines().toString());
        assertTrue(c.figures().misses().isEmpty(), c.figures().misses().toString());
    }

    /** Scenario x engine: the first finding (severity, score), "cannot: ..." where the cause's rule cannot decide. */
    static String compact(List<Cell> cells) {
        StringBuilder b = new StringBuilder("| scenario |");
        EngineMatrix.ENGINES.forEach(e -> b.append(' ').append(e).append(" |"));
        b.append("\n|---|");
        EngineMatrix.ENGINES.forEach(e -> b.append("---|"));
        int checks = 0;
        int misses = 0;
        for (String scenario : EngineMatrix.SCENARIOS.keySet()) {
            List<Cell> row = cells.stream().filter(c -> c.scenario().equals(scenario)).toList();
            if (row.isEmpty()) {
                continue;
            }
            b.append("\n| ").append(scenario).append(" |");
            for (Cell c : row) {
                JsonNode first = EngineMatrix.firstFinding(c.report());
                String cause = EngineMatrix.CAUSE.get(scenario);
                String cannot = cause == null ? null : autoglm.analyse.load.EngineEvidence.cannotDecide(cause, c.engine());
                b.append(' ').append(first == null ? "none" : first.get("rule").asText() + " (" + first.get("severity")
                        .asText() + String.format(Locale.ROOT, " %.0f", first.get("score").asDouble()) + ")");
                if (cannot != null) {
                    b.append("; ").append(cause).append(" cannot decide");
                }
                b.append(" |");
                checks += c.figures().lines().size();
                misses += c.figures().misses().size();
            }
        }
        b.append("\n\nServer and client figures checked against the emulators' truth: ").append(checks)
                .append(", outside their tolerance: ").append(misses).append(".\n");
        return b.toString();
    }

    static String table(List<Cell> cells) {
        StringBuilder b = new StringBuilder();
        b.append("| scenario | engine | first finding | cause's rule | figures against the truth |\n");
        b.append("|---|---|---|---|---|\n");
        for (Cell c : cells) {
            JsonNode first = EngineMatrix.firstFinding(c.report());
            String cause = EngineMatrix.CAUSE.get(c.scenario());
            String causeCell = "-";
            if (cause != null) {
                JsonNode f = EngineMatrix.finding(c.report(), cause);
                causeCell = f == null ? "(absent)" : f.get("severity").asText() + ("not-applicable".equals(
                        f.get("severity").asText()) ? ": " + f.path("reason").asText() : "");
            }
            b.append("| ").append(c.scenario()).append(" | ").append(c.engine()).append(" | ")
                    .append(first == null ? "none" : first.get("rule").asText() + " (" + first.get("severity").asText()
                            + String.format(Locale.ROOT, ", %.0f", first.get("score").asDouble()) + ")")
                    .append(" | ").append(causeCell.replace("|", "\\|")).append(" | ")
                    .append(String.join("; ", c.figures().lines()).replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }
}
