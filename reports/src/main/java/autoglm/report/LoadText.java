package autoglm.report;

import autoglm.analyse.load.LoadStats;
import autoglm.analyse.Metric;
import autoglm.analyse.Quantities;
import autoglm.analyse.Unit;
import autoglm.diagnose.Diagnosis;
import autoglm.model.load.LoadSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The summary of a load run as lines (docs/load.md#output): what was sent, the SLOs and timeout in force, counts,
 * throughput, the latency distributions (n, mean, median, std, p90, p95, p99), goodput, TTFT by step and the server's
 * side. The terminal prints it above the findings; Markdown puts the table in a code block. Every number comes
 * computed.
 */
public final class LoadText {
    private static final String[][] ROWS = {{"ttft", "TTFT"}, {"first_text", "to first text"}, {"tpot", "TPOT"},
        {"itl", "ITL"}, {"e2el", "E2EL"}, {"thinking", "thinking"}, {"client_wait", "client wait"}};

    private LoadText() {
    }

    public static List<String> lines(LoadSettings s, Map<String, LoadStats> dist, Diagnosis d, boolean complete) {
        List<String> out = new ArrayList<>();
        String traffic = switch (s.workload()) {
            case "agent" -> "agent, " + s.sessions() + " session" + (s.sessions() == 1 ? "" : "s") + " x " + s.steps()
                    + " steps, screenshots " + s.imageWidth() + "x" + s.imageHeight();
            default -> s.workload();
        };
        out.add(Text.safe("load: " + traffic + ", profile " + s.profile() + ", model " + s.model() + " at " + s.url()
                + ", seed " + s.seed() + (complete ? "" : "  [INCOMPLETE: stopped early]")));
        String settings = settings(d.metrics());
        if (settings != null) {
            out.add(settings);
        }
        out.add("requests: " + v(d, "load_requests") + " measured (" + s.warmup() + " warm-up left out), "
                + v(d, "load_completed") + " ok, " + v(d, "load_errors") + " failed"
                + (d.metrics().get("load_error_kinds").present() ? " (" + v(d, "load_error_kinds") + ")" : ""));
        out.add("duration " + v(d, "load_duration_ms") + "; " + v(d, "load_request_rate") + "; output "
                + v(d, "load_output_throughput") + ", total " + v(d, "load_total_throughput") + "; tokens in "
                + v(d, "load_input_tokens") + ", out " + v(d, "load_output_tokens") + "; concurrency "
                + v(d, "load_concurrency"));
        if (d.metrics().get("load_target_rate").present()) {
            out.add("target rate " + v(d, "load_target_rate") + ", achieved " + v(d, "load_achieved_rate_pct")
                    + " of it");
        }
        out.add(String.format(Locale.ROOT, "%-15s %6s %10s %10s %10s %10s %10s %10s", "latency (ms)", "n", "mean",
                "median", "std", "p90", "p95", "p99"));
        for (String[] r : ROWS) {
            LoadStats st = dist.get(r[0]);
            if (st == null || st.n() == 0) {
                continue;
            }
            out.add(String.format(Locale.ROOT, "%-15s %6d %10s %10s %10s %10s %10s %10s", r[1], st.n(), n(st.mean()),
                    n(st.median()), n(st.stdev()), n(st.p90()), n(st.p95()), n(st.p99())));
        }
        if (d.metrics().get("load_goodput").present()) {
            out.add("goodput " + v(d, "load_goodput") + " (" + v(d, "load_goodput_pct") + " of completed requests met "
                    + "every SLO)");
        }
        Metric steps = d.metrics().get("load_ttft_by_step");
        if (steps.present()) {
            out.add("TTFT by step: " + Quantities.format(steps) + "; slope " + v(d, "load_step_ttft_slope_ms"));
            out.add("step latency by step: " + v(d, "load_e2el_by_step"));
            if (d.metrics().get("load_thinking_by_step").present()) {
                out.add("thinking by step: " + v(d, "load_thinking_by_step"));
            }
        }
        Metric kind = d.metrics().get("server_kind");
        if (kind.present()) {
            out.add(Text.safe("server (" + kind.text() + ", " + v(d, "server_scrapes") + " scrapes): queue "
                    + v(d, "server_queue_ms") + ", running " + v(d, "server_running_mean") + " (max "
                    + v(d, "server_running_max") + "), waiting " + v(d, "server_waiting_mean") + ", KV max "
                    + v(d, "server_kv_usage_max_pct") + ", preemptions " + v(d, "server_preemptions")
                    + ", prefix cache " + v(d, "server_prefix_caching") + " hit " + v(d, "server_prefix_hit_pct")
                    + "; its TTFT " + v(d, "server_ttft_ms") + ", E2EL " + v(d, "server_e2el_ms")));
        } else {
            out.add(Text.safe("server metrics: " + kind.reason()));
        }
        return out;
    }

    /**
     * "SLOs TTFT 2 s, TPOT 100 ms, E2EL none; timeout 600 s": the SLOs and the timeout in force, as the load's
     * metrics hold them (every report's header prints this line); null when the metrics are not a load run's.
     */
    public static String settings(autoglm.analyse.Metrics m) {
        Metric requests = m.get("load_requests");
        if (requests == null || !requests.present()) {
            return null;
        }
        StringBuilder sb = new StringBuilder("SLOs");
        String[][] slos = {{"load_slo_ttft_ms", "TTFT"}, {"load_slo_tpot_ms", "TPOT"}, {"load_slo_e2el_ms", "E2EL"}};
        for (int i = 0; i < slos.length; i++) {
            Metric x = m.get(slos[i][0]);
            sb.append(i == 0 ? " " : ", ").append(slos[i][1]).append(' ').append(x != null && x.present()
                    ? Quantities.setting(x.value(), Unit.MILLISECONDS) : "none");
        }
        Metric t = m.get("load_timeout_ms");
        sb.append("; timeout ").append(t != null && t.present() ? Quantities.setting(t.value(), Unit.MILLISECONDS)
                : "not recorded (a run from before load.json kept it)");
        return sb.toString();
    }

    private static String v(Diagnosis d, String name) {
        return MetricText.value(d.metrics().get(name));
    }

    private static String n(double x) {
        return Double.isNaN(x) ? "n/a" : Quantities.number(x);
    }
}
