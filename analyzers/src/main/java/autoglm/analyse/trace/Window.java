package autoglm.analyse.trace;

import autoglm.analyse.Stats;
import autoglm.model.trace.Names;
import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.SpanTable;
import autoglm.model.trace.TraceModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What the analyses look at: the iterations of the workload and the GPU activity that belongs to them.
 *
 * <p>Iterations are the {@code ProfilerStep#N} annotations when the trace has them (the last one is
 * dropped when it is incomplete, as HTA drops the last iteration); otherwise the forward passes, each
 * starting at a top-level {@code aten::embedding} call (a language model embeds its input first);
 * in a recording without CPU ops or annotations (CUPTI), the passes found from the kernel sequence
 * ({@link KernelPasses}); otherwise the whole trace. GPU activity belongs to the iteration in which its launch call started
 * (joined by correlation id), because the GPU runs behind the CPU; activity without a launch call
 * is placed by the GPU-side step annotation when there is one, and left out otherwise.
 */
public final class Window {
    /** Where the iterations come from. */
    public enum Basis {
        PROFILER_STEPS("ProfilerStep#N annotations"),
        FORWARD_PASSES("forward passes (top-level aten::embedding calls)"),
        KERNEL_PASSES("passes found in the kernel sequence (one launch of the same kernel per pass)"),
        WHOLE_TRACE("the whole trace (no ProfilerStep#N annotations, no aten::embedding calls)");

        private final String text;

        Basis(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }
    }

    private static final String STEP_PREFIX = "ProfilerStep#";

    private final Basis basis;
    private final long[] iterStart;
    private final long[] iterEnd;
    private final long[] iterThread;
    private final String[] iterName;
    private final String dropped;
    private final int[] iterationOfRow;
    private final int device;
    private final long rowsOutside;
    private final long rowsWithoutLaunch;
    private final String anchor;

    private Window(Basis basis, long[] s, long[] e, long[] t, String[] names, String dropped, int[] iterationOfRow,
            int device, long rowsOutside, long rowsWithoutLaunch, String anchor) {
        this.basis = basis;
        this.iterStart = s;
        this.iterEnd = e;
        this.iterThread = t;
        this.iterName = names;
        this.dropped = dropped;
        this.iterationOfRow = iterationOfRow;
        this.device = device;
        this.rowsOutside = rowsOutside;
        this.rowsWithoutLaunch = rowsWithoutLaunch;
        this.anchor = anchor;
    }

    public Basis basis() {
        return basis;
    }

    /** Number of iterations; 0 for {@link Basis#WHOLE_TRACE}. */
    public int iterations() {
        return basis == Basis.WHOLE_TRACE ? 0 : iterStart.length;
    }

    public long iterationStart(int i) {
        return iterStart[i];
    }

    public long iterationEnd(int i) {
        return iterEnd[i];
    }

    public long iterationThread(int i) {
        return iterThread[i];
    }

    public String iterationName(int i) {
        return iterName[i];
    }

    /** Why the last step was dropped, or null. */
    public String droppedStep() {
        return dropped;
    }

    /** The iteration a GPU row belongs to (0 for the whole trace), or -1 when it is outside the window. */
    public int iterationOf(int row) {
        return iterationOfRow[row];
    }

    public boolean contains(int row) {
        return iterationOfRow[row] >= 0;
    }

    /** The device with the most GPU time in the window, or -1 without GPU activity. */
    public int device() {
        return device;
    }

    /** For {@link Basis#KERNEL_PASSES}: the kernel that runs once per pass; null otherwise. */
    public String anchor() {
        return anchor;
    }

    /** GPU rows launched outside every kept iteration. */
    public long rowsOutside() {
        return rowsOutside;
    }

    /** GPU rows left out because their launch is not in the trace. */
    public long rowsWithoutLaunch() {
        return rowsWithoutLaunch;
    }

