package autoglm.verify;

import autoglm.analyse.Metric;
import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
import autoglm.analyse.WelchTest;
import java.util.List;

/**
 * One metric over several runs of the same side of a verification: the median of the runs' values, with n the runs
 * that have it and the spread over them; and Welch's p of two sides over the runs' values (docs/workload.md#verify).
 */
final class RunMedian {
    private RunMedian() {
    }

    static double[] values(String metric, List<RunOutcome> runs) {
        return runs.stream().map(r -> r.diagnosis().metrics().get(metric))
                .filter(m -> m.present() && !m.isText() && !Double.isNaN(m.value())).mapToDouble(Metric::value).toArray();
    }

    static Metric of(String metric, List<RunOutcome> runs) {
        Metric first = runs.get(0).diagnosis().metrics().get(metric);
        double[] v = values(metric, runs);
        if (v.length == 0) {
            return first;
        }
        Spread spread = Stats.spread(v, v.length);
        return Metric.of(metric, first.unit(), Stats.median(v, v.length), v.length, spread);
    }

    /** Welch's two-sided p over the runs' values; NaN with fewer than two runs a side. */
    static double welchP(String metric, List<RunOutcome> base, List<RunOutcome> after) {
        double[] a = values(metric, base);
        double[] b = values(metric, after);
        if (a.length < 2 || b.length < 2) {
            return Double.NaN;
        }
        WelchTest t = WelchTest.welch(Stats.mean(a, a.length), Stats.spread(a, a.length).stdev(), a.length,
                Stats.mean(b, b.length), Stats.spread(b, b.length).stdev(), b.length);
        return t.p();
    }
}
