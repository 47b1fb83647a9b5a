package autoglm.util;

import java.util.Arrays;

/** An open-addressing map from long keys to int values, without boxing. */
public final class LongIntMap {
    private static final long EMPTY = Long.MIN_VALUE;

    private long[] keys;
    private int[] values;
    private int size;

    public LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(keys, EMPTY);
    }

    /** Stores the value; returns the previous value or -1. Key Long.MIN_VALUE is not allowed. */
    public int put(long key, int value) {
        if (key == EMPTY) {
            throw new IllegalArgumentException("reserved key");
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        int i = slot(key);
        if (keys[i] == key) {
            int old = values[i];
            values[i] = value;
            return old;
        }
        keys[i] = key;
        values[i] = value;
        size++;
        return -1;
    }

    /** The value for the key, or -1. */
    public int get(long key) {
        if (key == EMPTY) {
            return -1;
        }
        int i = slot(key);
        return keys[i] == key ? values[i] : -1;
    }

    public int size() {
        return size;
    }

    private int slot(long key) {
        int mask = keys.length - 1;
        int i = (int) mix(key) & mask;
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        return k;
    }
}
