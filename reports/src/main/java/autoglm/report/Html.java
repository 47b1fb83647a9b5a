package autoglm.report;

/** Escaping of untrusted text (kernel names, trace strings, commands) for HTML text and attribute values. */
final class Html {
    private Html() {
    }

    /** The entity for an HTML-significant character (&lt; &gt; &amp; quotes), or null. */
    static String entity(char c) {
        switch (c) {
            case '<':
                return "&lt;";
            case '>':
                return "&gt;";
            case '&':
                return "&amp;";
            case '"':
                return "&quot;";
            case '\'':
                return "&#39;";
            default:
                return null;
        }
    }

    /** Escapes &amp;, &lt;, &gt;, quotes and control characters; never returns markup. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String entity = entity(c);
            if (entity != null) {
                sb.append(entity);
            } else {
                boolean control = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0);
                sb.append(control ? '\ufffd' : c);
            }
        }
        return sb.toString();
    }

    private static final java.util.regex.Pattern UNIT = java.util.regex.Pattern.compile(
            "([0-9]) (ns|us|ms|s|B|KiB|MiB|GiB|TiB|GB/s|W|MHz|tokens/s|req/s|pp|per step|per turn|ms per step)(?![A-Za-z])");

    /** Escaped like {@link #escape}, with each number's unit joined to it by a no-break space (never split). */
    static String text(String s) {
        return UNIT.matcher(escape(s)).replaceAll("$1&nbsp;$2");
    }
}
