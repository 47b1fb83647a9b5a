package autoglm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.read.workload.WorkloadEvents;
import autoglm.read.run.RunFolder;
import autoglm.model.run.RunInfo;
import autoglm.read.run.RunInfoJson;
import autoglm.model.workload.WorkloadLog;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * profile --model glm-tiny end to end on the CPU: the real workload in a child process, its events, the
 * workload rules, the report, --verify re-runs, and a workload that crashes or is killed. Skips with one
 * line where no Python has PyTorch, fails with CI=true (.ci/run installs Debian's python3-torch).
 */
class ProfileModelTest {
    /** bandwidth_gbps: no measurement and no cache file outside the test folder. */
    private static final String[] QUICK = {"--knob", "prompt_len=16", "--knob", "max_new_tokens=4", "--knob",
        "bandwidth_gbps=20"};

    @TempDir
    Path tmp;

    private static void assumeTorch() {
        autoglm.Needs.torch();
    }

    private Run profile(String... args) {
        List<String> all = new ArrayList<>(List.of("profile", "--model", "glm-tiny", "--out", tmp.resolve("runs").toString()));
        all.addAll(Arrays.asList(args));
        return Run.of(all.toArray(String[]::new));
    }

    private List<Path> runs() throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve("runs"))) {
            return s.sorted().toList();
        }
    }

    private static String severity(JsonNode report, String rule) {
        for (JsonNode f : report.get("findings")) {
            if (f.get("rule").asText().equals(rule)) {
                return f.get("severity").asText();
            }
        }
        throw new AssertionError("no finding " + rule);
    }

    @Test
    void glmTinyRunsEndToEnd() throws Exception {
        assumeTorch();
        // six requests: small-batch warns only from the six prefill batches that give its count full weight
        List<String> args = new ArrayList<>(List.of("--format", "json", "--knob", "requests=6"));
        args.addAll(List.of(QUICK));
        Run r = profile(args.toArray(String[]::new));
        assertEquals(ExitCodes.OK, r.code(), r.err());
        Path run = runs().get(0);
        assertTrue(run.getFileName().toString().endsWith("-glm-tiny"), run.toString());
        RunInfo info = RunInfoJson.read(run.resolve(RunFolder.RUN_JSON));
        assertEquals(RunInfo.EXITED, info.status());
        assertEquals(List.of("-m", "autoglm_workload", "--model", "glm-tiny"), info.command().subList(1, 5));
        WorkloadLog log = WorkloadEvents.read(run.resolve(WorkloadEvents.FILE));
        long decodes = log.measured().stream().filter(s -> !s.prefill()).count();
        assertEquals(18, decodes); // 6 requests x 3 decode steps (the prefill gives the first of 4 tokens)
        JsonNode j = Fixtures.json().readTree(r.out());
        JsonNode m = j.get("metrics");
        assertEquals(6, m.get("workload_requests").get("value").asInt());
        assertEquals(18, m.get("ms_per_token").get("n").asInt());
        double meanDecode = log.measured().stream().filter(s -> !s.prefill()).mapToDouble(WorkloadLog.Step::ms)
                .average().orElseThrow();
        assertEquals(meanDecode, m.get("ms_per_token").get("value").asDouble(), 1e-9);
        assertEquals(2.5, m.get("mean_queue").get("value").asDouble(), 1e-12); // 5, 4, 3, 2, 1, 0 waiting
        assertEquals("warning", severity(j, "small-batch"));
        assertEquals("ok", severity(j, "padding-waste"));
        assertEquals("ok", severity(j, "cpu-fp16"));
        assertEquals(0, j.get("verify").size());
        // the per-request and per-turn tables, written by Tablesaw, read back by Tablesaw with their types
        tech.tablesaw.api.Table requests = tech.tablesaw.api.Table.read().csv(run.resolve("requests.csv").toFile());
        assertEquals(autoglm.analyse.workload.RequestTable.COLUMNS, requests.columnNames());
        assertEquals(6, requests.rowCount());
        assertEquals(log.requests().stream().mapToLong(WorkloadLog.Request::outputTokens).sum(),
                (long) requests.numberColumn("output_tokens").sum());
        tech.tablesaw.api.Table turns = tech.tablesaw.api.Table.read().csv(run.resolve("turns.csv").toFile());
        assertEquals(1, turns.rowCount(), "one turn: single-turn requests");
        assertEquals(6, turns.numberColumn("requests").getDouble(0));
        perfettoShowsTheWorkload(run, log);
    }

    /** The Perfetto export of a --model run: the workload's steps as slices in order, each request as an async span. */
    private void perfettoShowsTheWorkload(Path run, WorkloadLog log) throws Exception {
        Path out = tmp.resolve("run.perfetto.json");
        Run export = Run.of("export", run.toString(), "--perfetto", out.toString());
        assertEquals(ExitCodes.OK, export.code(), export.err());
        assertTrue(export.err().contains(log.steps().size() + " workload steps, " + log.requests().size() + " requests"),
                export.err());
        JsonNode trace = Fixtures.json().readTree(out.toFile());
        List<JsonNode> steps = new ArrayList<>();
        int begins = 0;
        int ends = 0;
        for (JsonNode e : trace.get("traceEvents")) {
            String cat = e.path("cat").asText();
            if (cat.equals("prefill") || cat.equals("decode")) {
                steps.add(e);
            } else if (cat.equals("request")) {
                begins += e.get("ph").asText().equals("b") ? 1 : 0;
                ends += e.get("ph").asText().equals("e") ? 1 : 0;
            }
        }
        assertEquals(log.steps().size(), steps.size());
        assertEquals(log.steps().stream().filter(WorkloadLog.Step::prefill).count(),
                steps.stream().filter(e -> e.get("cat").asText().equals("prefill")).count());
        // one step after another on one track: each starts where or after the one before ends (0.01 ms of rounding)
        for (int i = 1; i < steps.size(); i++) {
            double prevEnd = steps.get(i - 1).get("ts").asDouble() + steps.get(i - 1).get("dur").asDouble();
            assertTrue(steps.get(i).get("ts").asDouble() >= prevEnd - 10, "step " + i + " overlaps the one before");
        }
        assertEquals(2 * log.requests().size(), begins, "each request and its time to first token open");
        assertEquals(begins, ends, "and close");
    }

    @Test
    void verifyReRunsTheTopFixesAndMeasuresThem() throws Exception {
        assumeTorch();
        Run r = profile("--format", "json", "--verify", "--verify-runs", "2", "--batch", "4", "--knob", "requests=8",
                "--knob", "prompt_len=mixed:16,120,0.25", "--knob", "padding=max", "--knob", "max_length=128", "--knob",
                "max_new_tokens=3", "--knob", "bandwidth_gbps=20");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        assertEquals("warning", severity(j, "padding-waste"));
        // padding=bucketed is two changes: no padding to max_length (padding=longest), then length buckets
        List<String> paddings = new ArrayList<>();
        JsonNode padding = null;
        for (JsonNode v : j.get("verify")) {
            if (v.get("rule").asText().equals("padding-waste")) {
                paddings.add(v.get("knobs").get("padding").asText());
                padding = v;
            } else if (v.get("rule").asText().equals("memory-bound-decode")) {
                assertEquals("not-run", v.get("status").asText());
                // a CPU run does not attempt CUDA graphs: said before anything (not even the workload's check) runs
                assertTrue(v.get("reason").asText().startsWith("not attempted: CUDA graphs (mode=graphs) need a CUDA "
                        + "device; this run was on the CPU"), v.toString());
                assertTrue(v.get("run").isNull(), "a fix the machine cannot run starts no run: " + v);
            }
        }
        assertEquals(List.of("longest", "bucketed"), paddings);
        assertEquals("measured", padding.get("status").asText());
        assertEquals(2, padding.get("runs").asInt());
        assertTrue(padding.get("workChange").isNull(), "bucketing does the same work");
        JsonNode tps = padding.get("metrics").get("tokens_per_s");
        assertTrue(tps.get("after").get("value").asDouble() > 0);
        assertEquals(2, tps.get("before").get("n").asInt(), "the median of two baseline runs");
        assertTrue(tps.has("welchP") && tps.get("welchP").isNumber(), tps.toString());
        // the work on both sides: the same requests and output tokens, fewer padded prompt tokens computed
        JsonNode work = padding.get("metrics");
        assertEquals(work.get("workload_requests").get("before").get("value").asDouble(),
                work.get("workload_requests").get("after").get("value").asDouble());
        assertEquals(work.get("output_tokens_total").get("before").get("value").asDouble(),
                work.get("output_tokens_total").get("after").get("value").asDouble());
        assertTrue(work.get("output_tokens_total").get("work").asBoolean());
        // what --verify writes is read back by gate and compare (the result schema is strict)
        Path json = tmp.resolve("verified.json");
        Files.writeString(json, r.out());
        assertTrue(autoglm.result.ResultJson.read(json) != null);
        // the run folder keeps the verification: diagnosing it again shows the fixes measured
        Run again = Run.of("diagnose", "--format", "json", runs().get(0).toString());
        assertEquals(ExitCodes.OK, again.code(), again.err());
        JsonNode k = Fixtures.json().readTree(again.out());
        assertEquals(j.get("verify").size(), k.get("verify").size(), again.out());
        for (JsonNode f : k.get("findings")) {
            if (f.get("rule").asText().equals("padding-waste")) {
                assertEquals("measured", f.get("gain").get("kind").asText(), f.toString());
            }
        }
        // baseline re-runs are kept as runs of their own
        assertTrue(runs().stream().anyMatch(p -> p.getFileName().toString().endsWith("glm-tiny-verify-baseline-run2")),
                runs().toString());
        Path rerun = tmp.resolve("runs").resolve(padding.get("run").asText());
        WorkloadLog before = WorkloadEvents.read(runs().get(0).resolve(WorkloadEvents.FILE));
        WorkloadLog after = WorkloadEvents.read(rerun.resolve(WorkloadEvents.FILE));
        assertEquals("bucketed", after.start().knob("padding"));
        assertEquals(before.requests().stream().mapToLong(WorkloadLog.Request::promptTokens).sum(),
                after.requests().stream().mapToLong(WorkloadLog.Request::promptTokens).sum());
        assertTrue(padded(after) < padded(before), padded(after) + " vs " + padded(before));
        // the finding's gain is now the measured one
        for (JsonNode f : j.get("findings")) {
            if (f.get("rule").asText().equals("padding-waste")) {
                assertEquals("measured", f.get("gain").get("kind").asText());
            }
        }
    }

    private static long padded(WorkloadLog log) {
        return log.measured().stream().filter(WorkloadLog.Step::prefill).mapToLong(WorkloadLog.Step::paddedTokens).sum();
    }

    @Test
    void aCrashingWorkloadIsKeptMarkedAndExplained() throws Exception {
        assumeTorch();
        List<String> args = new ArrayList<>(List.of("--format", "json", "--knob", "requests=3", "--knob", "fail_at_step=2"));
        args.addAll(List.of(QUICK));
        Run r = profile(args.toArray(String[]::new));
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        Path run = runs().get(0);
        RunInfo info = RunInfoJson.read(run.resolve(RunFolder.RUN_JSON));
        assertEquals(RunInfo.FAILED, info.status());
        assertFalse(info.complete());
        assertTrue(r.err().contains("autoglm: the workload failed (InjectedFault: fail_at_step=2: the fault the knob "
                + "asked for); the command exited with code 1; the run is kept in " + run + ", marked incomplete"), r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        assertEquals(1, j.get("dataLoss").get("probe").get("the workload failed: InjectedFault: fail_at_step=2: the "
                + "fault the knob asked for").asInt());
    }

    @Test
    void aKilledWorkloadIsKeptAndTheReportSaysSo() throws Exception {
        assumeTorch();
        AtomicReference<Run> result = new AtomicReference<>();
        Thread t = new Thread(() -> result.set(profile("--format", "json", "--knob", "requests=100000", "--knob",
                "prompt_len=16", "--knob", "bandwidth_gbps=20")));
        t.start();
        ProcessHandle workload = null;
        for (int i = 0; i < 600 && workload == null; i++) {
            Thread.sleep(100);
            Path events = Files.exists(tmp.resolve("runs")) && !runs().isEmpty()
                    ? runs().get(0).resolve(WorkloadEvents.FILE) : null;
            if (events != null && Files.exists(events) && Files.readString(events).contains("\"event\":\"request\"")) {
                workload = ProcessHandle.current().descendants()
                        .filter(h -> h.info().commandLine().orElse("").contains("autoglm_workload")).findFirst().orElse(null);
            }
        }
        assertTrue(workload != null, "the workload never served a request");
        workload.destroyForcibly();
        t.join(60_000);
        Run r = result.get();
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        Path run = runs().get(0);
        assertEquals(RunInfo.FAILED, RunInfoJson.read(run.resolve(RunFolder.RUN_JSON)).status());
        assertTrue(r.err().contains("exited with code 137 (killed by signal 9)"), r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        assertEquals(1, j.get("dataLoss").get("probe").get("the workload wrote no end event (killed?)").asInt());
        assertTrue(j.get("metrics").get("workload_requests").get("value").asInt() >= 1);
    }

    @Test
    void aModelThatDoesNotFitIsReportedBeforeAnythingIsAllocated() throws Exception {
        assumeTorch();
        // 10 million rows of KV cache: about 800 GB, more than any machine has free
        Run r = profile("--format", "json", "--batch", "10000000", "--knob", "bandwidth_gbps=20");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertTrue(r.err().contains("autoglm: the workload failed (the model needs "), r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        assertEquals("warning", severity(j, "model-does-not-fit"));
        WorkloadLog log = WorkloadEvents.read(runs().get(0).resolve(WorkloadEvents.FILE));
        assertEquals(100 * log.fit().needBytes() / log.fit().freeBytes(),
                j.get("metrics").get("fit_pct").get("value").asDouble(), 1e-9);
    }

    @Test
    void halfPrecisionOnTheCpuAndASlowInputPipelineAreFoundAndTheirFixesMeasured() throws Exception {
        assumeTorch();
        Run r = profile("--format", "json", "--verify", "--verify-runs", "1", "--knob", "dtype=bf16", "--knob", "device=cpu", "--scenario",
                "slow-input", "--knob", "requests=24", "--knob", "preprocess_ms=30", "--knob", "prompt_len=16",
                "--knob", "max_new_tokens=2", "--knob", "bandwidth_gbps=20");
        assertEquals(ExitCodes.OK, r.code(), r.err());
        JsonNode j = Fixtures.json().readTree(r.out());
        assertEquals("warning", severity(j, "cpu-fp16"));
        // 4 requests x 30 ms of pre-processing per batch in the loop, against a few ms of model time; six batches, the
        // count dataloader-stall needs for full weight
        assertEquals("warning", severity(j, "dataloader-stall"));
        JsonNode m = j.get("metrics");
        assertEquals(m.get("input_wait_pct").get("value").asDouble(), m.get("dataloader_pct").get("value").asDouble());
        java.util.Map<String, String> fixes = new java.util.HashMap<>();
        for (JsonNode v : j.get("verify")) {
            fixes.put(v.get("rule").asText(), v.get("status").asText() + " " + v.get("knobs"));
        }
        assertEquals("measured {\"dtype\":\"fp32\"}", fixes.get("cpu-fp16"));
        assertEquals("measured {\"pipeline\":\"prefetch\"}", fixes.get("dataloader-stall"));
    }

    @Test
    void whatTheMachineCannotRunIsRefusedBeforeAnythingStarts() throws Exception {
        assumeTorch();
        Run r = profile("--knob", "no_such_knob=1");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().startsWith("autoglm: --model glm-tiny: unknown knob 'no_such_knob'"), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertFalse(Files.exists(tmp.resolve("runs")), "no run folder for a refused run");
        r = profile("--scenario", "no-such-scenario");
        assertEquals(ExitCodes.BAD_INPUT, r.code(), r.err());
        assertTrue(r.err().contains("unknown scenario 'no-such-scenario'"), r.err());
        // fp16 on a CPU: refused in one line where this torch cannot compute it (torch 1.x), run where it can
        r = profile("--knob", "dtype=fp16", "--knob", "device=cpu", "--knob", "requests=1", "--knob", "prompt_len=8",
                "--knob", "max_new_tokens=2", "--knob", "bandwidth_gbps=20");
        if (r.code() == ExitCodes.BAD_INPUT) {
            assertTrue(r.err().startsWith("autoglm: --model glm-tiny: dtype=fp16: this PyTorch"), r.err());
            assertEquals(1, r.err().lines().count(), r.err());
            assertFalse(Files.exists(tmp.resolve("runs")), "no run folder for a refused run");
        } else {
            assertEquals(ExitCodes.OK, r.code(), r.err());
        }
    }

    @Test
    void workloadOptionsNeedAModelAndAModelNeedsPython() {
        Run r = Run.of("profile", "--verify", "--out", tmp.toString(), "--", "true");
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("autoglm: --verify, --scenario, --batch and --knob drive the workload: they need --model\n", r.err());
        r = Run.of("profile", "--model", "glm-tiny", "--out", tmp.toString(), "--", "true");
        assertEquals("autoglm: give --model or a COMMAND, not both\n", r.err());
        r = Run.of("profile", "--model", "glm-tiny", "--python", "/nonexistent/python3", "--out", tmp.toString());
        assertEquals(ExitCodes.BAD_INPUT, r.code());
        assertEquals("autoglm: --model: --python /nonexistent/python3: not an executable file\n", r.err());
    }
}
