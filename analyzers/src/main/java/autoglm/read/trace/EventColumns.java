package autoglm.read.trace;

import autoglm.model.trace.EventKind;
import autoglm.model.trace.Names;
import autoglm.model.trace.ShapePool;
import java.util.Arrays;

/**
 * The events of one chunk as the reader saw them, in columns, with names and shapes as ids of the chunk's own pools:
 * kept until the chunks before it have been handed on, then replayed in order ({@link #load}) with the ids mapped to
 * those of the whole trace. About 80 bytes an event.
 */
public final class EventColumns {
    private static final EventKind[] KINDS = EventKind.values();
    private static final byte HAS_TS = 1;
    private static final byte HAS_DUR = 2;
    private static final byte HAS_ARGS = 4;

    private int size;
    private byte[] kind = new byte[1024];
    private char[] ph = new char[1024];
    private byte[] flags = new byte[1024];
    private int[] cat = new int[1024];
    private int[] name = new int[1024];
    private int[] device = new int[1024];
    private int[] stream = new int[1024];
    private int[] shape = new int[1024];
    private float[] occupancy = new float[1024];
    private float[] blocksPerSm = new float[1024];
    private long[] pid = new long[1024];
    private long[] tid = new long[1024];
    private long[] ts = new long[1024];
    private long[] dur = new long[1024];
    private long[] correlation = new long[1024];
    private long[] bytes = new long[1024];

    public int size() {
        return size;
    }

    /** Keeps the event the reader is on. */
    public void add(TraceEvent e) {
        if (size == kind.length) {
            grow();
        }
        int i = size++;
        kind[i] = (byte) e.kind.ordinal();
        ph[i] = e.ph;
        flags[i] = (byte) ((e.hasTs ? HAS_TS : 0) | (e.hasDur ? HAS_DUR : 0) | (e.hasArgs ? HAS_ARGS : 0));
        cat[i] = e.cat;
        name[i] = e.name;
        device[i] = e.device;
        stream[i] = e.stream;
        shape[i] = e.shape;
        occupancy[i] = e.occupancyPct;
        blocksPerSm[i] = e.blocksPerSm;
        pid[i] = e.pid;
        tid[i] = e.tid;
        ts[i] = e.tsNs;
        dur[i] = e.durNs;
        correlation[i] = e.correlation;
        bytes[i] = e.bytes;
    }

    /**
     * Puts event {@code i} into {@code e}, its name ids mapped through {@code names} (ids of thread and process
     * names given as strings too) and its shape through {@code shapes}.
     */
    public void load(int i, TraceEvent e, int[] names, int[] shapes) {
        e.kind = KINDS[kind[i]];
        e.ph = ph[i];
        byte f = flags[i];
        e.hasTs = (f & HAS_TS) != 0;
        e.hasDur = (f & HAS_DUR) != 0;
        e.hasArgs = (f & HAS_ARGS) != 0;
        e.cat = mapName(cat[i], names);
        e.name = mapName(name[i], names);
        e.device = device[i];
        e.stream = stream[i];
        e.shape = shape[i] == ShapePool.NONE ? ShapePool.NONE : shapes[shape[i]];
        e.occupancyPct = occupancy[i];
        e.blocksPerSm = blocksPerSm[i];
        e.pid = mapId(pid[i], names);
        e.tid = mapId(tid[i], names);
        e.tsNs = ts[i];
        e.durNs = dur[i];
        e.correlation = correlation[i];
        e.bytes = bytes[i];
    }

    private static int mapName(int id, int[] names) {
        return id < 0 ? Names.NONE : names[id];
    }

    /** A thread or process id given as a string is a name id above {@link TraceEvent#STRING_ID_BASE}. */
    private static long mapId(long id, int[] names) {
        return id >= TraceEvent.STRING_ID_BASE ? TraceEvent.STRING_ID_BASE + names[(int) (id - TraceEvent.STRING_ID_BASE)]
                : id;
    }

    private void grow() {
        int n = kind.length * 2;
        kind = Arrays.copyOf(kind, n);
        ph = Arrays.copyOf(ph, n);
        flags = Arrays.copyOf(flags, n);
        cat = Arrays.copyOf(cat, n);
        name = Arrays.copyOf(name, n);
        device = Arrays.copyOf(device, n);
        stream = Arrays.copyOf(stream, n);
        shape = Arrays.copyOf(shape, n);
        occupancy = Arrays.copyOf(occupancy, n);
        blocksPerSm = Arrays.copyOf(blocksPerSm, n);
        pid = Arrays.copyOf(pid, n);
        tid = Arrays.copyOf(tid, n);
        ts = Arrays.copyOf(ts, n);
        dur = Arrays.copyOf(dur, n);
        correlation = Arrays.copyOf(correlation, n);
        bytes = Arrays.copyOf(bytes, n);
    }
}
