package autoglm.analyse.workload;

import autoglm.read.workload.WorkloadEvents;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metric;
import autoglm.analyse.Metrics;
import autoglm.rules.Finding;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.RuleEngine;
import autoglm.rules.Severity;
import autoglm.rules.ThresholdOverrides;
import autoglm.analyse.workload.WorkloadAnalysis;
import autoglm.model.workload.WorkloadLog;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The workload metrics on event streams the workload wrote (glm-tiny on CPU, testdata/workload), against
 * the values tools/workload_check.py computes from the same lines by plain Python.
 */
class WorkloadAnalysisTest {
    static Path events(String name) {
        return Fixtures.workloadEvents(name);
    }

    static JsonNode expected(String name) throws IOException {
        return new ObjectMapper().readTree(Fixtures.root().resolve("testdata/expected/workload-" + name + ".json").toFile());
    }

    private static void assertAgrees(String name) throws IOException {
        assertAgrees(events(name), name);
    }

    private static void assertAgrees(Path file, String name) throws IOException {
        Metrics m = WorkloadAnalysis.analyze(WorkloadEvents.read(file));
        JsonNode want = expected(name);
        for (Iterator<Map.Entry<String, JsonNode>> it = want.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().endsWith("_n") || e.getKey().equals("turns")) {
                continue; // a count beside its metric; the per-turn table is RequestTableTest's
            }
            Metric got = m.get(e.getKey());
            assertTrue(got.present(), e.getKey() + ": " + got.reason());
            double w = e.getValue().asDouble();
            assertEquals(w, got.value(), Math.abs(w) * 1e-9 + 1e-9, e.getKey());
        }
    }

    /**
     * The phone preset's agent scenario with the prefix cache on (autoglm-phone-tiny, a --verify re-run recorded for
     * docs/benchmarks.md): reused prompt tokens, image tokens, the vision tower's share, queue times and the roofline
     * floor from the keys the rows really hold, against the independent check.
     */
    @Test
    void theAgentWithThePrefixCacheAgreesWithTheIndependentCheck() throws IOException {
        Path file = Fixtures.root().resolve("testdata/workload/autoglm-phone-tiny-agent-prefix.jsonl");
        assertAgrees(file, "agent-prefix");
        Metrics m = WorkloadAnalysis.analyze(WorkloadEvents.read(file));
        assertEquals("autoglm-phone-tiny", m.get("workload_model").text());
        assertTrue(m.get("cached_prompt_tokens").value() > m.get("prompt_tokens").value(),
                "most of the prompt was reused: " + m.get("cached_prompt_tokens").value());
        assertEquals(m.get("request_prompt_tokens").value(),
                m.get("prompt_tokens").value() + m.get("cached_prompt_tokens").value(), "asked = computed + reused");
        // no growth left to report: TTFT -14 ms per turn at t = -0.44 is no slope at all (docs/analyses.md#fits)
        assertFalse(m.get("turn_ttft_growth_pct").present());
        assertTrue(m.get("turn_ttft_growth_pct").reason().startsWith("TTFT does not change significantly with the "
                + "turn"), m.get("turn_ttft_growth_pct").reason());
        assertTrue(m.get("turn_ttft_growth_p").value() >= 0.05);
    }

    @Test
    void mixedLengthsAgreeWithTheIndependentCheck() throws IOException {
        assertAgrees("mixed-lengths");
        Metrics m = WorkloadAnalysis.analyze(WorkloadEvents.read(events("mixed-lengths")));
        assertEquals(expected("mixed-lengths").get("ms_per_token_n").asLong(), m.get("ms_per_token").n());
        // what ran, as typed parts (the reports write "glm-tiny (preset, 2 layers) on cpu (vm), fp32")
        assertEquals("glm-tiny", m.get("workload_model").text());
        assertEquals("preset", m.get("workload_source").text());
        assertEquals(2, m.get("workload_layers").value());
        assertEquals("cpu (vm)", m.get("workload_device").text());
        assertEquals("fp32", m.get("workload_dtype").text());
        assertFalse(m.get("turn_ttft_growth_pct").present());
        assertEquals("single-turn requests (turns=1)", m.get("turn_ttft_growth_pct").reason());
    }

    @Test
    void multiTurnAgreesWithTheIndependentCheck() throws IOException {
        assertAgrees("multi-turn");
    }

    private static List<Finding> findings(String name) {
        RuleCatalogue c = RuleCatalogue.bundled();
        Metrics m = WorkloadAnalysis.analyze(WorkloadEvents.read(events(name)));
        return new RuleEngine(c, ThresholdOverrides.none()).evaluate(m);
    }

    private static Severity severity(List<Finding> fs, String rule) {
        return fs.stream().filter(f -> f.rule().equals(rule)).findFirst().orElseThrow().severity();
    }

    @Test
    void paddingWasteFiresOnPaddedMixedLengthsAndNotOnConversationsOfOneRequest() {
        List<Finding> mixed = findings("mixed-lengths");
        // 71.8% of prefill tokens were padding (prompts of 12..200 tokens padded to 256): past warning_pct 40
        assertEquals(Severity.WARNING, severity(mixed, "padding-waste"));
        // four requests per batch: small-batch stays silent; one conversation at a time with one waiting: it fires
        assertEquals(Severity.OK, severity(mixed, "small-batch"));
        assertEquals(Severity.NOT_APPLICABLE, severity(mixed, "multi-turn-growth"));
        List<Finding> turns = findings("multi-turn");
        assertEquals(Severity.OK, severity(turns, "padding-waste"));
        assertTrue(severity(turns, "multi-turn-growth").ordinal() <= Severity.INFO.ordinal());
        assertEquals(Severity.OK, severity(turns, "cpu-fp16"));
        assertEquals(Severity.OK, severity(turns, "model-does-not-fit"));
        assertEquals(Severity.OK, severity(turns, "recompilation"));
    }
}
