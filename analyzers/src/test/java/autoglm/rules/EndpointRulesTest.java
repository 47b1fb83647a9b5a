package autoglm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.diagnose.Diagnosis;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each endpoint rule where it must fire and where it must stay silent, on real load runs of autoglm serve
 * (testdata/load; each recorded with `autoglm load ... --serve -- autoglm serve --model glm-tiny ...` or against a
 * running one, its run.json and load.json say how):
 * agent-kv-pressure (3 sessions, --kv-cache-tokens 4450: the cache full, requests waiting, one preempted),
 * agent-image-heavy (800x1800 screenshots: 1,856 image tokens of each prompt), synthetic-long-context (one at a
 * time, prompts of about 120 to 2,280 estimated tokens), synthetic-prefill-interference (constant:4, 1,200-token prompts, 400-token
 * answers), synthetic-client-limited (constant:3000: the client cannot send that fast), agent-glm-tiny (queueing).
 */
class EndpointRulesTest {
    private static final Map<String, List<String>> FIRES = Map.of(
            "agent-kv-pressure", List.of("kv-cache-pressure", "preemption"),
            "agent-image-heavy", List.of("image-heavy"),
            "synthetic-long-context", List.of("long-context"),
            "synthetic-prefill-interference", List.of("prefill-interference"),
            "synthetic-client-limited", List.of("client-limited"),
            "agent-glm-tiny", List.of("queueing", "prefix-cache-miss", "latency-slo"));
    private static final List<String> RULES = List.of("queueing", "kv-cache-pressure", "preemption",
            "prefix-cache-miss", "prefill-interference", "image-heavy", "long-context", "client-limited");

    private static Diagnosis diagnose(String run) {
        return autoglm.LoadRuns.diagnose(run);
    }

    private static Finding finding(Diagnosis d, String id) {
        return autoglm.LoadRuns.finding(d, id);
    }

    @Test
    void eachRuleFiresOnTheRunMadeForItAndStaysSilentOnTheOthers() {
        for (Map.Entry<String, List<String>> e : FIRES.entrySet()) {
            Diagnosis d = diagnose(e.getKey());
            for (String id : e.getValue()) {
                Finding f = finding(d, id);
                assertTrue(f.isProblem(), e.getKey() + ": " + id + " must fire: " + f.severity() + " " + f.reason());
            }
        }
        for (String id : RULES) {
            for (Map.Entry<String, List<String>> e : FIRES.entrySet()) {
                boolean madeFor = FIRES.entrySet().stream().anyMatch(x -> x.getKey().equals(e.getKey())
                        && x.getValue().contains(id));
                if (madeFor || isKnownCompanion(e.getKey(), id)) {
                    continue;
                }
                Finding f = finding(diagnose(e.getKey()), id);
                assertTrue(!f.isProblem(), e.getKey() + ": " + id + " must stay silent: " + f.severity());
            }
        }
    }

    /** Findings that come with another one on its run, by the run's nature (said in each case). */
    private static boolean isKnownCompanion(String run, String id) {
        // requests waiting for KV room wait in the queue; prompts arriving every 250 ms while others stream queue
        return (run.equals("agent-kv-pressure") || run.equals("synthetic-prefill-interference")) && id.equals("queueing")
                // 3,000 requests per second overwhelm the CPU server too
                || run.equals("synthetic-client-limited") && !id.equals("client-limited");
    }

    @Test
    void closedLoopTrafficHasNoTargetRateToFallBehind() {
        assertEquals(Severity.NOT_APPLICABLE, finding(diagnose("agent-image-heavy"), "client-limited").severity());
    }
}
