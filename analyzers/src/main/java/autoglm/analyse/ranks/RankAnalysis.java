package autoglm.analyse.ranks;

import autoglm.analyse.Metric;
import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.analyse.Stats;
import autoglm.analyse.trace.TraceAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ranks of one job compared (docs/analyses.md#ranks): steps aligned across ranks (by ProfilerStep number, else by
 * order), a per-rank table, each rank's collective wait (for each collective matched across ranks by its order in
 * the step, the time a rank spends in its NCCL kernel before the last rank's kernel starts), and the straggler: the
 * rank whose computation per step is longest against the median of the others, with the job's gain if it matched
 * them. Clocks are taken as synchronised across hosts (as HTA takes them).
 */
public final class RankAnalysis {
    /** Why the cross-rank metrics are absent on one input. */
    public static final String ONE_RANK = MetricFamily.RANKS.whenAbsent();

    private RankAnalysis() {
    }

    public static Set<String> metricNames() {
        return MetricFamily.names(MetricFamily.RANKS);
    }

    /** The table and the metrics the rules read. */
    public record Result(RankTable table, Metrics metrics) {
    }

    /**
     * The ranks compared from each one's steps ({@link RankSteps#of}, taken while its events were in memory), in the
     * inputs' order, labelled: the inputs' models may be without their events
     * ({@link autoglm.model.trace.TraceModel#withoutEvents}).
     */
    public static Result ofSteps(List<TraceAnalysis> inputs, List<RankSteps> ranks) {
        String alignment;
        List<int[]> aligned = new ArrayList<>(); // per aligned step: each rank's step index
        if (ranks.stream().allMatch(RankSteps::numbered)) {
            alignment = "ProfilerStep numbers";
            TreeSet<Long> common = new TreeSet<>();
            for (long n : ranks.get(0).number()) {
                common.add(n);
            }
            for (RankSteps r : ranks) {
                TreeSet<Long> mine = new TreeSet<>();
                for (long n : r.number()) {
                    mine.add(n);
                }
                common.retainAll(mine);
            }
            for (long n : common) {
                aligned.add(ranks.stream().mapToInt(r -> r.indexOf(n)).toArray());
            }
        } else {
            boolean whole = inputs.stream().anyMatch(a -> a.window().iterations() == 0);
            alignment = whole ? "the whole trace" : "step order";
            int n = ranks.stream().mapToInt(RankSteps::steps).min().orElse(0);
            for (int k = 0; k < n; k++) {
                final int step = k;
                aligned.add(ranks.stream().mapToInt(r -> step).toArray());
            }
        }
        double[] wait = new double[ranks.size()];
        long matched = 0;
        for (int[] idx : aligned) {
            int count = Integer.MAX_VALUE;
            for (int r = 0; r < ranks.size(); r++) {
                count = Math.min(count, ranks.get(r).collectives().get(idx[r]).length);
            }
            for (int j = 0; j < count; j++) {
                long last = Long.MIN_VALUE;
                for (int r = 0; r < ranks.size(); r++) {
                    last = Math.max(last, ranks.get(r).collectives().get(idx[r])[j][0]);
                }
                for (int r = 0; r < ranks.size(); r++) {
                    long[] c = ranks.get(r).collectives().get(idx[r])[j];
                    wait[r] += Math.max(0, Math.min(last, c[1]) - c[0]);
                }
                matched++;
            }
        }
        int steps = aligned.size();
        List<RankRow> rows = new ArrayList<>();
        for (int r = 0; r < ranks.size(); r++) {
            RankSteps rs = ranks.get(r);
            double step = 0;
            double compute = 0;
            double comm = 0;
            for (int[] idx : aligned) {
                step += rs.stepNs()[idx[r]];
                compute += rs.computeNs()[idx[r]];
                comm += rs.commNs()[idx[r]];
            }
            Metrics m = inputs.get(r).metrics();
            rows.add(new RankRow(rs.label(), rs.rank(), steps, perStep(step, steps), value(m, "gpu_busy_pct"),
                    value(m, "idle_host_wait_pct"), value(m, "idle_kernel_wait_pct"), value(m, "idle_other_pct"),
                    value(m, "comm_time_pct"), value(m, "comm_overlap_pct"), perStep(compute, steps),
                    perStep(comm, steps), matched == 0 ? Double.NaN : perStep(wait[r], steps)));
        }
        boolean pipeline = ranks.stream().allMatch(r -> r.collectiveKernels() > 0
                && r.pointToPoint() == r.collectiveKernels());
        return metrics(rows, alignment, steps, matched, pipeline);
    }

    /** Why the straggler is not sought among pipeline stages. */
    static final String PIPELINE = "the ranks exchange only point-to-point NCCL kernels (send/receive): pipeline "
            + "stages, whose work differs by design";

    private static Result metrics(List<RankRow> rows, String alignment, int steps, long matched, boolean pipeline) {
        Metrics.Builder b = new Metrics.Builder();
        b.put("rank_count", rows.size(), rows.size());
        String slowest = null;
        if (steps == 0) {
            b.absentAll("the ranks share no step (" + alignment + ")", "rank_compute_ms", "straggler_ratio",
                    "straggler_rank", "straggler_gain_pct", "collective_wait_pct");
            return new Result(new RankTable(List.copyOf(rows), alignment, steps, matched, null), b.build());
        }
        double[] compute = rows.stream().mapToDouble(RankRow::computeMsPerStep).toArray();
        b.put("rank_compute_ms", Stats.median(compute.clone(), compute.length), rows.size(),
                Stats.spread(compute.clone(), compute.length));
        int worst = 0;
        for (int r = 1; r < rows.size(); r++) {
            if (compute[r] > compute[worst]) {
                worst = r;
            }
        }
        double[] others = new double[rows.size() - 1];
        for (int r = 0, k = 0; r < rows.size(); r++) {
            if (r != worst) {
                others[k++] = compute[r];
            }
        }
        double median = Stats.median(others, others.length);
        RankRow w = rows.get(worst);
        slowest = w.label();
        if (pipeline) {
            b.absentAll(PIPELINE, "straggler_ratio", "straggler_rank", "straggler_gain_pct");
        } else if (median > 0) {
            b.put("straggler_ratio", compute[worst] / median, steps);
            b.text("straggler_rank", w.label(), 1);
            b.put("straggler_gain_pct", w.stepMs() > 0 ? 100 * (compute[worst] - median) / w.stepMs() : Double.NaN,
                    steps);
        } else {
            b.absentAll("the other ranks ran no computation kernels in the aligned steps", "straggler_ratio",
                    "straggler_rank", "straggler_gain_pct");
        }
        if (matched == 0) {
            b.absent("collective_wait_pct", "no NCCL kernel matched across the ranks' aligned steps");
        } else {
            double sum = 0;
            int n = 0;
            for (int r = 0; r < rows.size(); r++) {
                if (r != worst && rows.get(r).stepMs() > 0) {
                    sum += 100 * rows.get(r).collectiveWaitMsPerStep() / rows.get(r).stepMs();
                    n++;
                }
            }
            b.put("collective_wait_pct", n == 0 ? Double.NaN : sum / n, matched);
        }
        return new Result(new RankTable(List.copyOf(rows), alignment, steps, matched, slowest), b.build());
    }

    private static double perStep(double ns, int steps) {
        return steps == 0 ? Double.NaN : ns / steps / 1e6;
    }

    private static double value(Metrics m, String name) {
        Metric x = m.get(name);
        return x.present() && !x.isText() ? x.value() : Double.NaN;
    }
}
