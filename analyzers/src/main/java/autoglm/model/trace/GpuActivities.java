package autoglm.model.trace;

import autoglm.util.IndexSort;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * GPU activity (kernels, memcpy, memset) in columns of primitives, ordered by device, stream and
 * start time. Row i's launch is {@link #launch(int)}, a row of {@link ApiCalls}, joined by the
 * correlation id, or -1 when the trace lacks it.
 */
public final class GpuActivities {
    public static final byte KERNEL = 0;
    public static final byte MEMCPY = 1;
    public static final byte MEMSET = 2;

    private final int size;
    private final byte[] kind;
    private final long[] start;
    private final long[] dur;
    private final int[] device;
    private final int[] stream;
    private final long[] correlation;
    private final int[] name;
    private final long[] bytes;
    private final float[] occupancy;
    private final float[] blocksPerSm;
    private final int[] launch;
    private final List<StreamRange> streams;

    /** The rows [from, to) of one device's stream. */
    public record StreamRange(int device, int stream, int from, int to) {
        public int count() {
            return to - from;
        }
    }

    private GpuActivities(Builder b, int[] order, int[] launchOfRow) {
        size = b.size;
        kind = IndexSort.permute(Arrays.copyOf(b.kind, size), order);
        start = IndexSort.permute(Arrays.copyOf(b.start, size), order);
        dur = IndexSort.permute(Arrays.copyOf(b.dur, size), order);
        device = IndexSort.permute(Arrays.copyOf(b.device, size), order);
        stream = IndexSort.permute(Arrays.copyOf(b.stream, size), order);
        correlation = IndexSort.permute(Arrays.copyOf(b.correlation, size), order);
        name = IndexSort.permute(Arrays.copyOf(b.name, size), order);
        bytes = IndexSort.permute(Arrays.copyOf(b.bytes, size), order);
        occupancy = IndexSort.permute(Arrays.copyOf(b.occupancy, size), order);
        blocksPerSm = IndexSort.permute(Arrays.copyOf(b.blocksPerSm, size), order);
        launch = IndexSort.permute(launchOfRow, order);
        List<StreamRange> ranges = new ArrayList<>();
        int from = 0;
        for (int i = 1; i <= size; i++) {
            if (i == size || device[i] != device[from] || stream[i] != stream[from]) {
                ranges.add(new StreamRange(device[from], stream[from], from, i));
                from = i;
            }
        }
        streams = List.copyOf(ranges);
    }

    public int size() {
        return size;
    }

    public byte kind(int i) {
        return kind[i];
    }

    public long start(int i) {
        return start[i];
    }

    public long dur(int i) {
        return dur[i];
    }

    public long end(int i) {
        return start[i] + dur[i];
    }

    public int device(int i) {
        return device[i];
    }

    public int stream(int i) {
        return stream[i];
    }

    public long correlation(int i) {
        return correlation[i];
    }

    public int name(int i) {
        return name[i];
    }

    /** Bytes moved by a memcpy or set by a memset; -1 for kernels. */
    public long bytes(int i) {
        return bytes[i];
    }

    /** Kineto's "est. achieved occupancy %", NaN when absent. */
    public float occupancyPct(int i) {
        return occupancy[i];
    }

    public float blocksPerSm(int i) {
        return blocksPerSm[i];
    }

    /** Row in {@link ApiCalls} of the launching runtime/driver call, or -1. */
    public int launch(int i) {
        return launch[i];
    }

    /** One entry per (device, stream), in device then stream order. */
    public List<StreamRange> streams() {
        return streams;
    }

    /** Distinct devices, ascending. */
    public int[] devices() {
        return streams.stream().mapToInt(StreamRange::device).distinct().sorted().toArray();
    }

    /** Accumulates rows while a trace streams in. */
    public static final class Builder {
        private int size;
        private byte[] kind = new byte[1024];
        private long[] start = new long[1024];
        private long[] dur = new long[1024];
        private int[] device = new int[1024];
        private int[] stream = new int[1024];
        private long[] correlation = new long[1024];
        private int[] name = new int[1024];
        private long[] bytes = new long[1024];
        private float[] occupancy = new float[1024];
        private float[] blocksPerSm = new float[1024];

        public void add(byte k, long s, long d, int dev, int str, long corr, int nm, long b, float occ, float bps) {
            if (size == kind.length) {
                int n = size * 2;
                kind = Arrays.copyOf(kind, n);
                start = Arrays.copyOf(start, n);
                dur = Arrays.copyOf(dur, n);
                device = Arrays.copyOf(device, n);
                stream = Arrays.copyOf(stream, n);
                correlation = Arrays.copyOf(correlation, n);
                name = Arrays.copyOf(name, n);
                bytes = Arrays.copyOf(bytes, n);
                occupancy = Arrays.copyOf(occupancy, n);
                blocksPerSm = Arrays.copyOf(blocksPerSm, n);
            }
            kind[size] = k;
            start[size] = s;
            dur[size] = d;
            device[size] = dev;
            stream[size] = str;
            correlation[size] = corr;
            name[size] = nm;
            bytes[size] = b;
            occupancy[size] = occ;
            blocksPerSm[size] = bps;
            size++;
        }

        public int size() {
            return size;
        }

        public long correlation(int row) {
            return correlation[row];
        }

        /** Freezes the rows, ordered by device, stream, start; {@code launchOfRow} is in insertion order. */
        public GpuActivities build(int[] launchOfRow) {
            int[] order = IndexSort.order(size, (a, b) -> {
                int c = Integer.compare(device[a], device[b]);
                if (c != 0) {
                    return c;
                }
                c = Integer.compare(stream[a], stream[b]);
                return c != 0 ? c : Long.compare(start[a], start[b]);
            });
            return new GpuActivities(this, order, launchOfRow);
        }
    }
}
