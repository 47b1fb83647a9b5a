package autoglm.model.trace;

import autoglm.model.trace.Names;
import autoglm.util.IndexSort;
import autoglm.util.LongIntMap;
import java.util.Arrays;

/**
 * CUDA runtime and driver API calls, ordered by start time, with their correlation ids. A call
 * that put work on the GPU has {@link #gpuCount(int)} &gt; 0 (more than one for a graph launch).
 */
public final class ApiCalls {
    private final int size;
    private final long[] start;
    private final long[] dur;
    private final int[] name;
    private final long[] tid;
    private final long[] correlation;
    private final byte[] driver;
    private final boolean[] launch;
    private final int[] gpuCount;
    private final int[] firstGpu;
    private final LongIntMap rowByCorrelation;

    private ApiCalls(int size, long[] start, long[] dur, int[] name, long[] tid, long[] correlation, byte[] driver,
            Names names) {
        this.size = size;
        this.start = start;
        this.dur = dur;
        this.name = name;
        this.tid = tid;
        this.correlation = correlation;
        this.driver = driver;
        this.launch = new boolean[size];
        byte[] byName = new byte[names.size()]; // 0 not yet seen, 1 launch, 2 not
        for (int i = 0; i < size; i++) {
            int id = name[i];
            if (id < 0) {
                continue;
            }
            if (byName[id] == 0) {
                byName[id] = (byte) (isLaunchName(names.get(id)) ? 1 : 2);
            }
            launch[i] = byName[id] == 1;
        }
        this.gpuCount = new int[size];
        this.firstGpu = new int[size];
        Arrays.fill(firstGpu, -1);
        this.rowByCorrelation = new LongIntMap(size);
    }

    public int size() {
        return size;
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

    public int name(int i) {
        return name[i];
    }

    public long tid(int i) {
        return tid[i];
    }

    public long correlation(int i) {
        return correlation[i];
    }

    public boolean isDriver(int i) {
        return driver[i] != 0;
    }

    /** Whether the call is expected to put work on the GPU (a launch, copy or set), from its name. */
    public boolean isLaunch(int i) {
        return launch[i];
    }

    /** GPU activities this call launched. */
    public int gpuCount(int i) {
        return gpuCount[i];
    }

    /** Row in {@link GpuActivities} of the first activity this call launched, or -1. */
    public int firstGpu(int i) {
        return firstGpu[i];
    }

    /** Row of the call with this correlation id, or -1. */
    public int rowOf(long correlationId) {
        return rowByCorrelation.get(correlationId);
    }

    public void linkGpu(int apiRow, int gpuRow) {
        if (gpuCount[apiRow]++ == 0 || gpuRow < firstGpu[apiRow]) {
            firstGpu[apiRow] = gpuRow;
        }
    }

    /** Accumulates calls while a trace streams in. */
    public static final class Builder {
        private int size;
        private long[] start = new long[1024];
        private long[] dur = new long[1024];
        private int[] name = new int[1024];
        private long[] tid = new long[1024];
        private long[] correlation = new long[1024];
        private byte[] driver = new byte[1024];

        public void add(long s, long d, int nm, long t, long corr, boolean isDriver) {
            if (size == start.length) {
                int n = size * 2;
                start = Arrays.copyOf(start, n);
                dur = Arrays.copyOf(dur, n);
                name = Arrays.copyOf(name, n);
                tid = Arrays.copyOf(tid, n);
                correlation = Arrays.copyOf(correlation, n);
                driver = Arrays.copyOf(driver, n);
            }
            start[size] = s;
            dur[size] = d;
            name[size] = nm;
            tid[size] = t;
            correlation[size] = corr;
            driver[size] = (byte) (isDriver ? 1 : 0);
            size++;
        }

        /** Freezes the calls in start order; counts correlation ids seen twice into {@code duplicates[0]}. */
        public ApiCalls build(Names names, long[] duplicates) {
            int[] order = IndexSort.order(size, (a, b) -> Long.compare(start[a], start[b]));
            ApiCalls calls = new ApiCalls(size, IndexSort.permute(Arrays.copyOf(start, size), order),
                    IndexSort.permute(Arrays.copyOf(dur, size), order),
                    IndexSort.permute(Arrays.copyOf(name, size), order),
                    IndexSort.permute(Arrays.copyOf(tid, size), order),
                    IndexSort.permute(Arrays.copyOf(correlation, size), order),
                    IndexSort.permute(Arrays.copyOf(driver, size), order), names);
            for (int i = 0; i < size; i++) {
                long c = calls.correlation[i];
                if (c >= 0 && calls.rowByCorrelation.put(c, i) >= 0) {
                    duplicates[0]++;
                }
            }
            return calls;
        }
    }

    /** Whether a call of this name is expected to put work on the GPU (launch, copy, set). */
    public static boolean isLaunchName(String n) {
        return n != null && (n.contains("Launch") || n.contains("Memcpy") || n.contains("Memset"));
    }
}
