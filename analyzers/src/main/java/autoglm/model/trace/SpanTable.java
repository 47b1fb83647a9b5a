package autoglm.model.trace;

import autoglm.model.trace.ShapePool;
import autoglm.util.IndexSort;
import java.util.Arrays;

/**
 * Timed spans on threads (CPU ops, user annotations, GPU-side annotations), ordered by thread, start,
 * then longest first, so that a parent precedes its children. {@link #depth(int)} is the nesting depth
 * on the thread: 0 for a top-level span.
 */
public final class SpanTable {
    private final int size;
    private final long[] start;
    private final long[] dur;
    private final int[] name;
    private final long[] thread;
    private final int[] shape;
    private final int[] depth;

    private SpanTable(Builder b, int[] order) {
        size = b.size;
        start = IndexSort.permute(Arrays.copyOf(b.start, size), order);
        dur = IndexSort.permute(Arrays.copyOf(b.dur, size), order);
        name = IndexSort.permute(Arrays.copyOf(b.name, size), order);
        thread = IndexSort.permute(Arrays.copyOf(b.thread, size), order);
        shape = IndexSort.permute(Arrays.copyOf(b.shape, size), order);
        depth = computeDepth();
    }

    private int[] computeDepth() {
        int[] d = new int[size];
        long[] openEnds = new long[64];
        int open = 0;
        for (int i = 0; i < size; i++) {
            if (i > 0 && thread[i] != thread[i - 1]) {
                open = 0;
            }
            long s = start[i];
            while (open > 0 && openEnds[open - 1] <= s) {
                open--;
            }
            d[i] = open;
            if (open == openEnds.length) {
                openEnds = Arrays.copyOf(openEnds, open * 2);
            }
            openEnds[open++] = s + dur[i];
        }
        return d;
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

    public long thread(int i) {
        return thread[i];
    }

    /** Interned Input Dims, or {@link ShapePool#NONE}. */
    public int shape(int i) {
        return shape[i];
    }

    public int depth(int i) {
        return depth[i];
    }

    /** Accumulates spans while a trace streams in. */
    public static final class Builder {
        private int size;
        private long[] start = new long[1024];
        private long[] dur = new long[1024];
        private int[] name = new int[1024];
        private long[] thread = new long[1024];
        private int[] shape = new int[1024];

        public void add(long s, long d, int nm, long t, int shp) {
            if (size == start.length) {
                int n = size * 2;
                start = Arrays.copyOf(start, n);
                dur = Arrays.copyOf(dur, n);
                name = Arrays.copyOf(name, n);
                thread = Arrays.copyOf(thread, n);
                shape = Arrays.copyOf(shape, n);
            }
            start[size] = s;
            dur[size] = d;
            name[size] = nm;
            thread[size] = t;
            shape[size] = shp;
            size++;
        }

        public int size() {
            return size;
        }

        public SpanTable build() {
            int[] order = IndexSort.order(size, (a, b) -> {
                int c = Long.compare(thread[a], thread[b]);
                if (c != 0) {
                    return c;
                }
                c = Long.compare(start[a], start[b]);
                return c != 0 ? c : Long.compare(dur[b], dur[a]);
            });
            return new SpanTable(this, order);
        }
    }
}
