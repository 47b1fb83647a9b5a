package autoglm.report;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Kernel names short enough for a terminal column, and still distinct from each other: the leading {@code void} and
 * the trailing parameter list are dropped, a name still too long keeps its head and tail around "...", and names that
 * would then read the same show the part where they differ instead (two elementwise kernels of different functors
 * differ deep inside their template arguments). JSON, HTML and Perfetto keep the full names.
 */
final class KernelNames {
    private KernelNames() {
    }

    /** The short forms of {@code names}, in order, each at most {@code max} characters. */
    static List<String> shorten(List<String> names, int max) {
        List<String> stripped = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (String n : names) {
            String s = strip(n);
            stripped.add(s);
            out.add(ends(s, max));
        }
        Map<String, List<Integer>> same = new HashMap<>();
        for (int i = 0; i < out.size(); i++) {
            same.computeIfAbsent(out.get(i), k -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : same.values()) {
            if (group.size() < 2) {
                continue;
            }
            for (int i : group) {
                int differs = 0;
                for (int j : group) {
                    if (i != j && !stripped.get(i).equals(stripped.get(j))) {
                        differs = Math.max(differs, firstDifference(stripped.get(i), stripped.get(j)));
                    }
                }
                out.set(i, around(stripped.get(i), differs, max));
            }
        }
        return out;
    }

    /** Without a leading "void " and a trailing top-level "(...)" parameter list (when something is left). */
    static String strip(String name) {
        String s = name.startsWith("void ") ? name.substring(5) : name;
        if (s.endsWith(")")) {
            int depth = 0;
            for (int i = s.length() - 1; i > 0; i--) {
                char c = s.charAt(i);
                if (c == ')') {
                    depth++;
                } else if (c == '(' && --depth == 0) {
                    return i > 0 ? s.substring(0, i) : s;
                }
            }
        }
        return s;
    }

    private static String ends(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int head = (max - 3) * 2 / 3;
        int tail = max - 3 - head;
        return s.substring(0, head) + "..." + s.substring(s.length() - tail);
    }

    /** The head, then the part from where the name differs from its look-alikes, within max characters. */
    private static String around(String s, int at, int max) {
        if (s.length() <= max) {
            return s;
        }
        int head = Math.min(max / 3, at);
        if (at <= head + 3) {
            return ends(s, max);
        }
        int from = Math.max(head, at - 8);
        int room = max - head - 3;
        String rest = s.substring(from);
        if (rest.length() > room) {
            rest = rest.substring(0, room - 3) + "...";
        }
        return s.substring(0, head) + "..." + rest;
    }

    private static int firstDifference(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            if (a.charAt(i) != b.charAt(i)) {
                return i;
            }
        }
        return n;
    }
}
