package autoglm.report;

import autoglm.analyse.Metric;
import autoglm.diagnose.FleetTable;
import autoglm.rules.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The replicas of a fleet diagnosis as terminal lines: where and when they were read, then one row per replica (the
 * requests it finished, its running batch and queue, KV-cache use, TTFT and end-to-end latency) with its findings.
 */
final class FleetText {
    private FleetText() {
    }

    /** The header lines (label, text) of a fleet diagnosis. */
    static List<String[]> header(FleetTable t) {
        List<String[]> out = new ArrayList<>();
        out.add(new String[] {"prometheus", Text.safe(t.prometheus())});
        out.add(new String[] {"replicas", (t.selector().isBlank() ? "every job" : Text.safe(t.selector())) + ", "
                + t.rows().size() + " found"});
        out.add(new String[] {"window", java.time.Instant.ofEpochMilli((long) t.startMs()) + " to "
                + java.time.Instant.ofEpochMilli((long) t.endMs()) + ", a page every " + autoglm.analyse.Quantities.exact(t.stepMs() / 1000) + " s"});
        return out;
    }

    /** The table of replicas, a title line first. */
    static List<String> lines(FleetTable t) {
        List<String> out = new ArrayList<>();
        out.add("Replicas, busiest first (requests finished in the window; means over the window's pages)");
        out.add(String.format(Locale.ROOT, "  %-24s %9s %8s %8s %7s %10s %10s  %s", "instance", "requests", "running",
                "waiting", "KV", "TTFT", "E2E", "findings"));
        List<FleetTable.Row> rows = new ArrayList<>(t.rows());
        rows.sort((a, b) -> Double.compare(Double.isNaN(b.requests()) ? -1 : b.requests(),
                Double.isNaN(a.requests()) ? -1 : a.requests()));
        for (FleetTable.Row r : rows) {
            out.add(String.format(Locale.ROOT, "  %-24s %9s %8s %8s %7s %10s %10s  %s", Text.safe(r.instance()),
                    Double.isNaN(r.requests()) ? "n/a" : String.format(Locale.ROOT, "%.0f", r.requests()),
                    value(r.metrics().get("server_running_mean")), value(r.metrics().get("server_waiting_mean")),
                    value(r.metrics().get("server_kv_usage_mean_pct")), value(r.metrics().get("server_ttft_ms")),
                    value(r.metrics().get("server_e2el_ms")), found(r)));
        }
        return out;
    }

    /** The replica's findings at info or above, "rule (severity)", or "-". */
    static String found(FleetTable.Row r) {
        List<String> found = new ArrayList<>();
        for (Finding f : r.findings()) {
            if (f.severity() == autoglm.rules.Severity.WARNING || f.severity() == autoglm.rules.Severity.INFO) {
                found.add(f.rule() + " (" + f.severity().key() + ")");
            }
        }
        return found.isEmpty() ? "-" : String.join(", ", found);
    }

    private static String value(Metric m) {
        return m.present() ? MetricText.value(m) : "n/a";
    }
}
