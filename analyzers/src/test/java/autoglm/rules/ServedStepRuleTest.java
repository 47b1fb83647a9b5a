package autoglm.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.analyse.Metrics;
import autoglm.analyse.load.ServedSteps;
import org.junit.jupiter.api.Test;

/**
 * {@code launch-bound-low-batch} where it must fire and where it must stay silent. A served model's kernels at two
 * batch sizes can only be recorded on a GPU (docs/benchmarks.md: not yet verified on a GPU), so these are the rule's
 * conditions on given step figures, each case one threshold away from the rule's decision (rules/endpoint.yaml);
 * without kernels (autoglm serve on the CPU, ServerProfileTest) the rule is not applicable, with the reason.
 */
class ServedStepRuleTest {
    private static Finding evaluate(double lowBatch, double lowBusy, double highBatch, double highBusy) {
        Metrics m = new Metrics.Builder().put("served_batch_low", lowBatch, 40).put("served_batch_high", highBatch, 40)
                .put("served_busy_pct_low_batch", lowBusy, 40).put("served_busy_pct_high_batch", highBusy, 40)
                .put("served_step_ms_low_batch", 12, 40).put("served_step_ms_high_batch", 14, 40)
                .put("served_kernels_per_step", 900, 80).put("served_steps", 80, 80).build();
        return new RuleEngine(RuleCatalogue.bundled(), ThresholdOverrides.none()).evaluate(m).stream()
                .filter(f -> f.rule().equals("launch-bound-low-batch")).findFirst().orElseThrow();
    }

    @Test
    void firesWhenOnlyTheLowBatchLeavesTheGpuIdle() {
        Finding f = evaluate(1, 15, 8, 85);
        assertEquals(Severity.WARNING, f.severity(), f.reason());
        assertTrue(f.summary().contains("At a batch of 1 the GPU was busy 15"), f.summary());
        assertEquals(Severity.INFO, evaluate(1, 35, 8, 85).severity());
    }

    @Test
    void staysSilentWhenBothBatchesOrNeitherAreLaunchBound() {
        assertFalse(evaluate(1, 70, 8, 90).isProblem(), "busy at the low batch too");
        assertFalse(evaluate(1, 15, 8, 40).isProblem(), "launch-bound at the high batch too: launch-bound's case");
        assertFalse(evaluate(2, 15, 4, 85).isProblem(), "batches too close to compare");
    }

    @Test
    void notApplicableWithoutTheServersKernels() {
        Metrics none = new Metrics.Builder().build().orAbsent(ServedSteps.metricNames(), ServedSteps.NOT_SERVED);
        Finding f = new RuleEngine(RuleCatalogue.bundled(), ThresholdOverrides.none()).evaluate(none).stream()
                .filter(x -> x.rule().equals("launch-bound-low-batch")).findFirst().orElseThrow();
        assertEquals(Severity.NOT_APPLICABLE, f.severity());
        assertTrue(f.reason().contains(ServedSteps.NOT_SERVED), f.reason());
    }
}
