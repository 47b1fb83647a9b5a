package autoglm.report;

import java.util.ArrayList;
import java.util.List;

/** Helpers for plain-text output: untrusted strings made safe for a terminal, and word wrapping. */
final class Text {
    private Text() {
    }

    /** Replaces control characters (escape sequences included) so trace strings cannot drive the terminal. */
    static String safe(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0);
            if (control) {
                if (sb == null) {
                    sb = new StringBuilder(s.substring(0, i));
                }
                sb.append(c == '\n' || c == '\r' || c == '\t' ? ' ' : '?');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
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
}
