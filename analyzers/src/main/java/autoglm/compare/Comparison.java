package autoglm.compare;

import autoglm.result.ResultSummary;
import java.util.List;

/**
 * Two results side by side, as HTA's trace diff puts them: every numeric metric both have, and every
 * kernel name either has. {@code perIteration}: kernel times and counts are per iteration (both had
 * iterations), else totals. {@code kernelsNote} says why there is no kernel diff, or null. {@code ops}: the same diff
 * over the CPU ops and the GPU time each launched (docs/analyses.md#ops), when both results have them.
 */
public record Comparison(ResultSummary a, ResultSummary b, List<MetricChange> metrics, List<KernelChange> kernels,
        boolean perIteration, double tolerancePct, String kernelsNote, List<KernelChange> ops) {

    public long count(KernelChange.Status s) {
        return kernels.stream().filter(k -> k.status() == s).count();
    }
}
