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
        return wrap(s, width, width);
    }

    /** The same with a first line of its own width; widths count what shows (colour codes are not counted). */
    static List<String> wrap(String s, int first, int rest) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int shown = 0;
        for (String word : words(s)) {
            int w = visible(word);
            if (shown > 0 && shown + 1 + w > (lines.isEmpty() ? first : rest)) {
                lines.add(line.toString());
                line.setLength(0);
                shown = 0;
            }
            if (shown > 0) {
                line.append(' ');
                shown++;
            }
            line.append(word);
            shown += w;
        }
        if (shown > 0) {
            lines.add(line.toString());
        }
        return lines;
    }

    /** A unit written after a number: kept on the number's line ("14.2 us", "3.5 GiB"). */
    private static final java.util.regex.Pattern UNIT = java.util.regex.Pattern.compile(
            "(ns|us|ms|s|B|KiB|MiB|GiB|TiB|kB|MB|GB|GB/s|MB/s|TB/s|W|MHz|GHz|TFLOP/s|tokens?|tok/s|x|%)[,;:.)]*");

    /** The words of a text, a unit joined to the number before it by a space that does not break. */
    private static List<String> words(String s) {
        List<String> out = new ArrayList<>();
        for (String word : s.split("\\s+")) {
            if (word.isEmpty()) {
                continue;
            }
            int last = out.size() - 1;
            if (last >= 0 && UNIT.matcher(word).matches() && !out.get(last).isEmpty()
                    && Character.isDigit(out.get(last).charAt(out.get(last).length() - 1))) {
                out.set(last, out.get(last) + ' ' + word);
            } else {
                out.add(word);
            }
        }
        return out;
    }

    private static final java.util.regex.Pattern SGR = java.util.regex.Pattern.compile("\u001b\\[[0-9;]*m");

    /** Columns a string takes on a terminal: its characters less colour codes and line breaks. */
    static int visible(String s) {
        if (s.indexOf('\u001b') < 0 && s.indexOf('\n') < 0) {
            return s.length();
        }
        return SGR.matcher(s).replaceAll("").replace("\n", "").length();
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
