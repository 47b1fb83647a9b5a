package autoglm.trace;

import java.util.Arrays;

/**
 * Interns strings straight from a parser's character buffer, so a name seen again costs a hash and a
 * compare but no allocation. Ids are dense, from 0, in order of first appearance.
 */
public final class NamePool implements Names {
    private String[] names = new String[256];
    private int[] hashes = new int[256];
    private int[] slots = new int[512]; // id + 1; 0 is empty
    private int size;

    public int intern(char[] buf, int off, int len) {
        int h = hash(buf, off, len);
        int mask = slots.length - 1;
        int i = h & mask;
        while (true) {
            int slot = slots[i];
            if (slot == 0) {
                return add(new String(buf, off, len), h, i);
            }
            int id = slot - 1;
            if (hashes[id] == h && equal(names[id], buf, off, len)) {
                return id;
            }
            i = (i + 1) & mask;
        }
    }

    public int intern(String s) {
        return intern(s.toCharArray(), 0, s.length());
    }

    @Override
    public String get(int id) {
        return id < 0 ? null : names[id];
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public int find(String s) {
        int h = hash(s);
        int mask = slots.length - 1;
        int i = h & mask;
        while (true) {
            int slot = slots[i];
            if (slot == 0) {
                return NONE;
            }
            int id = slot - 1;
            if (hashes[id] == h && names[id].equals(s)) {
                return id;
            }
            i = (i + 1) & mask;
        }
    }

    private int add(String s, int h, int slotIndex) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        int id = size++;
        names[id] = s;
        hashes[id] = h;
        slots[slotIndex] = id + 1;
        if (size * 2 > slots.length) {
            rehash();
        }
        return id;
    }

    private void rehash() {
        int[] bigger = new int[slots.length * 2];
        int mask = bigger.length - 1;
        for (int id = 0; id < size; id++) {
            int i = hashes[id] & mask;
            while (bigger[i] != 0) {
                i = (i + 1) & mask;
            }
            bigger[i] = id + 1;
        }
        slots = bigger;
    }

    private static int hash(char[] buf, int off, int len) {
        int h = 0;
        for (int i = off, end = off + len; i < end; i++) {
            h = 31 * h + buf[i];
        }
        return mix(h);
    }

    private static int hash(String s) {
        return mix(s.hashCode());
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }

    private static boolean equal(String s, char[] buf, int off, int len) {
        if (s.length() != len) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) != buf[off + i]) {
                return false;
            }
        }
        return true;
    }
}
