package autoglm.analyse.trace;

/**
 * A memcpy as Kineto names it: "Memcpy HtoD (Pageable -&gt; Device)". The direction is the word after
 * "Memcpy"; the memory kinds are inside the parentheses.
 */
public record CopyKind(String direction, String source, String destination) {
    public static CopyKind parse(String name) {
        String direction = "unknown";
        String src = "unknown";
        String dst = "unknown";
        if (name != null) {
            String rest = name.startsWith("Memcpy ") ? name.substring(7) : name;
            int space = rest.indexOf(' ');
            direction = space > 0 ? rest.substring(0, space) : rest;
            int open = rest.indexOf('(');
            int close = rest.lastIndexOf(')');
            if (open >= 0 && close > open) {
                String inner = rest.substring(open + 1, close);
                int arrow = inner.indexOf("->");
                if (arrow >= 0) {
                    src = inner.substring(0, arrow).trim();
                    dst = inner.substring(arrow + 2).trim();
                }
            }
        }
        return new CopyKind(direction, src, dst);
    }

    public boolean pageable() {
        return "Pageable".equalsIgnoreCase(source) || "Pageable".equalsIgnoreCase(destination);
    }

    public boolean pinned() {
        return "Pinned".equalsIgnoreCase(source) || "Pinned".equalsIgnoreCase(destination);
    }

    /** Host-device copies (the ones pinned memory speeds up). */
    public boolean crossesHost() {
        return "HtoD".equals(direction) || "DtoH".equals(direction);
    }

    public String label() {
        return direction + " " + source + " -> " + destination;
    }
}
