package autoglm.analyse.trace;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Intervals;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.TraceModel;
import java.util.HashMap;
import java.util.Map;

/**
 * What every analysis of one trace shares, computed once: the window, the window's GPU rows on the
 * busiest device (in the model's device/stream/start order), their busy-time union, and each
 * iteration's GPU window (from its first activity to the next iteration's first activity).
 */
final class Context {
    final TraceModel model;
    final Window window;
    final AnalysisSettings settings;
    final int[] rows;
    final Intervals busy;
    final long spanStart;
    final long spanEnd;
    /** Per iteration: start of its first GPU activity (Long.MIN_VALUE when it has none). */
    final long[] iterGpuStart;
    /** Per iteration: end of its GPU window. */
    final long[] iterGpuEnd;
    private final Map<Integer, KernelClass> classes = new HashMap<>();

    Context(TraceModel model, Window window, AnalysisSettings settings) {
        this.model = model;
        this.window = window;
        this.settings = settings;
        GpuActivities gpu = model.gpu();
        int n = 0;
        for (int r = 0; r < gpu.size(); r++) {
            if (window.contains(r) && gpu.device(r) == window.device()) {
                n++;
            }
        }
        rows = new int[n];
        long[] s = new long[n];
        long[] e = new long[n];
        int k = 0;
        for (int r = 0; r < gpu.size(); r++) {
            if (window.contains(r) && gpu.device(r) == window.device()) {
                rows[k] = r;
                s[k] = gpu.start(r);
                e[k] = gpu.end(r);
                k++;
            }
        }
        busy = Intervals.union(s, e, n);
        spanStart = n == 0 ? 0 : busy.start(0);
        spanEnd = n == 0 ? 0 : busy.end(busy.size() - 1);

        int iters = Math.max(1, window.iterations());
        iterGpuStart = new long[iters];
        iterGpuEnd = new long[iters];
        java.util.Arrays.fill(iterGpuStart, Long.MIN_VALUE);
        long[] lastEnd = new long[iters];
        java.util.Arrays.fill(lastEnd, Long.MIN_VALUE);
        for (int r : rows) {
            int it = window.iterationOf(r);
            if (iterGpuStart[it] == Long.MIN_VALUE || gpu.start(r) < iterGpuStart[it]) {
                iterGpuStart[it] = gpu.start(r);
            }
            lastEnd[it] = Math.max(lastEnd[it], gpu.end(r));
        }
        long next = Long.MIN_VALUE;
        for (int i = iters - 1; i >= 0; i--) {
            iterGpuEnd[i] = next != Long.MIN_VALUE ? next : Math.max(lastEnd[i], spanEnd);
            if (iterGpuStart[i] != Long.MIN_VALUE) {
                next = iterGpuStart[i];
            }
        }
    }

    boolean hasGpu() {
        return rows.length > 0;
    }

    long spanNs() {
        return spanEnd - spanStart;
    }

    /** Number of iterations for per-step figures, or 0 when there are none. */
    int steps() {
        return window.iterations();
    }

    String name(int id) {
        return model.names().get(id);
    }

    KernelClass classOf(int row) {
        GpuActivities gpu = model.gpu();
        byte kind = gpu.kind(row);
        if (kind == GpuActivities.MEMCPY) {
            return KernelClass.memcpy();
        }
        if (kind == GpuActivities.MEMSET) {
            return KernelClass.memset();
        }
        return kernelClass(gpu.name(row));
    }

    /**
     * Whether the row is a communication kernel (NCCL, or RCCL, which keeps NCCL's names): left out of the occupancy,
     * small-kernel and launch figures, its time is comm-bound's (docs/analyses.md#communication).
     */
    boolean communication(int row) {
        return classOf(row).type() == KernelClass.Type.COMMUNICATION;
    }

    /** The class of a kernel name, classified once per interned name. */
    KernelClass kernelClass(int nameId) {
        return classes.computeIfAbsent(nameId, id -> KernelClass.ofKernel(model.names().get(id)));
    }
}
