package autoglm.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.Metrics;
import autoglm.analyse.workload.WorkloadAnalysis;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.Verification;
import autoglm.model.trace.DataLoss;
import autoglm.model.workload.WorkloadLog;
import autoglm.read.workload.WorkloadEvents;
import autoglm.rules.Finding;
import autoglm.rules.Ranking;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.RuleEngine;
import autoglm.rules.ThresholdOverrides;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run on the CPU (the workload's events of glm-tiny on this machine's CPU, testdata/workload) is not told to use
 * CUDA graphs, and --verify does not attempt them there; the same events said to come from CUDA get the CUDA fix.
 */
class CpuFixTest {
    @TempDir
    Path tmp;

    private static final String RULE = "memory-bound-decode";

    private static WorkloadLog log(Path events) {
        return WorkloadEvents.read(events);
    }

    /** The same events with the start event's device changed to cuda (derived data, for the other side). */
    private Path onCuda() throws Exception {
        String text = Files.readString(Fixtures.workloadEvents("mixed-lengths"), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"device\":\"cpu\""));
        Path f = tmp.resolve("cuda.jsonl");
        Files.writeString(f, text.replace("\"device\":\"cpu\"", "\"device\":\"cuda\""), StandardCharsets.UTF_8);
        return f;
    }

    private static List<Finding> findings(WorkloadLog log) {
        return new RuleEngine(RuleCatalogue.bundled(), ThresholdOverrides.none()).evaluate(WorkloadAnalysis.analyze(log));
    }

    private static Finding finding(WorkloadLog log, String rule) {
        return findings(log).stream().filter(f -> f.rule().equals(rule)).findFirst().orElseThrow();
    }

    @Test
    void theFixTextOfACpuRunNeedsNoCuda() throws Exception {
        Finding cpu = finding(log(Fixtures.workloadEvents("mixed-lengths")), RULE);
        Finding cuda = finding(log(onCuda()), RULE);
        assertFalse(cpu.fix().contains("replay the decode step as a CUDA graph"), cpu.fix());
        assertTrue(cpu.fix().contains("CUDA graphs need a GPU"), cpu.fix());
        assertTrue(cuda.fix().contains("replay the decode step as a CUDA graph"), cuda.fix());
        // a rule without fix_cpu keeps its one fix on the CPU
        Finding small = finding(log(Fixtures.workloadEvents("mixed-lengths")), "small-batch");
        assertTrue(small.fix().startsWith("Batch the waiting requests"), small.fix());
    }

    @Test
    void graphsAreUnsupportedOnACpuRunOnly() throws Exception {
        WorkloadLog cpu = log(Fixtures.workloadEvents("mixed-lengths"));
        assertNotNull(Knobs.unsupported(cpu, Map.of("mode", "graphs")));
        assertNull(Knobs.unsupported(cpu, Map.of("batch", "8")));
        assertNull(Knobs.unsupported(log(onCuda()), Map.of("mode", "graphs")));
    }

    @Test
    void verifyDoesNotAttemptGraphsOnACpuRun() throws Exception {
        WorkloadLog cpu = log(Fixtures.workloadEvents("mixed-lengths"));
        Metrics m = WorkloadAnalysis.analyze(cpu);
        List<Finding> findings = findings(cpu);
        // the rule with a graphs fix must be among those verified, or this test would pass on nothing
        Finding decode = findings.stream().filter(f -> f.rule().equals(RULE)).findFirst().orElseThrow();
        assertTrue(decode.isProblem(), RULE + " fires on the CPU fixture: " + decode.reason());
        Diagnosis d = new Diagnosis("autoglm", "test", List.of(), m, Ranking.sorted(findings), DataLoss.empty());
        List<Map<String, String>> asked = new ArrayList<>();
        Verifier.Rerun rerun = (rule, knobs) -> {
            asked.add(knobs);
            return new RunOutcome(rule, null, 0, null, d, cpu, null);
        };
        int problems = (int) findings.stream().filter(Finding::isProblem).count();
        List<Verification> vs = new Verifier(RuleCatalogue.bundled(), problems, n -> { }, rerun)
                .verify(new RunOutcome("base", null, 0, null, d, cpu, null));
        Verification graphs = vs.stream().filter(v -> "graphs".equals(v.knobs().get("mode"))).findFirst().orElseThrow();
        assertEquals(RULE, graphs.rule());
        assertTrue(graphs.reason().startsWith("not attempted: CUDA graphs"), graphs.reason());
        assertTrue(asked.stream().noneMatch(k -> "graphs".equals(k.get("mode"))), "re-runs asked: " + asked);
    }
}
