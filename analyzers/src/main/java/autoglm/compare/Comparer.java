package autoglm.compare;

import autoglm.analyse.trace.Breakdown;
import autoglm.analyse.Metric;
import autoglm.analyse.WelchTest;
import autoglm.result.ResultSummary;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Diffs two results: HTA's trace diff (counts and total durations per kernel name: added, removed, grown,
 * shrunk) and the metrics both have. A kernel grew or shrank when its time per iteration (or total)
 * moved by more than the tolerance, percent of A's.
 */
public final class Comparer {
    private Comparer() {
    }

    public static Comparison compare(ResultSummary a, ResultSummary b, double tolerancePct) {
        List<MetricChange> metrics = new ArrayList<>();
        for (Map.Entry<String, Metric> e : a.metrics().entrySet()) {
            Metric ma = e.getValue();
            Metric mb = b.metric(e.getKey());
            if (mb != null && ma.present() && mb.present() && !ma.isText() && !mb.isText()) {
                metrics.add(new MetricChange(e.getKey(), ma, mb, WelchTest.of(ma, mb)));
            }
        }
        String note = a.kernels().isEmpty() ? noteOf(a) : b.kernels().isEmpty() ? noteOf(b) : null;
        boolean per = a.iterations() > 0 && b.iterations() > 0;
        List<KernelChange> kernels = note == null ? diff(a.kernels(), b.kernels(), a, b, per, tolerancePct) : List.of();
        List<KernelChange> ops = a.ops().isEmpty() || b.ops().isEmpty() ? List.of()
                : diff(asStats(a.ops()), asStats(b.ops()), a, b, per, tolerancePct);
        return new Comparison(a, b, List.copyOf(metrics), kernels, per, tolerancePct, note, ops);
    }

    private static String noteOf(ResultSummary r) {
        return r.source() + ": " + (r.kernelsNote() != null ? r.kernelsNote() : "no kernels");
    }

    /** CPU ops as rows of the same diff: the op's name, "cpu op", its activities and the GPU time they took. */
    private static List<Breakdown.KernelStat> asStats(List<Breakdown.OpStat> ops) {
        List<Breakdown.KernelStat> out = new ArrayList<>();
        for (Breakdown.OpStat o : ops) {
            out.add(new Breakdown.KernelStat(o.op(), "cpu op", o.activities(), o.gpuMs(), Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, o.sharePct()));
        }
        return out;
    }

    private static List<KernelChange> diff(List<Breakdown.KernelStat> inA, List<Breakdown.KernelStat> inB,
            ResultSummary a, ResultSummary b, boolean per, double tol) {
        Map<String, Breakdown.KernelStat[]> byName = new LinkedHashMap<>();
        for (Breakdown.KernelStat k : inA) {
            byName.computeIfAbsent(k.name(), n -> new Breakdown.KernelStat[2])[0] = k;
        }
        for (Breakdown.KernelStat k : inB) {
            byName.computeIfAbsent(k.name(), n -> new Breakdown.KernelStat[2])[1] = k;
        }
        double ia = per ? a.iterations() : 1;
        double ib = per ? b.iterations() : 1;
        List<KernelChange> out = new ArrayList<>();
        for (Map.Entry<String, Breakdown.KernelStat[]> e : byName.entrySet()) {
            Breakdown.KernelStat ka = e.getValue()[0];
            Breakdown.KernelStat kb = e.getValue()[1];
            long ca = ka == null ? 0 : ka.count();
            long cb = kb == null ? 0 : kb.count();
            double ta = ka == null ? 0 : ka.totalMs();
            double tb = kb == null ? 0 : kb.totalMs();
            double pa = ta / ia;
            double pb = tb / ib;
            KernelChange.Status s;
            if (ka == null) {
                s = KernelChange.Status.ADDED;
            } else if (kb == null) {
                s = KernelChange.Status.REMOVED;
            } else if (pb > pa * (1 + tol / 100)) {
                s = KernelChange.Status.GREW;
            } else if (pb < pa * (1 - tol / 100)) {
                s = KernelChange.Status.SHRANK;
            } else {
                s = KernelChange.Status.SAME;
            }
            String family = ka != null ? ka.category() : kb.category();
            out.add(new KernelChange(e.getKey(), family, s, ca, cb, ta, tb, pa, pb, ca / ia, cb / ib));
        }
        out.sort(Comparator.comparingDouble((KernelChange k) -> -Math.abs(k.deltaMs())).thenComparing(KernelChange::name));
        return List.copyOf(out);
    }
}
