package autoglm.report;

import java.util.ArrayList;
import java.util.List;

/** Helpers for plain-text output: untrusted strings made safe for a terminal, and word wrapping. */
final class Text {
    private Text() {
    }

    /** Replaces control characters (escape sequences included) and bidi controls so strings cannot drive the terminal. */
    static String safe(String s) {
        return autoglm.util.SafeText.safe(s);
    }

    /** Each line made safe ({@link #safe}), the line breaks kept. */
    static String safeLines(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        int from = 0;
        while (from < s.length()) {
            int nl = s.indexOf('\n', from);
            int end = nl < 0 ? s.length() : nl;
            sb.append(safe(s.substring(from, end)));
            if (nl >= 0) {
                sb.append('\n');
            }
            from = end + 1;
        }
        return sb.toString();
    }

    /** Shortens to at most max characters, keeping the start and marking the cut. */
    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, Math.max(0, max - 3)) + "...";
    }

    /** Wraps words to lines of at most width characters (a longer word gets a line of its own). */
    static List<String> wrap(String s, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : s.split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            line.append(word);
        }
        if (line.length() > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /**
     * A counted phrase in agreement with its count: for 1, the first plural noun among its first three words is made
     * singular ("1 complete events of category" -> "1 complete event of category", "1 GPU activities" -> "1 GPU
     * activity"). Data-loss reasons are written in the plural.
     */
    static String agree(long n, String phrase) {
        if (n != 1) {
            return phrase;
        }
        String[] words = phrase.split(" ", 4);
        for (int i = 0; i < Math.min(3, words.length); i++) {
            String w = words[i];
            String one = w.endsWith("ies") && w.length() > 4 ? w.substring(0, w.length() - 3) + "y"
                    : w.endsWith("s") && !w.endsWith("ss") && w.length() > 3 ? w.substring(0, w.length() - 1) : null;
            if (one != null && w.chars().allMatch(Character::isLowerCase)) {
                words[i] = one;
                return String.join(" ", words);
            }
        }
        return phrase;
    }
}
