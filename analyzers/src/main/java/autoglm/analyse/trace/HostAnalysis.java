package autoglm.analyse.trace;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Intervals;
import autoglm.analyse.Metric;
import autoglm.analyse.Metrics;
import autoglm.analyse.Stats;
import autoglm.analyse.Unit;
import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.SpanTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the host does while the GPU waits: the share of each iteration spent in
 * {@code enumerate(DataLoader)...} annotations (the PyTorch profiler's view of the input pipeline),
 * and the long GPU gaps that end only because the host finally launched the next work, with the
 * top-level CPU ops that ran meanwhile. Time in those gaps is host-blocked only when the host was
 * not inside an op that itself launches GPU work (that is launch overhead, counted by launch-bound)
 * and not inside the DataLoader (counted by dataloader-stall), so no time is counted twice.
 */
final class HostAnalysis {
    static final String DATALOADER_PREFIX = "enumerate(DataLoader)";
    /** Pseudo op id for gap time with no profiled op running (Python, GC, other host work). */
    private static final int NO_OP = Integer.MIN_VALUE;

    private HostAnalysis() {
    }

    static void run(Context c, Metrics.Builder out) {
        Intervals dataLoader = dataLoaderUnion(c);
        dataLoader(c, dataLoader, out);
        hostGaps(c, dataLoader, out);
    }

    private static Intervals dataLoaderUnion(Context c) {
        SpanTable ann = c.model.annotations();
        long[] s = new long[ann.size()];
        long[] e = new long[ann.size()];
        int n = 0;
        for (int i = 0; i < ann.size(); i++) {
            String name = c.name(ann.name(i));
            if (name != null && name.startsWith(DATALOADER_PREFIX)) {
                s[n] = ann.start(i);
                e[n++] = ann.end(i);
            }
        }
        return Intervals.union(s, e, n);
    }

    private static void dataLoader(Context c, Intervals dl, Metrics.Builder out) {
        if (dl.size() == 0) {
            out.absentAll("no enumerate(DataLoader) annotations: the input pipeline is not visible in this trace",
                    "dataloader_pct", "dataloader_ms_per_step");
            return;
        }
        Window w = c.window;
        int iters = Math.max(1, w.iterations());
        double[] share = new double[iters];
        double[] ms = new double[iters];
        long covered = 0;
        long total = 0;
        for (int i = 0; i < iters; i++) {
            long s = w.iterationStart(i);
            long e = w.iterationEnd(i);
            long cov = dl.coveredWithin(s, e);
            covered += cov;
            total += e - s;
            share[i] = e > s ? 100.0 * cov / (e - s) : 0;
            ms[i] = cov / 1e6;
        }
        if (w.iterations() > 0) {
            out.put("dataloader_pct", TemporalAnalysis.pct(covered, total), iters, Stats.spread(share, iters));
            out.put("dataloader_ms_per_step", Stats.mean(ms, iters), iters, Stats.spread(ms, iters));
        } else {
            out.put("dataloader_pct", TemporalAnalysis.pct(covered, total), dl.size());
            out.absent("dataloader_ms_per_step", "no iterations in the trace");
        }
    }

    private static void hostGaps(Context c, Intervals dl, Metrics.Builder out) {
        if (!c.hasGpu()) {
            return;
        }
        GpuActivities gpu = c.model.gpu();
        ApiCalls api = c.model.api();
        long longGap = (long) (c.settings.get(AnalysisSettings.LONG_GAP_MS) * 1e6);
        Map<Long, int[]> topOps = new HashMap<>();
        Map<Integer, Long> opTime = new HashMap<>();
        long blocked = 0;
        long uncovered = 0;
        long gaps = 0;
        Intervals busy = c.busy;
        for (int j = 1; j < busy.size(); j++) {
            long g0 = busy.end(j - 1);
            long g1 = busy.start(j);
            if (g1 - g0 <= longGap) {
                continue;
            }
            int row = c.rows[busy.firstSource(j)];
            int l = gpu.launch(row);
            if (l < 0) {
                continue;
            }
            long launchAt = api.start(l);
            if (launchAt <= g0) {
                continue;
            }
            long b = Math.min(launchAt, g1);
            int[] tops = topOps.computeIfAbsent(api.tid(l), t -> topLevel(c.model.cpuOps(), t));
            long[] covered = accumulateOps(c.model.cpuOps(), api, tops, api.tid(l), g0, b, opTime);
            long part = (b - g0) - dl.coveredWithin(g0, b) - covered[0];
            if (part <= 0) {
                continue;
            }
            gaps++;
            blocked += part;
            uncovered += Math.max(0, part - covered[1]);
        }
        if (uncovered > 0) {
            opTime.put(NO_OP, uncovered);
        }
        out.put("host_blocked_pct", TemporalAnalysis.pct(blocked, c.spanNs()), gaps);
        out.put("host_blocked_ms", blocked / 1e6, gaps);
        out.items("host_blocked_ops", describeOps(c, opTime), gaps);
    }

    /** Rows of depth-0 ops of one thread, in start order. */
    private static int[] topLevel(SpanTable ops, long thread) {
        List<Integer> rows = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.thread(i) == thread && ops.depth(i) == 0) {
                rows.add(i);
            }
        }
        return rows.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * Adds the overlap of [from, to) with the thread's top-level ops that launch no GPU work to
     * {@code opTime}; returns {overlap with ops that do launch (their host time is launch overhead, not
     * blocking work), overlap with ops that do not}.
     */
    private static long[] accumulateOps(SpanTable ops, ApiCalls api, int[] tops, long thread, long from, long to,
            Map<Integer, Long> opTime) {
        int lo = 0;
        int hi = tops.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ops.end(tops[mid]) <= from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        long launching = 0;
        long other = 0;
        for (int k = lo; k < tops.length && ops.start(tops[k]) < to; k++) {
            int r = tops[k];
            long ov = Math.min(ops.end(r), to) - Math.max(ops.start(r), from);
            if (ov <= 0) {
                continue;
            }
            if (launches(api, thread, ops.start(r), ops.end(r))) {
                launching += ov;
            } else {
                other += ov;
                opTime.merge(ops.name(r), ov, Long::sum);
            }
        }
        return new long[] {launching, other};
    }

    /** Whether a call on the thread within [from, to) put work on the GPU. */
    private static boolean launches(ApiCalls api, long thread, long from, long to) {
        int lo = 0;
        int hi = api.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (api.start(mid) < from) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < api.size() && api.start(i) < to; i++) {
            if (api.tid(i) == thread && api.gpuCount(i) > 0) {
                return true;
            }
        }
        return false;
    }

    private static List<Metric.Item> describeOps(Context c, Map<Integer, Long> opTime) {
        List<Metric.Item> out = new ArrayList<>();
        if (opTime.isEmpty()) {
            return out;
        }
        long total = 0;
        for (long v : opTime.values()) {
            total += v;
        }
        List<Map.Entry<Integer, Long>> list = new ArrayList<>(opTime.entrySet());
        list.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        for (int i = 0; i < Math.min(3, list.size()); i++) {
            double pct = 100.0 * list.get(i).getValue() / total;
            if (i > 0 && pct < 0.5) {
                break;
            }
            int id = list.get(i).getKey();
            out.add(new Metric.Item(id == NO_OP ? "no profiled op (Python or other host work)" : c.name(id), pct,
                    Unit.PERCENT));
        }
        return out;
    }
}
