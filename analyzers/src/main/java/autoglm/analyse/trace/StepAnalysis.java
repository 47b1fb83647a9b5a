package autoglm.analyse.trace;


import autoglm.analyse.Metrics;
import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
/** Trace span, iteration count, iteration times and their trend against the iteration index. */
final class StepAnalysis {
    private StepAnalysis() {
    }

    static void run(Context c, Metrics.Builder out) {
        out.put("trace_span_ms", (c.model.lastEnd() - c.model.firstTs()) / 1e6, c.model.source().events());
        Window w = c.window;
        int n = w.iterations();
        out.put("steps", n, n);
        if (n == 0) {
            out.absentAll("no iterations in the trace (no ProfilerStep#N annotations, no aten::embedding calls)",
                    "step_time_ms", "step_trend_pct", "step_trend_r2");
            return;
        }
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            ms[i] = (w.iterationEnd(i) - w.iterationStart(i)) / 1e6;
        }
        Spread sp = Stats.spread(ms, n);
        double mean = Stats.mean(ms, n);
        out.put("step_time_ms", mean, n, sp);
        if (n < 3) {
            out.absentAll("needs at least three iterations for a trend", "step_trend_pct", "step_trend_r2");
            return;
        }
        double[] fit = Stats.linearFit(ms, n);
        out.put("step_trend_pct", 100.0 * fit[1] / mean, n);
        out.put("step_trend_r2", fit[2], n);
    }
}
