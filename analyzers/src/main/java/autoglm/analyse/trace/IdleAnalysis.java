package autoglm.analyse.trace;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metrics;
import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.GpuActivities;
import java.util.ArrayList;
import java.util.List;

/**
 * HTA's idle-time breakdown, per stream of the busiest device, summed over its streams. For each gap
 * between consecutive activities on a stream: host wait when the next activity's launch call started
 * after the previous activity had ended (the CPU had not enqueued it in time); kernel wait when the gap
 * is shorter than {@code consecutive_kernel_delay_ns}; other otherwise. Each stream's split is kept for
 * the breakdown, as HTA reports it per stream, with the distribution of its gaps (median, p99, longest).
 */
final class IdleAnalysis {
    private IdleAnalysis() {
    }

    static List<Breakdown.StreamStat> run(Context c, Metrics.Builder out) {
        List<Breakdown.StreamStat> streams = new ArrayList<>();
        GpuActivities gpu = c.model.gpu();
        ApiCalls api = c.model.api();
        long kernelWaitMax = (long) c.settings.get(AnalysisSettings.CONSECUTIVE_KERNEL_DELAY_NS);
        long host = 0;
        long kernel = 0;
        long other = 0;
        long gaps = 0;
        for (GpuActivities.StreamRange sr : gpu.streams()) {
            if (sr.device() != c.window.device()) {
                continue;
            }
            long prevEnd = Long.MIN_VALUE;
            long[] s = new long[3];
            long sGaps = 0;
            long activities = 0;
            double[] lengths = new double[64];
            for (int r = sr.from(); r < sr.to(); r++) {
                if (!c.window.contains(r)) {
                    continue;
                }
                activities++;
                if (prevEnd != Long.MIN_VALUE) {
                    long gap = gpu.start(r) - prevEnd;
                    if (gap > 0) {
                        if (sGaps == lengths.length) {
                            lengths = java.util.Arrays.copyOf(lengths, lengths.length * 2);
                        }
                        lengths[(int) sGaps] = gap / 1e3;
                        sGaps++;
                        int l = gpu.launch(r);
                        if (l >= 0 && api.start(l) > prevEnd) {
                            s[0] += gap;
                        } else if (gap < kernelWaitMax) {
                            s[1] += gap;
                        } else {
                            s[2] += gap;
                        }
                    }
                }
                prevEnd = gpu.end(r);
            }
            if (activities > 0) {
                Spread spread = sGaps == 0 ? null : Stats.spread(lengths, (int) sGaps);
                streams.add(new Breakdown.StreamStat(sr.device(), sr.stream(), activities, sGaps,
                        (s[0] + s[1] + s[2]) / 1e6, s[0] / 1e6, s[1] / 1e6, s[2] / 1e6,
                        spread == null ? Double.NaN : spread.p50(), spread == null ? Double.NaN : spread.p99(),
                        spread == null ? Double.NaN : spread.max()));
            }
            host += s[0];
            kernel += s[1];
            other += s[2];
            gaps += sGaps;
        }
        long total = host + kernel + other;
        if (total == 0) {
            out.absentAll("no idle gaps between GPU activities on any stream",
                    "idle_host_wait_pct", "idle_kernel_wait_pct", "idle_other_pct");
            return streams;
        }
        out.put("idle_host_wait_pct", TemporalAnalysis.pct(host, total), gaps);
        out.put("idle_kernel_wait_pct", TemporalAnalysis.pct(kernel, total), gaps);
        out.put("idle_other_pct", TemporalAnalysis.pct(other, total), gaps);
        return streams;
    }
}
