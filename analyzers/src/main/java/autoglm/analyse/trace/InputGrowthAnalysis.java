package autoglm.analyse.trace;

import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Fits;
import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.model.trace.ShapePool;
import autoglm.model.trace.SpanTable;
import java.util.List;

/**
 * Does each iteration feed the whole sequence again? The first top-level CPU op of each iteration
 * (the embedding lookup of a language model) has its input sizes recorded when the profiler ran with
 * record_shapes; the longest run of iterations over which one of those sizes grows by exactly one per
 * iteration is the structural sign of decoding without a KV cache. Without recorded shapes, a linear
 * growth of GPU time per iteration (a slope significant at {@code fit_alpha}, R^2 of at least
 * {@code min_growth_r2}) stands in for it; a slope that is not significant decides nothing (docs/analyses.md#fits).
 */
final class InputGrowthAnalysis {
    private InputGrowthAnalysis() {
    }

    static void run(Context c, Metrics.Builder out) {
        Window w = c.window;
        int n = w.iterations();
        List<String> names = MetricFamily.TRACE_INPUT_GROWTH.names();
        if (n < 2) {
            out.absentAll("needs at least two iterations to see the input grow", names);
            return;
        }
        SpanTable ops = c.model.cpuOps();
        ShapePool shapes = c.model.shapes();
        int[][][] dims = new int[n][][];
        int[] opName = new int[n];
        boolean anyShape = false;
        int firstOp = -1;
        for (int i = 0; i < n; i++) {
            int row = firstTopLevelOp(ops, w.iterationThread(i), w.iterationStart(i), w.iterationEnd(i));
            if (row >= 0 && ops.shape(row) != ShapePool.NONE) {
                dims[i] = shapes.dims(ops.shape(row));
                opName[i] = ops.name(row);
                if (!anyShape) {
                    firstOp = opName[i];
                }
                anyShape = true;
            }
        }
        if (!anyShape) {
            fromGpuTime(c, out, names);
            return;
        }
        int best = 0;
        int bestEnd = -1;
        int bestInput = -1;
        int bestDim = -1;
        int[][] run = null;
        for (int i = 1; i < n; i++) {
            int[][] a = dims[i - 1];
            int[][] b = dims[i];
            if (a == null || b == null || !sameStructure(a, b) || opName[i] != opName[i - 1]) {
                run = null;
                continue;
            }
            if (run == null) {
                run = new int[b.length][];
                for (int k = 0; k < b.length; k++) {
                    run[k] = new int[b[k].length];
                }
            }
            for (int k = 0; k < b.length; k++) {
                for (int d = 0; d < b[k].length; d++) {
                    run[k][d] = b[k][d] - a[k][d] == 1 ? run[k][d] + 1 : 0;
                    if (run[k][d] > best) {
                        best = run[k][d];
                        bestEnd = i;
                        bestInput = k;
                        bestDim = d;
                    }
                }
            }
        }
        if (best == 0) {
            out.put("input_growth_steps", 0, n);
            out.absentAll("the input does not grow from one iteration to the next", "input_len_first",
                    "input_len_last");
            out.text("input_growth_basis", "Input Dims of the first op of each iteration (" + c.name(firstOp)
                    + ")", n);
            out.absentAll(SHAPES_READ, "input_growth_slope_us", "input_growth_r2", "input_growth_p");
            return;
        }
        int startIter = bestEnd - best;
        out.put("input_growth_steps", best + 1, n);
        out.put("input_len_first", dims[startIter][bestInput][bestDim], 1);
        out.put("input_len_last", dims[bestEnd][bestInput][bestDim], 1);
        out.absentAll(SHAPES_READ, "input_growth_slope_us", "input_growth_r2", "input_growth_p");
        out.text("input_growth_basis", "Input Dims of " + c.name(opName[bestEnd]) + ", input " + (bestInput + 1)
                + ", dimension " + (bestDim + 1) + ", iterations " + (startIter + 1) + " to " + (bestEnd + 1), best + 1);
    }

    /** Why the GPU-time fit is not applicable: the input lengths were read from the shapes instead. */
    private static final String SHAPES_READ = "the input length was read from Input Dims (record_shapes=True)";

    private static void fromGpuTime(Context c, Metrics.Builder out, List<String> names) {
        int n = c.window.iterations();
        if (n < 4 || !c.hasGpu()) {
            out.absentAll("shapes were not recorded (record_shapes=False) and fewer than 4 iterations have GPU work",
                    names);
            return;
        }
        double[] busy = new double[n];
        for (int i = 0; i < n; i++) {
            long w0 = c.iterGpuStart[i];
            long w1 = c.iterGpuEnd[i];
            busy[i] = w0 == Long.MIN_VALUE ? 0 : c.busy.coveredWithin(w0, w1) / 1e3;
        }
        double[] index = new double[n];
        for (int i = 0; i < n; i++) {
            index[i] = i;
        }
        double alpha = c.settings.get(AnalysisSettings.FIT_ALPHA);
        Fits.Judged j = Fits.judge(index, busy, 1, Double.NaN, false, alpha);
        out.absentAll("shapes were not recorded (record_shapes=False)", "input_len_first", "input_len_last");
        out.text("input_growth_basis", "GPU time per iteration (shapes not recorded)", n);
        if (j.fit() == null) {
            // n >= 4 and the index takes n values: only a singular design (it cannot happen) lands here
            out.absentAll("the line of GPU time over iterations could not be fitted", "input_growth_steps",
                    "input_growth_slope_us", "input_growth_r2", "input_growth_p");
            return;
        }
        out.put("input_growth_slope_us", j.coef(), n);
        out.put("input_growth_r2", j.fit().r2(), n);
        out.put("input_growth_p", j.p(), n);
        if (!j.applicable()) {
            out.absent("input_growth_steps", "shapes were not recorded (record_shapes=True gives the input lengths) and "
                    + "GPU time per iteration shows no significant trend (slope "
                    + Quantities.format(j.coef(), Unit.MICROSECONDS) + " per iteration, " + j.test() + " >= "
                    + Quantities.setting(alpha, Unit.COUNT) + ": analysis." + AnalysisSettings.FIT_ALPHA.name() + ")");
            return;
        }
        boolean grows = j.coef() > 0 && j.fit().r2() >= c.settings.get(AnalysisSettings.MIN_GROWTH_R2);
        out.put("input_growth_steps", grows ? n : 0, n);
    }

    private static boolean sameStructure(int[][] a, int[][] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int k = 0; k < a.length; k++) {
            if (a[k].length != b[k].length) {
                return false;
            }
        }
        return true;
    }

    /** First depth-0 op of the thread starting in [from, to), or -1 (ops are sorted by thread, start). */
    static int firstTopLevelOp(SpanTable ops, long thread, long from, long to) {
        int lo = 0;
        int hi = ops.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int cmp = ops.thread(mid) != thread ? Long.compare(ops.thread(mid), thread) : Long.compare(ops.start(mid), from);
            if (cmp < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        for (int i = lo; i < ops.size() && ops.thread(i) == thread && ops.start(i) < to; i++) {
            if (ops.depth(i) == 0) {
                return i;
            }
        }
        return -1;
    }
}
