package autoglm.model.trace;

import autoglm.model.trace.Names;
import autoglm.model.trace.ShapePool;
import autoglm.model.trace.ReadCounts;
import autoglm.model.trace.TraceHeader;

/**
 * One trace, read and indexed: GPU activity per device and stream, the runtime/driver calls joined to
 * it by correlation id, CPU ops, user annotations and the counts of what was skipped or unmatched.
 * Immutable once built; analyses only read it.
 */
public final class TraceModel {
    private final TraceSource source;
    private final TraceHeader header;
    private final Names names;
    private final ShapePool shapes;
    private final GpuActivities gpu;
    private final ApiCalls api;
    private final SpanTable cpuOps;
    private final SpanTable annotations;
    private final SpanTable gpuAnnotations;
    private final ReadCounts readCounts;
    private final DataLoss dataLoss;
    private final long firstTs;
    private final long lastEnd;

    public TraceModel(TraceSource source, TraceHeader header, Names names, ShapePool shapes, GpuActivities gpu, ApiCalls api,
            SpanTable cpuOps, SpanTable annotations, SpanTable gpuAnnotations, ReadCounts readCounts,
            DataLoss dataLoss, long firstTs, long lastEnd) {
        this.source = source;
        this.header = header;
        this.names = names;
        this.shapes = shapes;
        this.gpu = gpu;
        this.api = api;
        this.cpuOps = cpuOps;
        this.annotations = annotations;
        this.gpuAnnotations = gpuAnnotations;
        this.readCounts = readCounts;
        this.dataLoss = dataLoss;
        this.firstTs = firstTs;
        this.lastEnd = lastEnd;
    }

    /**
     * This model without its events (GPU activities, API calls, CPU ops, annotations): what a report says of an input
     * it has already analysed (source, header, names, counts, data loss, span). Several ranks keep only this, so that
     * a job of many ranks does not hold every rank's events at once.
     */
    public TraceModel withoutEvents() {
        return new TraceModel(source, header, names, shapes, new GpuActivities.Builder().build(new int[0]),
                new ApiCalls.Builder().build(names, new long[1]), new SpanTable.Builder().build(),
                new SpanTable.Builder().build(), new SpanTable.Builder().build(), readCounts, dataLoss, firstTs, lastEnd);
    }

    public TraceSource source() {
        return source;
    }

    public TraceHeader header() {
        return header;
    }

    public Names names() {
        return names;
    }

    public ShapePool shapes() {
        return shapes;
    }

    public GpuActivities gpu() {
        return gpu;
    }

    public ApiCalls api() {
        return api;
    }

    public SpanTable cpuOps() {
        return cpuOps;
    }

    /** CPU-side user annotations: ProfilerStep#N, enumerate(DataLoader)..., record_function ranges. */
    public SpanTable annotations() {
        return annotations;
    }

    /** GPU-side copies of user annotations (Kineto's gpu_user_annotation), thread = stream. */
    public SpanTable gpuAnnotations() {
        return gpuAnnotations;
    }

    public ReadCounts readCounts() {
        return readCounts;
    }

    public DataLoss dataLoss() {
        return dataLoss;
    }

    /** Earliest start of any timed event, in the file's time base (ns). */
    public long firstTs() {
        return firstTs;
    }

    /** Latest end of any timed event (ns). */
    public long lastEnd() {
        return lastEnd;
    }

    /** Trace rank: distributedInfo.rank, or null. */
    public Integer rank() {
        return header.rank();
    }
}
