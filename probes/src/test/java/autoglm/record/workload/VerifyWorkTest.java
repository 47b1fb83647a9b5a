package autoglm.record.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.model.workload.WorkloadLog;
import autoglm.read.workload.WorkloadEvents;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.RuleDefinition;
import autoglm.verify.Knobs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fix --verify can re-run (each rule's {@code verify} and {@code verify_also}) keeps the work of the run it
 * is compared with, the requests served and the output tokens each produced, unless {@link Knobs#workChange} labels
 * it as changing the work, and then it does change it. Each fix runs the real workload (glm-tiny on the CPU) against
 * a baseline that has the opposite setting; fixes this machine cannot run (graphs without CUDA, compile on torch 1.x)
 * are named in the output and left out.
 */
class VerifyWorkTest {
    @TempDir
    Path tmp;

    /** Small conversations with history beyond the 512-token window, and outputs of several lengths. */
    private static final Map<String, String> COMMON = Map.of("requests", "2", "batch", "2", "turns", "3",
            "prompt_len", "uniform:300-400", "output_len", "uniform:2-6", "max_new_tokens", "6", "max_length", "300",
            "bandwidth_gbps", "10", "warmup", "0");
    /** The setting opposite each fix's, so that the baseline does not have the fix in effect. */
    private static final Map<String, String> OPPOSITE = Map.ofEntries(Map.entry("kv_cache", "off"),
            Map.entry("num_beams", "2"), Map.entry("padding", "max"), Map.entry("batch", "1"),
            Map.entry("pipeline", "inline"), Map.entry("pin_memory", "off"), Map.entry("prefix_cache", "off"),
            Map.entry("history_window", "0"), Map.entry("mode", "eager"), Map.entry("tf32", "off"));

    @Test
    void everyFixKeepsTheWorkUnlessLabelled() throws Exception {
        Path py = WorkloadPythonTest.python();
        List<String> checked = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (RuleDefinition r : RuleCatalogue.bundled().rules()) {
            for (Map<String, String> fix : r.verifications()) {
                Map<String, String> base = new LinkedHashMap<>(COMMON);
                for (Map.Entry<String, String> e : fix.entrySet()) {
                    base.put(e.getKey(), OPPOSITE.getOrDefault(e.getKey(), e.getKey().equals("dtype")
                            ? (e.getValue().equals("fp32") ? "bf16" : "fp32") : base.getOrDefault(e.getKey(), "0")));
                }
                Map<String, String> after = new LinkedHashMap<>(base);
                after.putAll(fix);
                String what = r.id() + " " + fix;
                Result b = run(py, base, "base");
                Result a = run(py, after, "fix");
                if (a.code == 2 || b.code == 2) {
                    skipped.add(what + ": " + (a.code == 2 ? a.out : b.out).strip());
                    continue;
                }
                assertEquals(0, b.code, what + " baseline: " + b.out);
                assertEquals(0, a.code, what + ": " + a.out);
                String label = Knobs.workChange(fix);
                if (label == null) {
                    assertEquals(b.log.requests().size(), a.log.requests().size(), what + ": requests served");
                    assertEquals(outputs(b.log), outputs(a.log), what + ": output tokens per request");
                    assertEquals(asked(b.log), asked(a.log), what + ": prompt tokens asked");
                } else {
                    assertNotEquals(work(b.log), work(a.log), what + " is labelled '" + label + "' but did the same work");
                }
                checked.add(what);
            }
        }
        System.err.println("fixes checked: " + checked + "; not runnable here: " + skipped);
        assertTrue(checked.size() >= 8, checked.toString());
        assertTrue(checked.stream().anyMatch(s -> s.startsWith("multi-turn-growth {prefix_cache=on}")), checked.toString());
        assertTrue(checked.stream().anyMatch(s -> s.startsWith("multi-turn-growth {history_window=512}")), checked.toString());
    }

    private record Result(int code, String out, WorkloadLog log) {
    }

    private final Map<Map<String, String>, Result> done = new java.util.HashMap<>();

    private Result run(Path py, Map<String, String> knobs, String tag) throws Exception {
        Result seen = done.get(knobs);
        if (seen != null) {
            return seen;
        }
        Result r = start(py, knobs, tag);
        done.put(Map.copyOf(knobs), r);
        return r;
    }

    private Result start(Path py, Map<String, String> knobs, String tag) throws Exception {
        Path events = Files.createTempFile(tmp, tag, ".jsonl");
        Files.delete(events);
        List<String> argv = new ArrayList<>(List.of(py.toString(), "-m", "autoglm_workload", "--model", "glm-tiny",
                "--events", events.toString()));
        knobs.forEach((k, v) -> {
            argv.add("--knob");
            argv.add(k + "=" + v);
        });
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true);
        pb.environment().put("PYTHONPATH", Fixtures.root().resolve("native/workload").toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        WorkloadLog log = p.exitValue() == 0 ? WorkloadEvents.read(events) : null;
        return new Result(p.exitValue(), out, log);
    }

    private static List<Long> outputs(WorkloadLog log) {
        return log.requests().stream().sorted(java.util.Comparator.comparingInt(WorkloadLog.Request::id)
                .thenComparingInt(WorkloadLog.Request::turn)).map(WorkloadLog.Request::outputTokens).toList();
    }

    private static long asked(WorkloadLog log) {
        return log.requests().stream().mapToLong(WorkloadLog.Request::promptTokens).sum();
    }

    /** The work: requests, output tokens, prompt tokens asked, decode rows. */
    private static List<Long> work(WorkloadLog log) {
        long rows = log.measured().stream().filter(s -> !s.prefill()).mapToLong(WorkloadLog.Step::paddedTokens).sum()
                * Long.parseLong(log.start().knob("num_beams"));
        return List.of((long) log.requests().size(), outputs(log).stream().mapToLong(Long::longValue).sum(), asked(log),
                rows);
    }
}
