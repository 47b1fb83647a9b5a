package autoglm.report;

import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.rules.Finding;

/** A finding's gain as text: "estimated 47.1% of iteration time (64.0 ms per iteration): basis". */
final class GainText {
    private GainText() {
    }

    /** What the percentage is of: serving time (workload rules), run time (system rules of a run), else iteration time. */
    static String of(Finding f, boolean run) {
        if ("workload".equals(f.topic())) {
            return "of serving time";
        }
        if ("endpoint".equals(f.topic())) {
            return "of request latency";
        }
        return run && "system".equals(f.topic()) ? "of run time" : "of iteration time";
    }

    static String text(Finding f, boolean run) {
        if (!f.gain().applicable()) {
            return "not applicable: " + f.gain().basis();
        }
        return f.gain().kind() + " " + Quantities.format(f.gain().percent(), Unit.PERCENT) + " " + of(f, run)
                + (Double.isNaN(f.gain().msPerStep()) ? "" : " (" + Quantities.format(f.gain().msPerStep(), Unit.MILLISECONDS)
                        + " per iteration)")
                + ": " + f.gain().basis();
    }

    /** "estimated 47.1%", for tables. */
    static String shortText(Finding f) {
        if (!f.gain().applicable()) {
            return "not applicable";
        }
        return f.gain().kind() + " " + Quantities.format(f.gain().percent(), Unit.PERCENT);
    }
}
