package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** autoglm gate, compare and export end to end: exit codes, files written, one line on bad input. */
class GateCommandTest {
    @TempDir
    Path tmp;

    private String trace(String name) {
        return Fixtures.trace(name).toString();
    }

    @Test
    void identicalResultsPassWithExitZero() throws Exception {
        Path json = tmp.resolve("base.json");
        assertEquals(0, Run.of("diagnose", "--format", "json", "-o", json.toString(), trace(Fixtures.DECODE_KV)).code());
        Run r = Run.of("gate", "--baseline", json.toString(), "--current", trace(Fixtures.DECODE_KV));
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("\nPASS: 5 metrics passed, 0 failed"), r.out());
    }

    @Test
    void runFoldersAreResultsToo() throws Exception {
        String run = Fixtures.root().resolve("testdata/runs/h100-replay").toString();
        Run r = Run.of("gate", "--baseline", run, "--current", run);
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        // the replayed H100 samples: NVML utilization and GPM tensor activity are judged, not skipped
        assertTrue(r.out().contains("  pass    gpu_util_pct "), r.out());
        assertTrue(r.out().contains("  pass    tensor_active_pct "), r.out());
    }

    @Test
    void aRegressionExitsOneAndWritesJunitAndMarkdown() throws Exception {
        Path junit = tmp.resolve("gate.xml");
        Path md = tmp.resolve("gate.md");
        Run r = Run.of("gate", "--baseline", trace(Fixtures.DECODE_KV), "--current", trace(Fixtures.DECODE_NO_KV),
                "--junit", junit.toString(), "--markdown", md.toString());
        assertEquals(ExitCodes.FINDINGS, r.code(), r.out() + r.err());
        assertTrue(Files.readString(junit).contains("name=\"p99_step_time_ms\""));
        assertTrue(Files.readString(md).startsWith("### autoglm gate: FAIL"));
    }

    @Test
    void thresholdsFromAFile() throws Exception {
        Path t = tmp.resolve("gate.yaml");
        Files.writeString(t, "kernels_per_step: +1%\nfindings: {max_severity: warning}\n");
        Run r = Run.of("gate", "--baseline", trace(Fixtures.DECODE_KV), "--current", trace(Fixtures.DECODE_NO_KV),
                "--thresholds", t.toString());
        // 422 -> 407 kernels per step is no rise; no finding is above warning
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
    }

    @Test
    void badInputIsOneLineAndExitTwo() throws Exception {
        Path t = tmp.resolve("bad.yaml");
        Files.writeString(t, "no_such_metric: +5%\n");
        for (Run r : new Run[] {
            Run.of("gate", "--baseline", trace(Fixtures.DECODE_KV), "--current", trace(Fixtures.DECODE_KV), "--thresholds", t.toString()),
            Run.of("gate", "--baseline", tmp.resolve("missing.json").toString(), "--current", trace(Fixtures.DECODE_KV)),
            Run.of("gate", "--current", trace(Fixtures.DECODE_KV)),
            Run.of("compare", trace(Fixtures.DECODE_KV), tmp.toString()),
            Run.of("export", tmp.resolve("none.json").toString(), "--perfetto", tmp.resolve("o.json").toString())}) {
            assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().startsWith("autoglm: "), r.err());
        }
    }

    @Test
    void theDefaultsPrintAndMatchTheDocs() throws Exception {
        Run r = Run.of("gate", "--print-defaults");
        assertEquals(0, r.code());
        String docs = Files.readString(Fixtures.root().resolve("docs/gate.md"));
        assertTrue(docs.contains(r.out().strip()), "docs/gate.md shows the shipped defaults verbatim");
    }

    @Test
    void compareTwoTracesAndExportOne() throws Exception {
        Run c = Run.of("compare", trace(Fixtures.PREFILL_FP32), trace(Fixtures.PREFILL_BF16), "--format", "json");
        assertEquals(0, c.code(), c.err());
        var j = Fixtures.json().readTree(c.out());
        assertEquals("per-iteration", j.get("kernels").get("basis").asText());
        assertTrue(j.get("kernels").get("diff").size() > 40);
        Path out = tmp.resolve("t.json.gz");
        Run e = Run.of("export", trace(Fixtures.DECODE_KV), "--perfetto", out.toString());
        assertEquals(0, e.code(), e.err());
        assertTrue(e.err().contains(" 5,065 kernels"), e.err());
        try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(out))) {
            assertTrue(Fixtures.json().readTree(in).get("traceEvents").size() > 5065);
        }
    }

    @Test
    void diagnoseWritesHtmlAndMarkdownFiles() throws Exception {
        Path html = tmp.resolve("r.html");
        Path md = tmp.resolve("r.md");
        Run r = Run.of("diagnose", "--html", html.toString(), "--markdown", md.toString(), trace(Fixtures.DECODE_KV));
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.readString(html).startsWith("<!DOCTYPE html>"));
        // small-kernels' gain is 0.52% of the GPU span: below analysis.min_gain_pct (1%) it is at most info
        assertTrue(Files.readString(md).startsWith("### autoglm: A-decode-eager-kvcache.trace.json.gz - 2 warnings, "
                + "1 info"), Files.readString(md));
        // piped: no progress line, only the two "wrote" lines
        assertEquals(2, r.err().strip().lines().count(), r.err());
    }
}
