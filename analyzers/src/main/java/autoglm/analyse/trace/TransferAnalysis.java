package autoglm.analyse.trace;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Intervals;
import autoglm.analyse.Metric;
import autoglm.analyse.Metrics;
import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
import autoglm.analyse.Unit;
import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.GpuActivities;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Memory copies (by kind, pageable against pinned, bandwidth) and the calls that block the host on
 * the GPU within each iteration: device/stream/event synchronisation, synchronous copies, and
 * asynchronous copies from or to pageable memory (the driver stages them, so they block too; Nsight
 * Systems' cuda_api_sync and cuda_memcpy_async rules look for the same calls).
 */
final class TransferAnalysis {
    /** Copies from this size on measure bandwidth rather than latency. */
    static final long LARGE_COPY_BYTES = 1 << 20;

    private TransferAnalysis() {
    }

    static boolean isSyncName(String n) {
        if (n == null) {
            return false;
        }
        if (n.endsWith("Synchronize") || n.endsWith("Synchronize_v2")) {
            return true;
        }
        boolean copy = n.startsWith("cudaMemcpy") || n.startsWith("cuMemcpy");
        return copy && !n.contains("Async");
    }

    static List<Breakdown.CopyStat> run(Context c, Metrics.Builder out) {
        GpuActivities gpu = c.model.gpu();
        ApiCalls api = c.model.api();
        Map<Integer, CopyKind> kinds = new HashMap<>();
        Map<String, long[]> groups = new LinkedHashMap<>();
        long copies = 0;
        long copyBytes = 0;
        long copyTime = 0;
        long pageable = 0;
        long pageableBytes = 0;
        long pageableTime = 0;
        long pinnedBytes = 0;
        long pinnedTime = 0;
        long memsets = 0;
        for (int r : c.rows) {
            byte kind = gpu.kind(r);
            if (kind == GpuActivities.MEMSET) {
                memsets++;
                groups.computeIfAbsent("Memset", k -> new long[3]);
                long[] g = groups.get("Memset");
                g[0]++;
                g[1] += Math.max(0, gpu.bytes(r));
                g[2] += gpu.dur(r);
                continue;
            }
            if (kind != GpuActivities.MEMCPY) {
                continue;
            }
            CopyKind ck = kinds.computeIfAbsent(gpu.name(r), id -> CopyKind.parse(c.name(id)));
            long b = Math.max(0, gpu.bytes(r));
            copies++;
            copyBytes += b;
            copyTime += gpu.dur(r);
            long[] g = groups.computeIfAbsent(ck.label(), k -> new long[3]);
            g[0]++;
            g[1] += b;
            g[2] += gpu.dur(r);
            if (ck.pageable()) {
                pageable++;
                pageableBytes += b;
                pageableTime += gpu.dur(r);
            } else if (ck.pinned() && ck.crossesHost() && b >= LARGE_COPY_BYTES) {
                pinnedBytes += b;
                pinnedTime += gpu.dur(r);
            }
        }
        out.put("memcpy_count", copies, copies);
        out.put("memcpy_ms", copyTime / 1e6, copies);
        out.put("memcpy_bytes", copyBytes, copies);
        out.put("memset_count", memsets, memsets);
        out.put("pageable_memcpy_count", pageable, pageable);
        out.put("pageable_memcpy_bytes", pageableBytes, pageable);
        out.put("pageable_memcpy_ms", pageableTime / 1e6, pageable);
        out.put("pageable_memcpy_pct", TemporalAnalysis.pct(pageableTime, c.spanNs()), pageable);
        if (pageable > 0) {
            out.put("pageable_memcpy_gbps", gbps(pageableBytes, pageableTime), pageable);
        } else {
            out.absent("pageable_memcpy_gbps", "no copies from or to pageable memory");
        }
        if (c.steps() > 0) {
            out.put("pageable_memcpy_per_step", (double) pageable / c.steps(), c.steps());
        } else {
            out.absent("pageable_memcpy_per_step", "no iterations in the trace");
        }
        if (pinnedTime > 0) {
            out.put("pinned_memcpy_gbps", gbps(pinnedBytes, pinnedTime), copies - pageable);
        } else {
            out.absent("pinned_memcpy_gbps", "no host copy of 1 MiB or more from or to pinned memory");
        }
        syncs(c, api, gpu, kinds, out);

        List<Breakdown.CopyStat> stats = new ArrayList<>();
        for (Map.Entry<String, long[]> e : groups.entrySet()) {
            long[] g = e.getValue();
            // a bandwidth only where the copies are large enough to measure one (a few bytes of memset say nothing)
            stats.add(new Breakdown.CopyStat(e.getKey(), g[0], g[1], g[2] / 1e6,
                    g[1] >= LARGE_COPY_BYTES ? gbps(g[1], g[2]) : Double.NaN));
        }
        stats.sort((a, b) -> Double.compare(b.totalMs(), a.totalMs()));
        return stats;
    }

    private static void syncs(Context c, ApiCalls api, GpuActivities gpu, Map<Integer, CopyKind> kinds,
            Metrics.Builder out) {
        int steps = c.steps();
        if (steps == 0) {
            out.absentAll("no iterations in the trace to count blocking calls per step", "host_syncs_per_step",
                    "host_sync_ms_per_step", "host_sync_bubble_pct", "sync_calls");
            return;
        }
        long bubbleCap = (long) (c.settings.get(AnalysisSettings.LONG_GAP_MS) * 1e6);
        long bubbles = 0;
        Window w = c.window;
        double[] count = new double[steps];
        double[] blocked = new double[steps];
        Map<Integer, Boolean> syncName = new HashMap<>();
        Map<String, Long> seen = new LinkedHashMap<>();
        int it = 0;
        for (int i = 0; i < api.size(); i++) {
            long t = api.start(i);
            while (it < steps && w.iterationEnd(it) <= t) {
                it++;
            }
            if (it == steps) {
                break;
            }
            if (t < w.iterationStart(it)) {
                continue;
            }
            String label = null;
            if (syncName.computeIfAbsent(api.name(i), id -> isSyncName(c.name(id)))) {
                label = c.name(api.name(i));
            } else if (api.gpuCount(i) > 0) {
                int g = api.firstGpu(i);
                if (gpu.kind(g) == GpuActivities.MEMCPY
                        && kinds.computeIfAbsent(gpu.name(g), id -> CopyKind.parse(c.name(id))).pageable()) {
                    label = c.name(api.name(i)) + " (pageable)";
                }
            }
            if (label != null) {
                count[it]++;
                blocked[it] += api.dur(i) / 1e6;
                seen.merge(label, 1L, Long::sum);
                bubbles += bubbleAfter(c.busy, api.end(i), bubbleCap);
            }
        }
        Spread cs = Stats.spread(count, steps);
        Spread bs = Stats.spread(blocked, steps);
        out.put("host_syncs_per_step", Stats.mean(count, steps), steps, cs);
        out.put("host_sync_ms_per_step", Stats.mean(blocked, steps), steps, bs);
        out.put("host_sync_bubble_pct", TemporalAnalysis.pct(bubbles, c.spanNs()), steps);
        List<Map.Entry<String, Long>> list = new ArrayList<>(seen.entrySet());
        list.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        List<Metric.Item> items = new ArrayList<>();
        for (Map.Entry<String, Long> e : list) {
            items.add(new Metric.Item(e.getKey(), e.getValue(), Unit.COUNT));
        }
        long total = 0;
        for (long v : seen.values()) {
            total += v;
        }
        out.items("sync_calls", items, total);
    }

    /**
     * GPU idle time from the moment a blocking call returns until the next GPU activity starts (the
     * drained pipeline), at most {@code cap}: longer gaps are the host's own work, counted elsewhere.
     */
    static long bubbleAfter(Intervals busy, long t, long cap) {
        int j = busy.firstEndingAfter(t);
        if (j >= busy.size() || busy.start(j) <= t) {
            return 0;
        }
        return Math.min(cap, busy.start(j) - t);
    }

    private static double gbps(long bytes, long ns) {
        return ns <= 0 ? Double.NaN : bytes / (double) ns;
    }
}
