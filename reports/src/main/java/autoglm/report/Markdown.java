package autoglm.report;

/** Escaping of untrusted text for Markdown (and the HTML that Markdown renderers pass through). */
final class Markdown {
    private Markdown() {
    }

    /** Escapes HTML-significant characters and Markdown punctuation, and flattens newlines and pipes. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\'' && Html.entity(c) != null) {
                sb.append(Html.entity(c));
                continue;
            }
            switch (c) {
                case '\n':
                case '\r':
                    sb.append(' ');
                    break;
                case '|':
                case '`':
                case '*':
                case '_':
                case '[':
                case ']':
                case '\\':
                case '#':
                    sb.append('\\').append(c);
                    break;
                default:
                    // C0/C1 controls (U+009B is a CSI of its own) and bidi controls never reach the page
                    sb.append(autoglm.util.SafeText.unsafe(c) ? (c < 0x20 ? ' ' : '?') : c);
            }
        }
        return sb.toString();
    }
}
