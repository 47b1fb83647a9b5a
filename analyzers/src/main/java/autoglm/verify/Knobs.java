package autoglm.verify;

import autoglm.model.workload.WorkloadLog;
import java.util.Locale;
import java.util.Map;

/** Workload knob values compared as the workload reads them (docs/workload.md#knobs). */
public final class Knobs {
    private Knobs() {
    }

    /**
     * Workload knobs whose change changes the work done, not how fast the same work is done: what the model sees
     * (history_window, image, max_pixels, system_len, layers), how it decodes (num_beams), or how much it is asked
     * (requests, turns, prompt_len, output_len, max_new_tokens). docs/workload.md#verify.
     */
    public static final java.util.Map<String, String> CHANGES_WORK = changesWork();

    private static java.util.Map<String, String> changesWork() {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("history_window", "the model sees less of the conversation");
        m.put("num_beams", "fewer candidate sequences are decoded");
        m.put("image", "the model sees another image");
        m.put("max_pixels", "the model sees a smaller image");
        m.put("system_len", "the model sees another system prompt");
        m.put("layers", "the model has fewer layers");
        m.put("requests", "fewer requests are served");
        m.put("turns", "fewer turns are served");
        m.put("prompt_len", "the prompts change");
        m.put("output_len", "the outputs change length");
        m.put("max_new_tokens", "fewer tokens may be generated");
        return java.util.Collections.unmodifiableMap(m);
    }

    /** What the knobs change in the work ("less work: ..., a quality trade-off"), or null for the same work. */
    public static String workChange(Map<String, String> knobs) {
        StringBuilder why = new StringBuilder();
        for (String k : knobs.keySet()) {
            String w = CHANGES_WORK.get(k);
            if (w != null) {
                why.append(why.length() == 0 ? "" : "; ").append(w).append(" (").append(k).append(')');
            }
        }
        return why.length() == 0 ? null : "less work: a quality trade-off: " + why;
    }

    /** Knob values that need a CUDA device, with what they are. */
    private static final Map<String, String> NEEDS_CUDA = Map.of("mode=graphs", "CUDA graphs");

    /**
     * Why these knobs cannot apply to a run on its device (CUDA graphs on a run that was on the CPU), or null.
     * Said before anything is re-run, so that a CPU run does not attempt a GPU-only fix.
     */
    public static String unsupported(WorkloadLog log, Map<String, String> knobs) {
        if (!"cpu".equalsIgnoreCase(log.start().device())) {
            return null;
        }
        for (Map.Entry<String, String> e : knobs.entrySet()) {
            String what = NEEDS_CUDA.get(e.getKey() + "=" + e.getValue().toLowerCase(Locale.ROOT));
            if (what != null) {
                return what + " (" + e.getKey() + "=" + e.getValue() + ") need a CUDA device; this run was on the CPU";
            }
        }
        return null;
    }

    /** Whether every knob already has the fix's value in the run. */
    public static boolean inEffect(WorkloadLog log, Map<String, String> knobs) {
        for (Map.Entry<String, String> e : knobs.entrySet()) {
            String current = log.start().knob(e.getKey());
            if (current == null || !same(current, e.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Equal as booleans (on/true/yes, off/false/no), else as numbers (8 = 8.0), else as text. */
    public static boolean same(String a, String b) {
        String x = bool(a);
        String y = bool(b);
        if (x != null && y != null) {
            return x.equals(y);
        }
        try {
            return Double.parseDouble(a) == Double.parseDouble(b);
        } catch (NumberFormatException e) {
            return a.equals(b);
        }
    }

    private static String bool(String s) {
        switch (s.toLowerCase(Locale.ROOT)) {
            case "on": case "true": case "yes":
                return "true";
            case "off": case "false": case "no":
                return "false";
            default:
                return null;
        }
    }
}
