package autoglm.analyse.trace;

import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.GpuActivities;
import java.util.Arrays;

/**
 * The launch queue of one stream (HTA's queue length, docs/analyses.md#queue): +1 when a launch call starts, -1 when
 * the activity it launched starts on the GPU, over the window's activities on the analysed device that have their
 * launch call; at the same instant the launch counts first. The result is a step function: {@code times} (ns) and the
 * length from each time on ({@code lengths}); its time-weighted mean and its maximum from the first change to the
 * last, and the time at or above HTA's full queue of {@value #FULL} launches, when the launching thread blocks.
 */
public record LaunchQueue(int device, int stream, long[] times, int[] lengths, double mean, int max, long fullNs) {
    /** CUDA's launch queue per stream, as HTA takes it (CUDA_MAX_LAUNCH_QUEUE_PER_STREAM). */
    public static final int FULL = 1024;

    /** The queue of one stream of the trace; null when none of its window's activities has a launch call. */
    public static LaunchQueue of(TraceAnalysis a, GpuActivities.StreamRange sr) {
        return of(a.model(), a.window(), sr);
    }

    static LaunchQueue of(autoglm.model.trace.TraceModel m, Window w, GpuActivities.StreamRange sr) {
        GpuActivities gpu = m.gpu();
        ApiCalls api = m.api();
        long[] ev = new long[2 * sr.count()];
        int n = 0;
        for (int r = sr.from(); r < sr.to(); r++) {
            int l = gpu.launch(r);
            if (!w.contains(r) || l < 0) {
                continue;
            }
            // time in the high bits, the step in the lowest: +1 (code 0) sorts before -1 (code 1) at one instant
            ev[n++] = api.start(l) << 1;
            ev[n++] = (gpu.start(r) << 1) | 1;
        }
        if (n == 0) {
            return null;
        }
        Arrays.sort(ev, 0, n);
        long[] times = new long[n];
        int[] lengths = new int[n];
        int len = 0;
        int max = 0;
        double area = 0;
        long full = 0;
        for (int i = 0; i < n; i++) {
            long t = ev[i] >> 1;
            if (i > 0) {
                long dt = t - times[i - 1];
                area += (double) dt * lengths[i - 1];
                if (lengths[i - 1] >= FULL) {
                    full += dt;
                }
            }
            len += (ev[i] & 1) == 0 ? 1 : -1;
            max = Math.max(max, len);
            times[i] = t;
            lengths[i] = len;
        }
        long span = times[n - 1] - times[0];
        return new LaunchQueue(sr.device(), sr.stream(), times, lengths, span > 0 ? area / span : len, max, full);
    }
}
