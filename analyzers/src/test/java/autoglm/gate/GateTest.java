package autoglm.gate;

import autoglm.analyse.WelchTest;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.Results;
import autoglm.analyse.Metric;
import autoglm.analyse.Spread;
import autoglm.analyse.Unit;
import autoglm.result.ResultSummary;
import autoglm.rules.Severity;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class GateTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static GateCheck check(GateResult r, String key) {
        return r.checks().stream().filter(c -> c.threshold().key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void identicalInputsPass() {
        ResultSummary a = Results.of(Fixtures.DECODE_KV);
        GateResult r = Gate.evaluate(a, a, GateThresholds.defaults());
        assertTrue(r.passed());
        assertEquals(0, r.count(GateCheck.Status.FAIL));
        assertEquals(0, r.count(GateCheck.Status.NOISE));
        for (GateCheck c : r.checks()) {
            if (c.status() != GateCheck.Status.SKIPPED) {
                assertEquals(GateCheck.Status.PASS, c.status(), c.threshold().key());
                assertEquals(0, c.worsening(), 1e-12, c.threshold().key());
            }
        }
        // the warnings of the trace are in the baseline too: none fails
        assertFalse(r.findings().isEmpty());
        assertTrue(r.findings().stream().noneMatch(FindingCheck::failed));
    }

    @Test
    void aRegressedPairFromTheFixturesFails() throws Exception {
        // the same decode without its KV cache: the p99 iteration time grows 24.6%, and no-kv-cache appears
        GateResult r = Gate.evaluate(Results.of(Fixtures.DECODE_KV), Results.of(Fixtures.DECODE_NO_KV),
                GateThresholds.defaults());
        assertFalse(r.passed());
        GateCheck p99 = check(r, "p99_step_time_ms");
        assertEquals("step_time_ms.p99", p99.selector());
        assertEquals(Results.independent(Fixtures.DECODE_KV).get("step_ms_p99").asDouble(), p99.baseline(), 1e-6);
        assertEquals(Results.independent(Fixtures.DECODE_NO_KV).get("step_ms_p99").asDouble(), p99.current(), 1e-6);
        assertEquals(GateCheck.Status.FAIL, p99.status());
        assertEquals(100 * (p99.current() - p99.baseline()) / p99.baseline(), p99.worsening(), 1e-9);
        assertFalse(p99.noise().applicable(), "a p99 is one order statistic: no t-test");
        FindingCheck kv = r.findings().stream().filter(f -> f.rule().equals("no-kv-cache")).findFirst().orElseThrow();
        assertTrue(kv.failed());
        assertEquals(Severity.WARNING, kv.current());
        assertEquals(Severity.OK, kv.baseline());
        // launch-bound was a warning in both: known, not failed
        assertFalse(r.findings().stream().filter(f -> f.rule().equals("launch-bound")).findFirst().orElseThrow().failed());
    }

    @Test
    void theMeanStepTimeIsWithinNoiseButItsMedianMovedPastTheLimit() throws Exception {
        GateResult r = Gate.evaluate(Results.of(Fixtures.DECODE_KV), Results.of(Fixtures.DECODE_NO_KV),
                GateThresholds.defaults());
        GateCheck mean = check(r, "step_time_ms");
        // recomputed here from the independent iteration times, with Welch's formulas
        double[] a = values(Results.independent(Fixtures.DECODE_KV).get("step_ms"));
        double[] b = values(Results.independent(Fixtures.DECODE_NO_KV).get("step_ms"));
        assertEquals(mean(a), mean.baseline(), 1e-6);
        assertEquals(mean(b), mean.current(), 1e-6);
        double va = var(a) / a.length;
        double vb = var(b) / b.length;
        double t = (mean(b) - mean(a)) / Math.sqrt(va + vb);
        double df = (va + vb) * (va + vb) / (va * va / (a.length - 1) + vb * vb / (b.length - 1));
        assertEquals(t, mean.noise().t(), 1e-6);
        assertEquals(df, mean.noise().df(), 1e-6);
        assertTrue(mean.noise().p() > 0.05, "p " + mean.noise().p());
        // the slow first iteration widens the spread, so Welch cannot tell the means apart; the medians
        // (computed here from the same independent iteration times) moved far past the 5% limit
        assertTrue(100 * (median(b) - median(a)) / median(a) > 5, median(a) + " -> " + median(b));
        assertEquals(GateCheck.Status.FAIL, mean.status(), "20.8% over a 5% limit, within noise, but the median moved");
        assertTrue(mean.reason().contains("median moved past the limit"), mean.reason());
    }

    @Test
    void withinNoiseAndAMedianWithinTheLimitIsNoise() throws Exception {
        // a mean 20% higher with a wide spread, a median that moved 2%: noise, reported, not failed
        Metric a = Metric.of("step_time_ms", Unit.MILLISECONDS, 100, 10, new Spread(40, 100, 180, 190, 190, 50));
        Metric b = Metric.of("step_time_ms", Unit.MILLISECONDS, 120, 10, new Spread(40, 102, 200, 210, 210, 60));
        Threshold th = Threshold.parse("step_time_ms", "step_time_ms", null, "+5%");
        GateCheck c = Gate.check(th, a, b, GateThresholds.defaults());
        assertEquals(GateCheck.Status.NOISE, c.status(), c.reason());
        GateThresholds strict = GateThresholds.parse("strict", YAML.readTree("step_time_ms: +5%\nnoise: {within_noise: fail}\n"));
        assertEquals(GateCheck.Status.FAIL, Gate.check(th, a, b, strict).status());
    }

    @Test
    void oneOutlierStepCannotHideARegressionOfTheWholeRun() {
        // the case of the issue: every step 20% slower and one step 48x slower; the mean rises ~690%,
        // the outlier's spread makes Welch's p large, the median moved +20%: a regression
        double[] before = {10, 10.1, 9.9, 10, 10.05, 9.95, 10};
        double[] after = {480, 12, 12.1, 11.9, 12, 12.05, 11.95};
        Metric a = Metric.of("step_time_ms", Unit.MILLISECONDS, mean(before), before.length,
                new Spread(9.9, median(before), 10.1, 10.1, 10.1, Math.sqrt(var(before))));
        Metric b = Metric.of("step_time_ms", Unit.MILLISECONDS, mean(after), after.length,
                new Spread(11.9, median(after), 480, 480, 480, Math.sqrt(var(after))));
        GateCheck c = Gate.check(Threshold.parse("step_time_ms", "step_time_ms", null, "+5%"), a, b,
                GateThresholds.defaults());
        assertTrue(c.worsening() > 600, "mean +" + c.worsening() + "%");
        assertTrue(c.noise().p() > 0.05, "within noise by Welch alone: p " + c.noise().p());
        assertEquals(GateCheck.Status.FAIL, c.status(), c.reason());
    }

    @Test
    void welchMatchesAnIndependentComputation() throws Exception {
        // testdata/expected/welch.json: tools/welch_check.py 20.82 2.5 15 23.0 2.4 12 (Simpson integration of
        // Student's t density; ToolsRerunTest re-runs it)
        com.fasterxml.jackson.databind.JsonNode x = autoglm.Fixtures.json().readTree(
                autoglm.Fixtures.root().resolve("testdata/expected/welch.json").toFile());
        WelchTest w = WelchTest.welch(20.82, 2.5, 15, 23.0, 2.4, 12);
        assertEquals(x.get("t").asDouble(), w.t(), 1e-7);
        assertEquals(x.get("df").asDouble(), w.df(), 1e-6);
        assertEquals(x.get("p").asDouble(), w.p(), 1e-8);
        assertTrue(w.beyond(0.05));
        assertFalse(w.beyond(0.01));
    }

    @Test
    void thresholdsAreRelativeOrAbsoluteAndSigned() throws Exception {
        GateThresholds t = GateThresholds.parse("test", YAML.readTree(
                "p99_latency_ms: +10%\ntokens_per_s: -5%\ngpu_busy_pct: -3\nhost_syncs_per_step: +1\n"
                        + "findings: {max_severity: warning, new_only: false}\n"));
        Threshold lat = t.metrics().get(0);
        assertEquals("e2e_ms", lat.metric());
        assertEquals("p99", lat.stat());
        assertTrue(lat.relative());
        assertEquals(1, lat.worse());
        assertTrue(lat.exceeded(100, 110.5));
        assertFalse(lat.exceeded(100, 110));
        Threshold tps = t.metrics().get(1);
        assertEquals(-1, tps.worse());
        assertTrue(tps.exceeded(1000, 940));
        assertFalse(tps.exceeded(1000, 2000), "a rise of throughput is no regression");
        Threshold busy = t.metrics().get(2);
        assertFalse(busy.relative());
        assertEquals(3, busy.amount());
        assertTrue(busy.exceeded(50, 46.9));
        assertFalse(busy.exceeded(50, 47.5));
        assertEquals(1, t.metrics().get(3).worse(), "YAML's +1 is the number 1: a rise is worse");
        assertEquals(Severity.WARNING, t.maxSeverity());
        assertFalse(t.newOnly());
        assertEquals(Severity.INFO, GateThresholds.defaults().maxSeverity());
    }

    @Test
    void badThresholdsSayWhatIsWrong() {
        assertThrows(IllegalArgumentException.class, () -> GateThresholds.parse("t", YAML.readTree("no_such_metric: +5%")),
                "unknown metric");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GateThresholds.parse("t", YAML.readTree("step_time_ms: '5%'")));
        assertTrue(e.getMessage().contains("needs a sign"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GateThresholds.parse("t", YAML.readTree("step_time_ms.p42: +5%")));
        assertThrows(IllegalArgumentException.class, () -> GateThresholds.parse("t", YAML.readTree("sync_calls: +5%")));
        assertThrows(IllegalArgumentException.class, () -> GateThresholds.parse("t", YAML.readTree("step_time_ms: 0")));
        assertThrows(IllegalArgumentException.class, () -> GateThresholds.parse("t", YAML.readTree("noise: {alpha: 2}")));
    }

    @Test
    void aMetricNotInTheBaselineIsSkippedWithItsReason() {
        GateThresholds t = GateThresholds.defaults();
        GateResult r = Gate.evaluate(Results.of(Fixtures.DECODE_KV), Results.of(Fixtures.DECODE_KV), t);
        GateCheck tps = check(r, "tokens_per_s");
        assertEquals(GateCheck.Status.SKIPPED, tps.status());
        assertTrue(tps.reason().contains("no workload events"), tps.reason());
    }

    @Test
    void aMetricTheBaselineHasAndTheCurrentLacksFailsUnlessOptional() throws Exception {
        Metric a = Metric.of("gpu_util_pct", Unit.PERCENT, 80, 100, Spread.NONE);
        Metric gone = Metric.absent("gpu_util_pct", Unit.PERCENT, "no NVML samples (libnvidia-ml.so.1 not found)");
        Threshold th = Threshold.parse("gpu_util_pct", "gpu_util_pct", null, "-3");
        GateCheck c = Gate.check(th, a, gone, GateThresholds.defaults());
        assertEquals(GateCheck.Status.MISSING, c.status());
        assertTrue(c.failed());
        assertTrue(c.reason().contains("libnvidia-ml.so.1 not found"), c.reason());
        assertEquals(GateCheck.Status.MISSING, Gate.check(th, a, null, GateThresholds.defaults()).status());
        GateThresholds opt = GateThresholds.parse("t", YAML.readTree("gpu_util_pct: {limit: -3, optional: true}"));
        assertTrue(opt.metrics().get(0).optional());
        GateCheck o = Gate.check(opt.metrics().get(0), a, gone, opt);
        assertEquals(GateCheck.Status.SKIPPED, o.status());
        assertFalse(o.failed());
        assertThrows(IllegalArgumentException.class, () -> GateThresholds.parse("t",
                YAML.readTree("gpu_util_pct: {limit: -3, optinal: true}")));
        assertThrows(IllegalArgumentException.class, () -> GateThresholds.parse("t",
                YAML.readTree("gpu_util_pct: {optional: true}")));
    }

    @Test
    void aValueThatIsNotAFiniteNumberFails() {
        Threshold th = Threshold.parse("step_time_ms", "step_time_ms", null, "+5%");
        Metric ok = Metric.of("step_time_ms", Unit.MILLISECONDS, 10, 5, Spread.NONE);
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            Metric m = Metric.of("step_time_ms", Unit.MILLISECONDS, bad, 5, Spread.NONE);
            assertEquals(GateCheck.Status.BAD, Gate.check(th, ok, m, GateThresholds.defaults()).status(), "current " + bad);
            assertEquals(GateCheck.Status.BAD, Gate.check(th, m, ok, GateThresholds.defaults()).status(), "baseline " + bad);
        }
    }

    @Test
    void anIncompleteCurrentRunFailsUnlessAllowed() {
        ResultSummary a = Results.of(Fixtures.DECODE_KV);
        for (String status : new String[] {"failed", "interrupted", "running"}) {
            ResultSummary cur = new ResultSummary("cur", a.metrics(), a.findings(), a.kernels(), a.kernelsNote(),
                    a.iterations(), new ResultSummary.RunState(status, false, "the command exited with code 1"));
            GateResult r = Gate.evaluate(a, cur, GateThresholds.defaults());
            assertFalse(r.passed(), status);
            assertTrue(r.incompleteFails());
            assertTrue(r.incompleteLine().contains(status), r.incompleteLine());
            assertTrue(Gate.evaluate(a, cur, GateThresholds.defaults(), true).passed(), status + " allowed");
        }
    }

    @Test
    void withoutSpreadsTheLimitAloneDecides() {
        Metric a = Metric.of("kernels_per_step", Unit.COUNT, 100, 10, Spread.NONE);
        Metric b = Metric.of("kernels_per_step", Unit.COUNT, 111, 10, Spread.NONE);
        Threshold th = Threshold.parse("kernels_per_step", "kernels_per_step", null, "+10%");
        GateCheck c = Gate.check(th, a, b, GateThresholds.defaults());
        assertEquals(GateCheck.Status.FAIL, c.status());
        assertNull(c.noise().applicable() ? "" : null);
    }

    @Test
    void theDefaultsNameOnlyKnownMetrics() {
        GateThresholds d = GateThresholds.defaults();
        assertTrue(d.metrics().size() >= 10, d.metrics().stream().map(Threshold::key).collect(Collectors.joining(",")));
        assertEquals(0.05, d.alpha());
        assertFalse(d.failWithinNoise());
    }

    private static double[] values(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.get(i).asDouble();
        }
        return v;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double var(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s / (v.length - 1);
    }
}