    public static Window of(TraceModel m) {
        Names names = m.names();
        List<long[]> steps = new ArrayList<>();
        List<String> stepNames = new ArrayList<>();
        SpanTable ann = m.annotations();
        for (int i = 0; i < ann.size(); i++) {
            String n = names.get(ann.name(i));
            if (n != null && n.startsWith(STEP_PREFIX)) {
                steps.add(new long[] {ann.start(i), ann.end(i), ann.thread(i)});
                stepNames.add(n);
            }
        }
        Integer[] order = new Integer[steps.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Long.compare(steps.get(a)[0], steps.get(b)[0]));
        List<long[]> sorted = new ArrayList<>();
        List<String> sortedNames = new ArrayList<>();
        for (Integer i : order) {
            sorted.add(steps.get(i));
            sortedNames.add(stepNames.get(i));
        }
        if (!sorted.isEmpty()) {
            String dropped = incompleteLast(m, sorted);
            if (dropped != null) {
                dropped = sortedNames.get(sorted.size() - 1) + " dropped: " + dropped;
                sorted.remove(sorted.size() - 1);
                sortedNames.remove(sortedNames.size() - 1);
            }
            if (!sorted.isEmpty()) {
                return build(m, Basis.PROFILER_STEPS, sorted, sortedNames, dropped);
            }
        }
        List<long[]> passes = forwardPasses(m);
        if (!passes.isEmpty()) {
            List<String> passNames = new ArrayList<>();
            for (int i = 0; i < passes.size(); i++) {
                passNames.add("forward pass " + (i + 1));
            }
            return build(m, Basis.FORWARD_PASSES, passes, passNames, null);
        }
        if (m.cpuOps().size() == 0 && m.annotations().size() == 0) {
            KernelPasses.Passes kp = KernelPasses.find(m);
            if (kp != null) {
                List<String> passNames = new ArrayList<>();
                for (int i = 0; i < kp.host().size(); i++) {
                    passNames.add("pass " + (i + 1));
                }
                return build(m, Basis.KERNEL_PASSES, kp.host(), passNames, null, kp.gpu(), kp.anchor());
            }
        }
        List<long[]> whole = List.of(new long[] {m.firstTs(), m.lastEnd(), -1});
        return build(m, Basis.WHOLE_TRACE, whole, List.of("whole trace"), null);
    }

    /** Why the last step is incomplete, or null when it is complete. */
    private static String incompleteLast(TraceModel m, List<long[]> steps) {
        long[] last = steps.get(steps.size() - 1);
        if (last[1] - last[0] <= 0) {
            return "its duration is zero (the profiler stopped inside it)";
        }
        ApiCalls api = m.api();
        int[] launches = new int[steps.size()];
        long missing = 0;
        for (int i = 0; i < api.size(); i++) {
            int s = locate(steps, api.start(i));
            if (s < 0 || !api.isLaunch(i)) {
                continue;
            }
            launches[s]++;
            if (s == steps.size() - 1 && api.gpuCount(i) == 0) {
                missing++;
            }
        }
        if (missing > 0) {
            return missing + " of its launches have no GPU activity in the trace";
        }
        if (steps.size() >= 3) {
            double[] others = new double[steps.size() - 1];
            for (int i = 0; i < others.length; i++) {
                others[i] = launches[i];
            }
            double median = Stats.median(others, others.length);
            if (launches[steps.size() - 1] < 0.5 * median) {
                return "it launched " + launches[steps.size() - 1] + " kernels against a median of "
                        + Math.round(median) + " in the others";
            }
        }
        return null;
    }

    private static int locate(List<long[]> iters, long t) {
        int lo = 0;
        int hi = iters.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (iters.get(mid)[0] <= t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found >= 0 && t < iters.get(found)[1]) {
            return found;
        }
        return -1;
    }

