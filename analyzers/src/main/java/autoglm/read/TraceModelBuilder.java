package autoglm.read;

import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.NamePool;
import autoglm.model.trace.Names;
import autoglm.model.trace.ShapePool;
import autoglm.model.trace.SpanTable;
import autoglm.model.trace.TraceModel;
import autoglm.model.trace.TraceSource;

import autoglm.model.trace.NamePool;
import autoglm.model.trace.Names;
import autoglm.model.trace.ShapePool;
import autoglm.model.trace.EventKind;
import autoglm.model.trace.ReadCounts;
import autoglm.read.trace.TraceEvent;
import autoglm.model.trace.TraceHeader;
import java.util.LinkedHashMap;
import java.util.Map;

/** Consumes the reader's events one at a time and freezes them into a {@link TraceModel}. */
public final class TraceModelBuilder {
    private final NamePool names;
    private final ShapePool shapes;
    private final GpuActivities.Builder gpu = new GpuActivities.Builder();
    private final ApiCalls.Builder api = new ApiCalls.Builder();
    private final SpanTable.Builder cpuOps = new SpanTable.Builder();
    private final SpanTable.Builder annotations = new SpanTable.Builder();
    private final SpanTable.Builder gpuAnnotations = new SpanTable.Builder();
    private final Map<String, Long> skipped = new LinkedHashMap<>();
    private final Map<Integer, Long> otherCategories = new LinkedHashMap<>();
    private final java.util.List<Loss> extraLoss = new java.util.ArrayList<>();
    private long gpuWithoutPlace;
    private long firstTs = Long.MAX_VALUE;
    private long lastEnd = Long.MIN_VALUE;

    public TraceModelBuilder(NamePool names, ShapePool shapes) {
        this.names = names;
        this.shapes = shapes;
    }

    public void accept(TraceEvent e) {
        EventKind kind = e.kind();
        if (e.ph() == 'X') {
            firstTs = Math.min(firstTs, e.tsNs());
            lastEnd = Math.max(lastEnd, e.tsNs() + e.durNs());
        }
        switch (kind) {
            case KERNEL:
            case MEMCPY:
            case MEMSET:
                addGpu(e, kind);
                break;
            case RUNTIME:
            case DRIVER:
                api.add(e.tsNs(), e.durNs(), e.name(), e.tid(), e.correlation(), kind == EventKind.DRIVER);
                break;
            case CPU_OP:
                cpuOps.add(e.tsNs(), e.durNs(), e.name(), e.tid(), e.shape());
                break;
            case USER_ANNOTATION:
                annotations.add(e.tsNs(), e.durNs(), e.name(), e.tid(), ShapePool.NONE);
                break;
            case GPU_USER_ANNOTATION:
                gpuAnnotations.add(e.tsNs(), e.durNs(), e.name(), e.stream() >= 0 ? e.stream() : e.tid(), ShapePool.NONE);
                break;
            case OTHER_COMPLETE:
                otherCategories.merge(e.cat(), 1L, Long::sum);
                break;
            case PYTHON_FUNCTION:
                skip("python_function events (Python call stacks)");
                break;
            case METADATA:
                skip("metadata events (process and thread names)");
                break;
            case INSTANT:
                skip("instant events");
                break;
            case FLOW:
                skip("flow events (launches are joined by correlation id instead)");
                break;
            case COUNTER:
                skip("counter events");
                break;
            default:
                skip("events of unsupported phase");
        }
    }

    private void addGpu(TraceEvent e, EventKind kind) {
        int device = e.device() >= 0 ? e.device() : (e.pid() >= 0 && e.pid() < TraceEvent.STRING_ID_BASE ? (int) e.pid() : -1);
        int stream = e.stream() >= 0 ? e.stream() : (e.tid() >= 0 && e.tid() < TraceEvent.STRING_ID_BASE ? (int) e.tid() : -1);
        if (device < 0 || stream < 0) {
            gpuWithoutPlace++;
            return;
        }
        byte k = kind == EventKind.KERNEL ? GpuActivities.KERNEL
                : kind == EventKind.MEMCPY ? GpuActivities.MEMCPY : GpuActivities.MEMSET;
        gpu.add(k, e.tsNs(), e.durNs(), device, stream, e.correlation(), e.name(), e.bytes(), e.occupancyPct(),
                e.blocksPerSm());
    }

