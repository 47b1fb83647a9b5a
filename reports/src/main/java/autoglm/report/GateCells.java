package autoglm.report;

import autoglm.analyse.Quantities;
import autoglm.gate.FindingCheck;
import autoglm.gate.GateCheck;
import java.util.Locale;

/** The cells every gate format shares: values with n, the change, the noise verdict, a finding's line. */
final class GateCells {
    private GateCells() {
    }

    static String value(GateCheck c, double v, long n) {
        if (c.status() == GateCheck.Status.BAD && !Double.isFinite(v)) {
            return v + " (bad)";
        }
        return Double.isNaN(v) ? "n/a" : Quantities.format(v, c.unit()) + " (n=" + n + ")";
    }

    /** Checks with no change to show: skipped or missing (one side lacks the metric), or a bad value. */
    static boolean unjudged(GateCheck c) {
        return c.status() == GateCheck.Status.SKIPPED || c.status() == GateCheck.Status.MISSING
                || c.status() == GateCheck.Status.BAD;
    }

    /** The verdict's summary: "3 metrics passed, 1 failed, ..., 2 skipped; 0 findings failed". */
    static String counts(autoglm.gate.GateResult r) {
        return String.format(Locale.ROOT, "%d %s passed, %d failed, %d missing from the current result, %d bad values, "
                + "%d past the limit within noise, %d skipped; %d %s failed",
                r.count(GateCheck.Status.PASS), r.checks().size() == 1 ? "metric" : "metrics",
                r.count(GateCheck.Status.FAIL), r.count(GateCheck.Status.MISSING), r.count(GateCheck.Status.BAD),
                r.count(GateCheck.Status.NOISE), r.count(GateCheck.Status.SKIPPED), r.failedFindings(),
                r.failedFindings() == 1 ? "finding" : "findings");
    }

    static String baseline(GateCheck c) {
        return value(c, c.baseline(), c.baselineN());
    }

    static String current(GateCheck c) {
        return value(c, c.current(), c.currentN());
    }

    /** "+12.3% (+1.20 ms)". */
    static String change(GateCheck c) {
        if (unjudged(c)) {
            return "";
        }
        String abs = Quantities.change(c.delta(), c.unit());
        return Double.isNaN(c.deltaPct()) ? abs : String.format(Locale.ROOT, "%+.1f%% (%s)", c.deltaPct(), abs);
    }

    /** "beyond noise (p = 0.0012, Welch, df 13.8)", "within noise (p = 0.41)", or why no test was made. */
    static String noise(GateCheck c, double alpha) {
        if (unjudged(c)) {
            return "";
        }
        if (!c.noise().applicable()) {
            return "no test: " + c.noise().reason();
        }
        return String.format(Locale.ROOT, "%s (Welch p = %.3g)", c.noise().beyond(alpha) ? "beyond noise" : "within noise",
                c.noise().p());
    }

    /** The whole check in one line, for JUnit failure messages and the terminal. */
    static String line(GateCheck c, double alpha) {
        if (c.status() == GateCheck.Status.SKIPPED) {
            return c.threshold().key() + ": skipped, " + c.reason();
        }
        if (c.status() == GateCheck.Status.MISSING) {
            return c.threshold().key() + ": missing, " + c.reason();
        }
        if (c.status() == GateCheck.Status.BAD) {
            return c.threshold().key() + ": bad value, " + c.reason();
        }
        String name = c.threshold().key().equals(c.selector()) ? c.selector() : c.threshold().key() + " (" + c.selector() + ")";
        return name + ": " + baseline(c) + " -> " + current(c) + ", " + change(c)
                + "; limit " + c.threshold().text() + " (fails on " + c.threshold().describe() + "); " + noise(c, alpha)
                + (c.reason() == null || c.status() == GateCheck.Status.FAIL && !c.noise().applicable() ? "" : "; " + c.reason());
    }

    static String finding(FindingCheck f) {
        return f.rule() + ": " + f.current().key() + (f.baseline() == null ? " (new: not in the baseline)"
                : " (baseline: " + f.baseline().key() + ")") + " - " + f.summary();
    }
}