    private static List<long[]> forwardPasses(TraceModel m) {
        int embedding = m.names().find("aten::embedding");
        if (embedding == Names.NONE) {
            return List.of();
        }
        SpanTable ops = m.cpuOps();
        java.util.Map<Long, List<Long>> byThread = new java.util.LinkedHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            if (ops.name(i) == embedding && ops.depth(i) == 0) {
                byThread.computeIfAbsent(ops.thread(i), k -> new ArrayList<>()).add(ops.start(i));
            }
        }
        List<Long> starts = null;
        long thread = -1;
        for (java.util.Map.Entry<Long, List<Long>> e : byThread.entrySet()) {
            if (starts == null || e.getValue().size() > starts.size()) {
                starts = e.getValue();
                thread = e.getKey();
            }
        }
        List<long[]> passes = new ArrayList<>();
        if (starts == null) {
            return passes;
        }
        for (int i = 0; i < starts.size(); i++) {
            long end = i + 1 < starts.size() ? starts.get(i + 1) : m.lastEnd();
            passes.add(new long[] {starts.get(i), end, thread});
        }
        return passes;
    }

    private static Window build(TraceModel m, Basis basis, List<long[]> iters, List<String> names, String dropped) {
        return build(m, basis, iters, names, dropped,
                basis == Basis.PROFILER_STEPS ? gpuStepWindows(m, names) : null, null);
    }

    private static Window build(TraceModel m, Basis basis, List<long[]> iters, List<String> names, String dropped,
            long[][] gpuSteps, String anchor) {
        boolean gpuSorted = gpuSteps != null && sorted(gpuSteps);
        int n = iters.size();
        long[] s = new long[n];
        long[] e = new long[n];
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            s[i] = iters.get(i)[0];
            e[i] = iters.get(i)[1];
            t[i] = iters.get(i)[2];
        }
        GpuActivities gpu = m.gpu();
        ApiCalls api = m.api();
        int[] of = new int[gpu.size()];
        long outside = 0;
        long noLaunch = 0;
        for (int row = 0; row < gpu.size(); row++) {
            if (basis == Basis.WHOLE_TRACE) {
                of[row] = 0;
                continue;
            }
            int l = gpu.launch(row);
            int it;
            if (l >= 0) {
                it = locate(iters, api.start(l));
                if (it < 0) {
                    outside++;
                }
            } else {
                it = gpuSteps == null ? -1 : locateGpu(gpuSteps, gpuSorted, gpu.start(row));
                if (it < 0) {
                    noLaunch++;
                }
            }
            of[row] = it;
        }
        int device = busiestDevice(gpu, of);
        return new Window(basis, s, e, t, names.toArray(new String[0]), dropped, of, device, outside, noLaunch, anchor);
    }

    /** GPU-side ProfilerStep windows [start, end) matching the kept steps by name, or null. */
    private static long[][] gpuStepWindows(TraceModel m, List<String> stepNames) {
        SpanTable g = m.gpuAnnotations();
        long[][] w = new long[stepNames.size()][];
        boolean any = false;
        for (int i = 0; i < g.size(); i++) {
            int idx = stepNames.indexOf(m.names().get(g.name(i)));
            if (idx >= 0) {
                w[idx] = new long[] {g.start(i), g.end(i)};
                any = true;
            }
        }
        return any ? w : null;
    }

    private static boolean sorted(long[][] w) {
        for (int i = 0; i < w.length; i++) {
            if (w[i] == null || i > 0 && w[i][0] < w[i - 1][0]) {
                return false;
            }
        }
        return true;
    }

    private static int locateGpu(long[][] w, boolean sorted, long t) {
        int lo = 0;
        int hi = w.length - 1;
        if (sorted) {
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (w[mid][0] <= t) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found >= 0 && t < w[found][1] ? found : -1;
        }
        for (int i = 0; i < w.length; i++) {
            if (w[i] != null && t >= w[i][0] && t < w[i][1]) {
                return i;
            }
        }
        return -1;
    }

    private static int busiestDevice(GpuActivities gpu, int[] of) {
        java.util.Map<Integer, Long> time = new java.util.TreeMap<>();
        for (int row = 0; row < gpu.size(); row++) {
            if (of[row] >= 0) {
                time.merge(gpu.device(row), gpu.dur(row), Long::sum);
            }
        }
        int best = -1;
        long bestTime = -1;
        for (java.util.Map.Entry<Integer, Long> e : time.entrySet()) {
            if (e.getValue() > bestTime) {
                best = e.getKey();
                bestTime = e.getValue();
            }
        }
        return best;
    }
}
