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
        {"ms/token", "ms_per_token"}, {"tokens/s", "tokens_per_s"}, {"TTFT", "ttft_ms"}, {"queue", "queue_ms"},
        {"GPU busy", "gpu_busy_pct"}, {"GPU util", "gpu_util_pct"}, {"peak mem", "peak_mem_bytes"},
        {"of floor", "roofline_pct"}, {"requests", "workload_requests"}, {"prompt tok", "request_prompt_tokens"},
        {"computed", "prompt_tokens"}, {"output tok", "output_tokens_total"}, {"decode rows", "decode_rows"}};
    /** The same for load runs (load --serve --verify); the last three count the work done on each side. */
    static final String[][] LOAD_COLUMNS = {
        {"E2EL", "load_e2el_ms"}, {"TTFT", "load_ttft_ms"}, {"TPOT", "load_tpot_ms"}, {"ITL", "load_itl_ms"},
        {"queue", "server_queue_ms"}, {"TTFT slope", "load_step_ttft_slope_ms"},
        {"TTFT growth", "turn_ttft_growth_pct"}, {"prefix hits", "server_prefix_hit_pct"},
        {"goodput", "load_goodput"}, {"req/s", "load_request_rate"}, {"out tok/s", "load_output_throughput"},
        {"requests", "load_completed"}, {"prompt tok", "load_input_tokens"}, {"output tok", "load_output_tokens"}};
    /** Comparisons of work (requests, tokens): shown with their counts, never read as better or worse. */
    static final java.util.Set<String> WORK = autoglm.verify.Verifier.WORK;

    /** The columns for these verifications: a load's when any compared a load metric. */
    static String[][] columns(List<Verification> vs) {
        for (Verification v : vs) {
            if (v.comparison("load_e2el_ms") != null) {
                return LOAD_COLUMNS;
            }
        }
        return COLUMNS;
    }

    /** Whether a fix changes the work done (a smaller image, less history) rather than doing the same work faster. */
    static boolean changesWork(Verification v) {
        return v.workChange() != null;
    }

    private VerifyText() {
    }

    /**
     * One cell: "before -> after (factor)" for a figure a ratio compares ("2.00x better"); for a signed one (a slope,
     * a trend: {@link Verification.Comparison#factor} is NaN) the difference instead, "-725 ms per step -> -102 ms per
     * step (+623 ms per step)", never a factor; a metric absent on both sides is "n/a".
     */
    static String cell(Verification.Comparison c) {
        if (c == null) {
            return "n/a";
        }
        String s = value(c.before()) + " -> " + value(c.after());
        if (WORK.contains(c.metric())) {
            return s + " (work)";
        }
        String noise = c.withinNoise(Verification.ALPHA) ? ", within noise" : "";
        double x = c.speedup();
        if (!Double.isNaN(x)) {
            s += String.format(Locale.ROOT, " (%s%s)", x >= 1 ? Quantities.number(x) + "x better"
                    : Quantities.number(1 / x) + "x worse", noise);
        } else if (!Double.isNaN(c.difference())) {
            s += " (" + Quantities.change(c.difference(), c.before().unit()) + noise + ")";
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
        if (changesWork(v)) {
            out.add(v.workChange() + ": it does not do the same work faster");
        }
        if (v.runs() > 1) {
            out.add(v.runs() + " runs a side: medians, spread over the runs, Welch's p over the runs' values");
        }
        for (String[] col : columns(List.of(v))) {
            Verification.Comparison c = v.comparison(col[1]);
            if (c == null) {
                continue;
            }
            String p = Double.isNaN(c.p()) ? "" : String.format(Locale.ROOT, ", Welch's p %.3g", c.p());
            out.add(String.format(Locale.ROOT, "%-11s %s  [n %s -> %s%s]", col[0], cell(c),
                    Quantities.format(c.before().n(), Unit.COUNT), Quantities.format(c.after().n(), Unit.COUNT), p));
        }
        return out;
    }
}
