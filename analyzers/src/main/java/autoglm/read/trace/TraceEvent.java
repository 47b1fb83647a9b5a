package autoglm.read.trace;

import autoglm.model.trace.EventKind;

import autoglm.model.trace.Names;
import autoglm.model.trace.ShapePool;

/**
 * The event the reader is positioned on. It is reused for every event (no allocation per event):
 * read what you need before calling {@link KinetoTraceReader#next()} again. Absent numbers are -1
 * (NaN for the floating-point fields); absent names are {@link Names#NONE}.
 */
public final class TraceEvent {
    /** Thread or process ids given as strings are interned and offset by this base. */
    public static final long STRING_ID_BASE = 1L << 48;

    EventKind kind;
    char ph;
    int cat;
    int name;
    long pid;
    long tid;
    long tsNs;
    long durNs;
    boolean hasTs;
    boolean hasDur;
    boolean hasArgs;
    long correlation;
    int device;
    int stream;
    long bytes;
    float occupancyPct;
    float blocksPerSm;
    int shape;

    void reset() {
        kind = null;
        ph = 0;
        cat = Names.NONE;
        name = Names.NONE;
        pid = -1;
        tid = -1;
        tsNs = 0;
        durNs = -1;
        hasTs = false;
        hasDur = false;
        hasArgs = false;
        correlation = -1;
        device = -1;
        stream = -1;
        bytes = -1;
        occupancyPct = Float.NaN;
        blocksPerSm = Float.NaN;
        shape = ShapePool.NONE;
    }

    public EventKind kind() {
        return kind;
    }

    public char ph() {
        return ph;
    }

    public int cat() {
        return cat;
    }

    public int name() {
        return name;
    }

    public long pid() {
        return pid;
    }

    public long tid() {
        return tid;
    }

    /** Start in nanoseconds, as written in the file (relative to baseTimeNanoseconds when that is set). */
    public long tsNs() {
        return tsNs;
    }

    public long durNs() {
        return durNs;
    }

    public boolean hasTs() {
        return hasTs;
    }

    public boolean hasDur() {
        return hasDur;
    }

    public boolean hasArgs() {
        return hasArgs;
    }

    public long correlation() {
        return correlation;
    }

    public int device() {
        return device;
    }

    public int stream() {
        return stream;
    }

    public long bytes() {
        return bytes;
    }

    public float occupancyPct() {
        return occupancyPct;
    }

    public float blocksPerSm() {
        return blocksPerSm;
    }

    /** Interned {@code Input Dims}, or {@link ShapePool#NONE}. */
    public int shape() {
        return shape;
    }
}
