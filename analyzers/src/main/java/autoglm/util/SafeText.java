package autoglm.util;

/**
 * Untrusted text (file names, option values, kernel names, rule titles, server answers) made safe for a
 * terminal, a Markdown file or an error line: C0 and C1 control characters (ESC, BEL, CR, U+009B CSI...)
 * and DEL become '?', line breaks and tabs a space, and the invisible bidirectional controls (U+202A-202E,
 * U+2066-2069, U+200E/U+200F, U+061C), which can make text read other than it is, become '?' too.
 */
public final class SafeText {
    private SafeText() {
    }

    /** Whether a character may not reach the reader as it is. */
    public static boolean unsafe(char c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e)
                || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f || c == 0x061c;
    }

    /** The text with every unsafe character replaced (a space for a line break or tab, else '?'). */
    public static String safe(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (unsafe(c)) {
                if (sb == null) {
                    sb = new StringBuilder(s.length()).append(s, 0, i);
                }
                sb.append(c == '\n' || c == '\r' || c == '\t' ? ' ' : '?');
            } else if (sb != null) {
                sb.append(c);
            }
        }
        return sb == null ? s : sb.toString();
    }

    /** The first line of a message (for exceptions whose messages run to several lines), made safe. */
    public static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return safe((nl < 0 ? s : s.substring(0, nl)).strip());
    }
}
