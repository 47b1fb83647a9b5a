package autoglm.analyse.trace;

import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.Names;
import autoglm.model.trace.SpanTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which CPU op launched which GPU work (HTA's kernel-to-op attribution, docs/analyses.md#ops): each kernel, copy and
 * memset of the window on the analysed device goes to the innermost CPU op on its launch call's thread whose span
 * holds the call's start; per op name, the activities, their GPU time and the time of the launch calls that made them
 * (each call once). This is the op to change in the model: the GPU time it costs, and its launch overhead.
 */
final class OpAttribution {
    static final String OUTSIDE = "(launched outside any CPU op)";

    private OpAttribution() {
    }

    static List<Breakdown.OpStat> run(Context c) {
        GpuActivities gpu = c.model.gpu();
        ApiCalls api = c.model.api();
        SpanTable ops = c.model.cpuOps();
        Names names = c.model.names();
        Map<Long, int[]> threadRange = ranges(ops);
        Map<String, double[]> byOp = new HashMap<>(); // count, gpu ns, launch ns
        Set<Integer> callsCounted = new HashSet<>();
        double total = 0;
        for (int r = 0; r < gpu.size(); r++) {
            if (!c.window.contains(r) || gpu.device(r) != c.window.device()) {
                continue;
            }
            int call = gpu.launch(r);
            String op = call < 0 ? "(no launch call in the trace)" : innermost(ops, names, threadRange, api.tid(call),
                    api.start(call));
            double[] acc = byOp.computeIfAbsent(op, k -> new double[3]);
            acc[0]++;
            acc[1] += gpu.dur(r);
            total += gpu.dur(r);
            if (call >= 0 && callsCounted.add(call)) {
                acc[2] += api.dur(call);
            }
        }
        List<Breakdown.OpStat> out = new ArrayList<>();
        for (Map.Entry<String, double[]> e : byOp.entrySet()) {
            double[] a = e.getValue();
            out.add(new Breakdown.OpStat(e.getKey(), (long) a[0], a[1] / 1e6, a[2] / 1e6,
                    total == 0 ? 0 : 100 * a[1] / total));
        }
        out.sort((x, y) -> x.gpuMs() != y.gpuMs() ? Double.compare(y.gpuMs(), x.gpuMs()) : x.op().compareTo(y.op()));
        return List.copyOf(out);
    }

    /** Each thread's rows in the table, which is ordered by thread (then start, longest first): one run each. */
    private static Map<Long, int[]> ranges(SpanTable ops) {
        Map<Long, int[]> out = new HashMap<>();
        int from = 0;
        for (int i = 1; i <= ops.size(); i++) {
            if (i == ops.size() || ops.thread(i) != ops.thread(from)) {
                out.put(ops.thread(from), new int[] {from, i});
                from = i;
            }
        }
        return out;
    }

    /** The op that started last before t and still runs at t on the thread (the innermost), or {@link #OUTSIDE}. */
    private static String innermost(SpanTable ops, Names names, Map<Long, int[]> threads, long tid, long t) {
        int[] range = threads.get(tid);
        if (range == null) {
            return OUTSIDE;
        }
        int lo = range[0];
        int hi = range[1] - 1;
        int last = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (ops.start(mid) <= t) {
                last = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        for (int i = last; i >= range[0] && i >= 0; i--) {
            if (ops.start(i) <= t && t < ops.end(i)) {
                return names.get(ops.name(i));
            }
            if (ops.depth(i) == 0 && ops.end(i) <= t) {
                break; // a finished top-level op: nothing before it holds t
            }
        }
        return OUTSIDE;
    }
}
