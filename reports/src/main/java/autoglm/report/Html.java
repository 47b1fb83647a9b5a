package autoglm.report;

/** Escaping of untrusted text (kernel names, trace strings, commands) for HTML text and attribute values. */
final class Html {
    private Html() {
    }

    /** Escapes &amp;, &lt;, &gt;, quotes and control characters; never returns markup. */
    static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<':
                    sb.append("&lt;");
                    break;
                case '>':
                    sb.append("&gt;");
                    break;
                case '&':
                    sb.append("&amp;");
                    break;
                case '"':
                    sb.append("&quot;");
                    break;
                case '\'':
                    sb.append("&#39;");
                    break;
                default:
                    boolean control = (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f || (c >= 0x80 && c < 0xa0);
                    sb.append(control ? '\ufffd' : c);
            }
        }
        return sb.toString();
    }
}
