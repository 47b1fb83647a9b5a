package autoglm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.Metrics;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Minimum counts (docs/analyses.md, "Counts"): every bundled rule says what it judges from and how few is too few, or
 * why it counts nothing; below the minimum a rule is not applicable ("too few to judge"); from it, the score is weighed
 * by √(n / full). The verdicts on testdata/rules/count-cases.json are tools/count_check.py's, written from the docs.
 * What a rule file may say of its counts: RuleCatalogueTest.
 */
class RuleCountsTest {
    private static final RuleEngine ENGINE = new RuleEngine(RuleCatalogue.bundled(), ThresholdOverrides.none());

    @Test
    void everyBundledRuleCountsOrSaysWhyNotAndIsAtMostInfoAtItsMinimum() {
        for (RuleDefinition r : RuleCatalogue.bundled().rules()) {
            assertTrue(r.counts().isEmpty() != (r.uncounted() == null), r.id() + ": counts or uncounted, one of them");
            for (CountGate c : r.counts()) {
                double min = r.threshold(c.min()).defaultValue();
                double full = r.threshold(c.full()).defaultValue();
                assertTrue(100 * CountGate.weight(min, full) < ScoreCurve.WARNING, r.id() + ": at " + min + " "
                        + c.of() + " a finding could warn (full weight from " + full + ")");
            }
        }
    }

    @Test
    void theVerdictsAreTheIndependentCheckers() throws Exception {
        JsonNode cases = Fixtures.json().readTree(Fixtures.root().resolve("testdata/rules/count-cases.json").toFile())
                .get("cases");
        JsonNode expected = Fixtures.json().readTree(Fixtures.root().resolve("testdata/expected/counts.json").toFile())
                .get("cases");
        assertEquals(cases.size(), expected.size());
        for (int i = 0; i < cases.size(); i++) {
            JsonNode c = cases.get(i);
            JsonNode e = expected.get(i);
            String name = c.get("name").asText();
            Finding f = evaluate(c.get("rule").asText(), c.get("metrics"));
            assertEquals(e.get("severity").asText(), f.severity().key(), name + ": " + f.reason());
            if (e.has("too_few")) {
                assertTrue(f.reason().startsWith(e.get("too_few").asText() + ": " + e.get("n").asInt()
                        + ", too few to judge (at least "), name + ": " + f.reason());
                assertEquals(0, f.counted().weight(), name);
            } else {
                assertEquals(e.get("score").asDouble(), f.score(), 1e-9, name);
                assertEquals(e.get("unweighted").asDouble(), f.counted().unweightedScore(), 1e-9, name);
                assertEquals(e.get("weight").asDouble(), f.counted().weight(), 1e-12, name);
            }
        }
    }

    @Test
    void aScoreWeighedBelowInfoSaysSo() throws Exception {
        JsonNode c = Fixtures.json().readTree(Fixtures.root().resolve("testdata/rules/count-cases.json").toFile())
                .get("cases").get(7);
        Finding f = evaluate(c.get("rule").asText(), c.get("metrics"));
        assertEquals(Severity.OK, f.severity());
        assertTrue(f.reason().startsWith("below the info threshold once weighed by its count: score 32.8 x 0.71 = 23.2"
                + " (long gaps between tokens: 5 of the 10 for full weight)"), f.reason());
    }

    @Test
    void aLoweredMinimumJudgesOneGap() {
        Metrics m = new Metrics.Builder().put("served_itl_gaps_in_long_steps_pct", 80.2, 1)
                .put("served_long_step_factor", 30.4, 8).put("served_long_step_ms", 133, 8)
                .put("served_long_steps_beside", 8, 8).build();
        RuleEngine lowered = new RuleEngine(RuleCatalogue.bundled(),
                ThresholdOverrides.of(RuleCatalogue.bundled(), Map.of("prefill-stalls-decode", Map.of("min_long_gaps", 1.0))));
        Finding f = lowered.evaluate(m).stream().filter(x -> x.rule().equals("prefill-stalls-decode")).findFirst()
                .orElseThrow();
        assertEquals(Severity.INFO, f.severity(), "one gap of ten for full weight: 99.7 x √0.1 = 31.5");
        assertEquals(1, f.counted().n());
    }

    @Test
    void aCountOverriddenBelowOneIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ThresholdOverrides.of(RuleCatalogue.bundled(), Map.of("queueing", Map.of("min_requests", 0.0))));
        assertTrue(e.getMessage().startsWith("queueing.min_requests = 0.0: a minimum count and the count for full "
                + "weight are at least 1"), e.getMessage());
        // a full count below the minimum: full weight from the minimum on
        Metrics m = new Metrics.Builder().put("load_goodput_pct", 57.1, 5).build();
        RuleEngine engine = new RuleEngine(RuleCatalogue.bundled(), ThresholdOverrides.of(RuleCatalogue.bundled(),
                Map.of("latency-slo", Map.of("full_requests", 2.0))));
        Finding f = engine.evaluate(m).stream().filter(x -> x.rule().equals("latency-slo")).findFirst().orElseThrow();
        assertEquals(1, f.counted().weight());
    }

    @Test
    void aRuleWithoutCountsHasNoCounted() {
        Metrics m = new Metrics.Builder().put("input_growth_steps", 7, 7).build();
        Finding f = ENGINE.evaluate(m).stream().filter(x -> x.rule().equals("no-kv-cache")).findFirst().orElseThrow();
        assertEquals(Severity.WARNING, f.severity());
        assertNull(f.counted());
        assertNotNull(RuleCatalogue.bundled().get("no-kv-cache").uncounted());
    }

    private static Finding evaluate(String rule, JsonNode metrics) {
        Metrics.Builder b = new Metrics.Builder();
        for (Iterator<Map.Entry<String, JsonNode>> it = metrics.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            b.put(e.getKey(), e.getValue().get(0).asDouble(), e.getValue().get(1).asLong());
        }
        return ENGINE.evaluate(b.build()).stream().filter(f -> f.rule().equals(rule)).findFirst().orElseThrow();
    }
}
