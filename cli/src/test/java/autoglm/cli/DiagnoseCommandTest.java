package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiagnoseCommandTest {
    @TempDir
    Path tmp;

    private static String trace(String name) {
        return Fixtures.trace(name).toString();
    }

    @Test
    void theReadmeCommandRanksLaunchBoundFirst() {
        Run r = Run.of("diagnose", trace(Fixtures.DECODE8));
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals("", r.err());
        assertTrue(r.out().contains(" 1. WARNING  launch-bound"), r.out());
        assertTrue(r.out().contains("busy 13.8% (n=8"), r.out());
        assertTrue(r.out().contains("data loss"), r.out());
        assertTrue(r.out().contains("Top kernels"), r.out());
        assertFalse(r.out().contains("\u001b["), "no colour when not on a terminal");
    }

    @Test
    void failOnSetsTheExitCode() {
        Run failed = Run.of("diagnose", "--fail-on", "warning", trace(Fixtures.DECODE_KV));
        assertEquals(ExitCodes.FINDINGS, failed.code());
        // exit 1 says which findings reached the level, in one line
        assertEquals(1, failed.err().lines().filter(l -> l.contains("--fail-on")).count(), failed.err());
        assertTrue(failed.err().contains("reached --fail-on warning: launch-bound (warning)"), failed.err());
        assertEquals(ExitCodes.FINDINGS, Run.of("diagnose", "--fail-on", "info", trace(Fixtures.PREFILL_PADDED)).code());
        assertEquals(ExitCodes.OK, Run.of("diagnose", "--fail-on", "warning", trace(Fixtures.PREFILL_PADDED)).code());
        assertEquals(ExitCodes.OK, Run.of("diagnose", "--fail-on", "info", trace(Fixtures.PREFILL_BF16)).code());
    }

    @Test
    void setOverridesAThresholdAndAnAnalysisSetting() {
        // with busy thresholds below the 3.7% measured, launch-bound no longer fires
        Run r = Run.of("diagnose", "--fail-on", "info", "--set", "launch-bound.busy_info_pct=2",
                "--set", "launch-bound.busy_warning_pct=1", "--set", "small-kernels.info_pct=95",
                "--set", "small-kernels.warning_pct=99", "--set", "low-occupancy.min_low_blocks_pct=90",
                "--set", "analysis.small_kernel_us=3", trace(Fixtures.DECODE_KV));
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("No bottleneck found"), r.out());
        // the overrides in force are in the report's header, and in JSON (which gate and compare read back)
        assertTrue(r.out().contains("--set      launch-bound.busy_info_pct=2, launch-bound.busy_warning_pct=1"), r.out());
        Run j = Run.of("diagnose", "--format", "json", "--set", "launch-bound.busy_info_pct=2",
                "--set", "analysis.small_kernel_us=3", trace(Fixtures.DECODE_KV));
        assertTrue(j.out().contains("\"overrides\":{\"launch-bound.busy_info_pct\":2.0,\"analysis.small_kernel_us\":3.0}")
                || j.out().replaceAll("\\s", "").contains("\"overrides\":{\"launch-bound.busy_info_pct\":2.0,"
                        + "\"analysis.small_kernel_us\":3.0}"), j.out().substring(0, 300));
    }

    @Test
    void jsonFollowsTheDocumentedSchema() throws Exception {
        Run r = Run.of("diagnose", "--format", "json", trace(Fixtures.PAGEABLE));
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        assertEquals("autoglm", j.get("tool").asText());
        assertEquals(1, j.get("schema").asInt());
        assertFalse(j.get("version").asText().isEmpty());
        assertEquals(Fixtures.trace(Fixtures.PAGEABLE).toString(), j.get("inputs").get(0).get("path").asText());
        assertEquals("gzip", j.get("inputs").get(0).get("format").asText());
        assertEquals(711, j.get("inputs").get(0).get("events").asInt());
        assertEquals(12, j.get("metrics").get("steps").get("value").asInt());
        assertEquals("percent", j.get("metrics").get("gpu_busy_pct").get("unit").asText());
        assertTrue(j.get("metrics").get("gpu_busy_pct").has("n"));
        JsonNode absent = j.get("metrics").get("dataloader_pct");
        assertTrue(absent.get("value").isNull());
        assertTrue(absent.get("reason").asText().contains("DataLoader"));
        JsonNode findings = j.get("findings");
        assertEquals(autoglm.rules.RuleCatalogue.bundled().rules().size(), findings.size(), "one finding per rule");
        assertEquals("no workload events: autoglm profile --model runs the autoglm workload, which reports them",
                j.get("metrics").get("padded_token_pct").get("reason").asText());
        assertEquals(0, j.get("verify").size(), "only profile --verify re-runs");
        assertTrue(j.get("run").isNull(), "a trace is not a profiled run");
        assertTrue(j.get("metrics").get("gpu_util_pct").get("reason").asText().contains("no NVML"));
        // the order of docs/analyses.md#ranking: reported, then ok, then not applicable; reported ones by gain
        String[] bands = {"reported", "ok", "not-applicable"};
        int last = 0;
        double lastGain = Double.POSITIVE_INFINITY;
        for (JsonNode f : findings) {
            for (String field : new String[] {"rule", "title", "severity", "score", "evidence", "explanation", "fix", "gain"}) {
                assertTrue(f.has(field), field);
            }
            String sev = f.get("severity").asText();
            int pos = Arrays.asList(bands).indexOf(sev.equals("warning") || sev.equals("info") ? "reported" : sev);
            assertTrue(pos >= last, "reported, then ok, then not applicable");
            last = pos;
            if (pos == 0) {
                double gain = f.get("gain").get("percent").asDouble();
                assertTrue(gain <= lastGain, f.get("rule").asText() + ": ranked by gain");
                lastGain = gain;
            }
        }
        assertTrue(j.get("findingsOrder").asText().startsWith("ranked by gain"));
        assertEquals("host-blocked", findings.get(0).get("rule").asText());
        assertTrue(findings.get(0).get("score").asDouble() >= 75);
        assertEquals(0, j.get("dataLoss").get("lost").asInt());
        assertTrue(j.get("dataLoss").get("skipped").size() > 0);
        assertEquals(60, j.get("breakdown").get("kernelCount").asInt());
    }

    @Test
    void outputFileReceivesTheReport() throws Exception {
        Path out = tmp.resolve("report.json");
        Run r = Run.of("diagnose", "--format", "json", "-o", out.toString(), trace(Fixtures.PAGEABLE));
        assertEquals(ExitCodes.OK, r.code(), r.err());
        assertEquals("", r.out());
        assertEquals("autoglm", Fixtures.json().readTree(out.toFile()).get("tool").asText());
        Run bad = Run.of("diagnose", "-o", tmp.resolve("no/such/dir/r.txt").toString(), trace(Fixtures.PAGEABLE));
        assertOneLine(bad, "the folder does not exist");
    }

    @Test
    void aCpuOnlyTraceExitsZeroWithGpuRulesNotApplicable() throws Exception {
        ObjectNode t = Fixtures.without(Fixtures.read(Fixtures.PAGEABLE), Fixtures::isGpuActivity);
        Path cpu = Fixtures.write(t, tmp.resolve("cpu-only.json"));
        Run r = Run.of("diagnose", "--fail-on", "info", cpu.toString());
        assertEquals(ExitCodes.OK, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("the trace has no GPU activity"), r.out());
        assertTrue(r.out().contains("rules lack their inputs (--all lists them with the reasons)"), r.out());
        Run all = Run.of("diagnose", "--all", cpu.toString());
        // each reason once: the GPU rules share one line, after the header's GPU line
        String joined = all.out().replaceAll("\n {16}", " ");
        String gpuLine = joined.lines().filter(l -> l.startsWith("not applicable") && l.contains("launch-bound"))
                .findFirst().orElseThrow();
        assertTrue(gpuLine.contains("the trace has no GPU activity (no kernel, memcpy or memset events)"), gpuLine);
        assertEquals(2, joined.split("the trace has no GPU activity \\(no kernel", -1).length - 1, joined);
    }

    @Test
    void severalTracesAreRanksOfOneJob() throws Exception {
        Run r = Run.of("diagnose", "--format", "json", trace(Fixtures.DECODE_KV), trace(Fixtures.PAGEABLE));
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        assertEquals(2, j.get("inputs").size());
        assertTrue(j.get("inputs").get(0).has("findings"));
        assertEquals(2, j.get("metrics").get("gpu_busy_pct").get("n").asInt());
        double mean = (3.6764276576950645 + 6.945729820428618) / 2;
        assertEquals(mean, j.get("metrics").get("gpu_busy_pct").get("value").asDouble(), 0.01);
        assertTrue(j.get("findings").get(0).get("summary").asText().startsWith("[input "));
    }

    @Test
    void aFolderOfRankTracesIsOneJob() throws Exception {
        Path ranks = Fixtures.root().resolve("testdata/hta/ranks");
        Run r = Run.of("diagnose", "--format", "json", ranks.toString());
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        assertEquals(2, j.get("inputs").size());
        assertEquals(2, j.get("ranks").get("rows").size());
        assertEquals("rank 0", j.get("ranks").get("rows").get(0).get("label").asText());
        Run text = Run.of("diagnose", "--width", "120", ranks.toString());
        assertTrue(text.out().contains("Ranks side by side over 2 aligned steps (ProfilerStep numbers)"), text.out());
        // issue 31: NCCL kernels' time is comm-bound's, not low-occupancy's ("Batch more sequences per step" ranked
        // first on 396 ms of NCCL kernels in 410 ms of "fewer blocks than SMs"): CommunicationKernelsTest has the figures
        assertEquals("comm-bound", j.get("findings").get(0).get("rule").asText());
        assertTrue(text.out().contains(" 1. WARNING  comm-bound"), text.out());
        assertFalse(text.out().contains("Batch more sequences per step"), text.out());
        Files.writeString(tmp.resolve("notes.txt"), "not a trace");
        assertOneLine(Run.of("diagnose", tmp.toString()), "a folder with no trace files");
    }

    @Test
    void badInputGetsOneLineAndExitTwo() throws Exception {
        byte[] gz = Files.readAllBytes(Fixtures.trace(Fixtures.PAGEABLE));
        assertOneLine(Run.of("diagnose", tmp.resolve("missing.json").toString()), "no such file");
        assertOneLine(Run.of("diagnose", Files.write(tmp.resolve("empty.json"), new byte[0]).toString()), "empty");
        assertOneLine(Run.of("diagnose", Files.write(tmp.resolve("cut.json.gz"), Arrays.copyOf(gz, gz.length / 2))
                .toString()), "gzip data ends early");
        assertOneLine(Run.of("diagnose", Files.writeString(tmp.resolve("cut.json"), "{\"traceEvents\": [{\"ph\": \"X\", ")
                .toString()), "JSON ends early");
        assertOneLine(Run.of("diagnose", Files.writeString(tmp.resolve("x.json"), "hello").toString()), "not valid JSON");
        assertOneLine(Run.of("diagnose", Files.writeString(tmp.resolve("o.json"), "{\"a\": 1}").toString()),
                "no traceEvents");
        assertOneLine(Run.of("diagnose", "--set", "launch-bound.nope=1", trace(Fixtures.PAGEABLE)), "has no threshold 'nope'");
        assertOneLine(Run.of("diagnose", "--set", "launch-bound.busy_info_pct=high", trace(Fixtures.PAGEABLE)), "not a number");
        assertOneLine(Run.of("diagnose", "--set", "analysis.bogus=1", trace(Fixtures.PAGEABLE)), "unknown analysis setting");
        assertOneLine(Run.of("diagnose", "--fail-on", "sometimes", trace(Fixtures.PAGEABLE)), "--fail-on takes none, info or warning");
        assertOneLine(Run.of("diagnose", "--format", "xml", trace(Fixtures.PAGEABLE)), "--format");
        assertOneLine(Run.of("diagnose"), "nothing to diagnose: give a trace, a CUPTI recording, a run folder or --prometheus URL");
        // a fleet from Prometheus: what is wrong with the window, the selector or the address, before any query
        assertOneLine(Run.of("diagnose", "--prometheus", "http://127.0.0.1:1", "--since", "5m", "--start", "1"),
                "--since and --start both give the window's start");
        assertOneLine(Run.of("diagnose", "--prometheus", "http://127.0.0.1:1", "--start", "yesterday"),
                "--start yesterday: expected RFC 3339");
        assertOneLine(Run.of("diagnose", "--prometheus", "http://127.0.0.1:1", "--since", "5 parsecs"),
                "expected a duration");
        assertOneLine(Run.of("diagnose", "--prometheus", "http://127.0.0.1:1", "--selector", "job=vllm"),
                "--selector takes label matchers in braces");
        assertOneLine(Run.of("diagnose", "--prometheus", "ftp://example.org"), "not an http(s) URL");
        assertOneLine(Run.of("diagnose", "--prometheus", "http://127.0.0.1:1"), "cannot reach it");
        assertOneLine(Run.of("diagnose", "--prometheus", "http://127.0.0.1:1", trace(Fixtures.PAGEABLE)),
                "give it without files");
        assertOneLine(Run.of("diagnose", "--top-kernels", "-1", trace(Fixtures.PAGEABLE)),
                "--top-kernels -1: a count of kernels, 0 or more");
    }

    @Test
    void bandwidthIsShownOnlyForCopiesLargeEnoughToMeasureIt() {
        // the bundled example (the README's): 11.6 MiB of device copies, 224 B of memsets, 16 B read back
        Run r = Run.of("diagnose", Fixtures.root().resolve("examples/glm4-9b-h100-eager-bs1-decode8.trace.json.gz")
                .toString());
        String copies = r.out().replaceAll("\n  ", " ");
        copies = copies.substring(copies.indexOf("copies: "));
        assertTrue(copies.contains("DtoD Device -> Device: 62, 11.6 MiB, 0.074 ms, 163 GB/s"), copies);
        assertTrue(copies.contains("Memset: 56, 224 B, 0.042 ms;"), "224 B of memsets get no bandwidth: " + copies);
    }

    @Test
    void tracesThisReleaseCannotReadAreSaidSo() {
        java.nio.file.Path hta = autoglm.Fixtures.root().resolve("testdata/hta");
        // HTA's memory timeline: a JSON array of arrays, not a trace (it read as 16,845 malformed events before)
        Run r = Run.of("diagnose", hta.resolve("memory_timeline.raw.gz").toString());
        assertOneLine(r, "not a Chrome/Kineto trace: a JSON array whose first element is an array");
        // an MTIA trace: its device activity is of categories this release does not read, said so (not "no GPU")
        Run m = Run.of("diagnose", hta.resolve("mtia_inference_rank_0.json.gz").toString());
        assertEquals(ExitCodes.OK, m.code(), m.err());
        assertTrue(m.out().contains("the trace is from an MTIA device"), m.out());
        assertTrue(m.out().contains("MTIA devices are not supported"), m.out());
    }

    private static void assertOneLine(Run r, String expected) {
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("autoglm: "), r.err());
        assertTrue(r.err().contains(expected), "expected '" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }
}