    /**
     * Adds one GPU activity read by a reader other than the Kineto one (the CUPTI recording reader).
     * {@code kind} is {@link GpuActivities#KERNEL}, {@link GpuActivities#MEMCPY} or {@link GpuActivities#MEMSET}.
     */
    public void gpuActivity(byte kind, long start, long dur, int device, int stream, long correlation, int name,
            long bytes, float occupancyPct, float blocksPerSm) {
        span(start, dur);
        gpu.add(kind, start, dur, device, stream, correlation, name, bytes, occupancyPct, blocksPerSm);
    }

    /** Adds one runtime or driver API call read by a reader other than the Kineto one. */
    public void apiCall(long start, long dur, int name, long thread, long correlation, boolean driver) {
        span(start, dur);
        api.add(start, dur, name, thread, correlation, driver);
    }

    /** Counts what a reader lost or skipped, to be shown with the model's own data loss. */
    public void loss(DataLoss.Group group, String reason, long n) {
        extraLoss.add(new Loss(group, reason, n));
    }

    private void span(long start, long dur) {
        firstTs = Math.min(firstTs, start);
        lastEnd = Math.max(lastEnd, start + dur);
    }

    private void skip(String reason) {
        skipped.merge(reason, 1L, Long::sum);
    }

    public TraceModel build(TraceSource source, TraceHeader header, ReadCounts counts) {
        long[] duplicates = new long[1];
        ApiCalls calls = api.build(names, duplicates);
        int n = gpu.size();
        int[] launchOfRow = new int[n];
        long withoutLaunch = 0;
        for (int i = 0; i < n; i++) {
            long corr = gpu.correlation(i);
            launchOfRow[i] = corr >= 0 ? calls.rowOf(corr) : -1;
            if (launchOfRow[i] < 0) {
                withoutLaunch++;
            }
        }
        GpuActivities activities = gpu.build(launchOfRow);
        for (int row = 0; row < activities.size(); row++) {
            int l = activities.launch(row);
            if (l >= 0) {
                calls.linkGpu(l, row);
            }
        }
        long launchesWithoutGpu = 0;
        for (int i = 0; i < calls.size(); i++) {
            if (calls.gpuCount(i) == 0 && calls.isLaunch(i)) {
                launchesWithoutGpu++;
            }
        }

        DataLoss loss = DataLoss.empty();
        for (Map.Entry<String, Long> m : counts.malformed().entrySet()) {
            loss = loss.with(DataLoss.Group.MALFORMED, m.getKey(), m.getValue());
        }
        loss = loss.with(DataLoss.Group.MALFORMED, "GPU activity without device or stream", gpuWithoutPlace);
        loss = loss.with(DataLoss.Group.UNMATCHED,
                "GPU activities whose launch call is not in the trace (launched before it started)", withoutLaunch);
        loss = loss.with(DataLoss.Group.UNMATCHED,
                "launch/copy calls without GPU activity (GPU work not recorded)", launchesWithoutGpu);
        loss = loss.with(DataLoss.Group.UNMATCHED, "correlation ids used by more than one API call", duplicates[0]);
        for (Loss x : extraLoss) {
            loss = loss.with(x.group(), x.reason(), x.n());
        }
        for (Map.Entry<String, Long> s : skipped.entrySet()) {
            loss = loss.with(DataLoss.Group.SKIPPED, s.getKey(), s.getValue());
        }
        for (Map.Entry<Integer, Long> c : otherCategories.entrySet()) {
            String cat = c.getKey() == Names.NONE ? "(none)" : names.get(c.getKey());
            loss = loss.with(DataLoss.Group.SKIPPED, "complete events of category '" + cat + "'", c.getValue());
        }
        long first = firstTs == Long.MAX_VALUE ? 0 : firstTs;
        long last = lastEnd == Long.MIN_VALUE ? 0 : lastEnd;
        return new TraceModel(source, header, names, shapes, activities, calls, cpuOps.build(), annotations.build(),
                gpuAnnotations.build(), counts, loss, first, last);
    }

    private record Loss(DataLoss.Group group, String reason, long n) {
    }
}
