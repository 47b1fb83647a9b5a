package autoglm.model.trace;

import java.util.Arrays;

/**
 * Interns strings straight from a parser's character buffer, so a name seen again costs a hash and a
 * compare but no allocation. Ids are dense, from 0, in order of first appearance.
 */
public final class NamePool implements Names {
    private String[] names = new String[256];
    private char[][] chars = new char[256][];
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
            if (hashes[id] == h && Arrays.equals(chars[id], 0, chars[id].length, buf, off, off + len)) {
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
            chars = Arrays.copyOf(chars, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        int id = size++;
        names[id] = s;
        chars[id] = s.toCharArray();
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

    /**
     * Hash of the length, the first 16 and the last 48 characters: kernel names run to hundreds of
     * characters and differ mostly at their ends; equality is always checked in full.
     */
    private static int hash(char[] buf, int off, int len) {
        int h = len;
        int end = off + len;
        int head = Math.min(end, off + 16);
        for (int i = off; i < head; i++) {
            h = 31 * h + buf[i];
        }
        for (int i = Math.max(head, end - 48); i < end; i++) {
            h = 31 * h + buf[i];
        }
        return mix(h);
    }

    private static int hash(String s) {
        return hash(s.toCharArray(), 0, s.length());
    }

    private static int mix(int h) {
        return h ^ (h >>> 16);
    }
}
