package autoglm.report;

import autoglm.analyse.Metric;
import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.diagnose.Verification;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The before/after table of profile --verify, as text lines (terminal and Markdown share the cells). */
final class VerifyText {
    /** Column headings, and the metric each one shows. */
    static final String[][] COLUMNS = {
        {"ms/token", "ms_per_token"}, {"tokens/s", "tokens_per_s"}, {"TTFT", "ttft_ms"},
        {"GPU busy", "gpu_busy_pct"}, {"GPU util", "gpu_util_pct"}, {"peak mem", "peak_mem_bytes"},
        {"of floor", "roofline_pct"}};

    private VerifyText() {
    }

    /** One cell: "before -> after (factor)"; a metric absent on both sides is "n/a". */
    static String cell(Verification.Comparison c) {
        if (c == null) {
            return "n/a";
        }
        String s = value(c.before()) + " -> " + value(c.after());
        double x = c.speedup();
        if (!Double.isNaN(x)) {
            s += String.format(Locale.ROOT, " (%s)", x >= 1 ? Quantities.number(x) + "x better"
                    : Quantities.number(1 / x) + "x worse");
        }
        return s;
    }

    private static String value(Metric m) {
        return m.present() ? Quantities.format(m) : "n/a";
    }

    /** Lines for one verification: "rule (knobs): status", then one line per compared metric with its n. */
    static List<String> lines(Verification v) {
        List<String> out = new ArrayList<>();
        String knobs = Verification.knobText(v.knobs());
        String head = v.rule() + (knobs.isEmpty() ? "" : " [" + knobs + "]") + ": " + v.status().label()
                + (v.reason() == null ? "" : " - " + v.reason()) + (v.run() == null ? "" : " (run " + v.run() + ")");
        out.add(head);
        for (String[] col : COLUMNS) {
            Verification.Comparison c = v.comparison(col[1]);
            if (c == null) {
                continue;
            }
            out.add(String.format(Locale.ROOT, "%-9s %s  [n %s -> %s]", col[0], cell(c),
                    Quantities.format(c.before().n(), Unit.COUNT), Quantities.format(c.after().n(), Unit.COUNT)));
        }
        return out;
    }
}
