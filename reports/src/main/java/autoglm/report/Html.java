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
}
