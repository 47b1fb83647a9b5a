package autoglm.analyse.trace;

import autoglm.analyse.Metrics;
import autoglm.model.trace.GpuActivities;

/** The launch-queue metrics ({@link LaunchQueue}) over the streams of the analysed device. */
final class QueueAnalysis {
    private QueueAnalysis() {
    }

    static void run(Context c, Metrics.Builder out) {
        int max = 0;
        long full = 0;
        LaunchQueue busiest = null;
        int busiestCount = -1;
        long changes = 0;
        for (GpuActivities.StreamRange sr : c.model.gpu().streams()) {
            if (sr.device() != c.window.device()) {
                continue;
            }
            LaunchQueue q = LaunchQueue.of(c.model, c.window, sr);
            if (q == null) {
                continue;
            }
            max = Math.max(max, q.max());
            full += q.fullNs();
            changes += q.times().length;
            // the stream with the most launched activities in the window (two changes each)
            if (q.times().length > busiestCount) {
                busiestCount = q.times().length;
                busiest = q;
            }
        }
        if (busiest == null) {
            out.absentAll("no GPU activity of the window has its launch call in the trace", "launch_queue_max",
                    "launch_queue_mean", "launch_queue_full_ms");
            return;
        }
        out.put("launch_queue_max", max, changes);
        out.put("launch_queue_mean", busiest.mean(), busiest.times().length);
        out.put("launch_queue_full_ms", full / 1e6, changes);
    }
}
