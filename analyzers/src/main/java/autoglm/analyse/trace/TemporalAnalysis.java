package autoglm.analyse.trace;

import autoglm.analyse.Intervals;
import autoglm.analyse.Metrics;
import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
import autoglm.model.trace.GpuActivities;

/**
 * HTA's temporal breakdown on the busiest device: over the GPU span (first activity start to last
 * activity end in the window), the share busy with anything, busy with computation kernels, busy only
 * with memory/communication work, and idle. Per-iteration busy shares give the spread. Also the
 * communication share and its overlap with computation when NCCL kernels are present.
 */
final class TemporalAnalysis {
    private TemporalAnalysis() {
    }

    static void run(Context c, Metrics.Builder out) {
        GpuActivities gpu = c.model.gpu();
        long span = c.spanNs();
        long busy = c.busy.total();
        long idle = span - busy;
        int n = c.rows.length;
        long[] cs = new long[n];
        long[] ce = new long[n];
        long[] ms = new long[n];
        long[] me = new long[n];
        int nc = 0;
        int nm = 0;
        for (int r : c.rows) {
            KernelClass.Type t = c.classOf(r).type();
            if (t == KernelClass.Type.COMPUTATION) {
                cs[nc] = gpu.start(r);
                ce[nc++] = gpu.end(r);
            } else if (t == KernelClass.Type.COMMUNICATION) {
                ms[nm] = gpu.start(r);
                me[nm++] = gpu.end(r);
            }
        }
        Intervals compute = Intervals.union(cs, ce, nc);
        long computeTime = compute.total();
        long nonCompute = span - computeTime - idle;

        int iters = Math.max(1, c.steps());
        double[] perIter = new double[iters];
        int k = 0;
        for (int i = 0; i < iters; i++) {
            long w0 = c.iterGpuStart[i];
            long w1 = c.iterGpuEnd[i];
            if (w0 != Long.MIN_VALUE && w1 > w0) {
                perIter[k++] = 100.0 * c.busy.coveredWithin(w0, w1) / (w1 - w0);
            }
        }
        Spread spread = c.steps() > 0 ? Stats.spread(perIter, k) : Spread.NONE;
        long samples = c.steps() > 0 ? k : n;

        out.put("gpu_span_ms", span / 1e6, n);
        out.put("gpu_busy_pct", pct(busy, span), samples, spread);
        out.put("gpu_idle_pct", pct(idle, span), samples);
        out.put("gpu_compute_pct", pct(computeTime, span), samples);
        out.put("gpu_non_compute_pct", pct(nonCompute, span), samples);

        if (nm == 0) {
            out.absentAll("no NCCL kernels in the trace: nothing is communicated between GPUs",
                    "comm_time_pct", "comm_overlap_pct");
        } else {
            Intervals comm = Intervals.union(ms, me, nm);
            long commTime = comm.total();
            out.put("comm_time_pct", pct(commTime, busy), nm);
            out.put("comm_overlap_pct", pct(comm.overlap(compute), commTime), nm);
        }
    }

    static double pct(long part, long whole) {
        return whole <= 0 ? Double.NaN : 100.0 * part / whole;
    }
}
