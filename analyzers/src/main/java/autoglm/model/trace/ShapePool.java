package autoglm.model.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Interns the {@code Input Dims} of CPU ops (a list of tensors, each a list of sizes) so that an op
 * stores one int. A shape is encoded as a flat int sequence: for every input its rank, then its sizes.
 */
public final class ShapePool {
    public static final int NONE = -1;

    private final List<int[]> shapes = new ArrayList<>();
    private int[] hashes = new int[256];
    private int[] slots = new int[512];

    public int intern(int[] seq, int len) {
        int h = hash(seq, len);
        int mask = slots.length - 1;
        int i = h & mask;
        while (true) {
            int slot = slots[i];
            if (slot == 0) {
                int id = shapes.size();
                shapes.add(Arrays.copyOf(seq, len));
                if (id == hashes.length) {
                    hashes = Arrays.copyOf(hashes, id * 2);
                }
                hashes[id] = h;
                slots[i] = id + 1;
                if (shapes.size() * 2 > slots.length) {
                    rehash();
                }
                return id;
            }
            int id = slot - 1;
            if (hashes[id] == h && Arrays.equals(shapes.get(id), 0, shapes.get(id).length, seq, 0, len)) {
                return id;
            }
            i = (i + 1) & mask;
        }
    }

    /** The inputs' sizes: {@code result[input][dim]}. */
    public int[][] dims(int id) {
        int[] seq = shapes.get(id);
        List<int[]> inputs = new ArrayList<>();
        int i = 0;
        while (i < seq.length) {
            int rank = seq[i++];
            inputs.add(Arrays.copyOfRange(seq, i, i + rank));
            i += rank;
        }
        return inputs.toArray(new int[0][]);
    }

    /** The shape as interned: for every input its rank, then its sizes. */
    public int[] sequence(int id) {
        return shapes.get(id).clone();
    }

    public int size() {
        return shapes.size();
    }

    private void rehash() {
        int[] bigger = new int[slots.length * 2];
        int mask = bigger.length - 1;
        for (int id = 0; id < shapes.size(); id++) {
            int i = hashes[id] & mask;
            while (bigger[i] != 0) {
                i = (i + 1) & mask;
            }
            bigger[i] = id + 1;
        }
        slots = bigger;
    }

    private static int hash(int[] seq, int len) {
        int h = 1;
        for (int i = 0; i < len; i++) {
            h = 31 * h + seq[i];
        }
        return h ^ (h >>> 16);
    }
}
