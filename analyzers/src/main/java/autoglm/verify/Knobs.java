package autoglm.verify;

import autoglm.model.workload.WorkloadLog;
import java.util.Locale;
import java.util.Map;

/** Workload knob values compared as the workload reads them (docs/workload.md#knobs). */
public final class Knobs {
    private Knobs() {
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
