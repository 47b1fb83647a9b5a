package autoglm.report;

import autoglm.analyse.Metric;
import autoglm.diagnose.FleetTable;
import autoglm.rules.Finding;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The instances of a fleet diagnosis as terminal lines: where and when they were read, then one row per replica (the
 * model, the requests it finished, its running batch and queue, KV-cache use, inter-token and end-to-end latency) and
 * one per GPU instance (utilization, SM and tensor activity, memory peak, throttling), each with its findings.
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
        out.add(new String[] {"gpus", (t.gpuSelector().isBlank() ? "every job" : Text.safe(t.gpuSelector()))
                + ", " + t.nodes().size() + " found"});
        out.add(new String[] {"window", java.time.Instant.ofEpochMilli((long) t.startMs()) + " to "
                + java.time.Instant.ofEpochMilli((long) t.endMs()) + ", a page every " + autoglm.analyse.Quantities.exact(t.stepMs() / 1000) + " s"});
        return out;
    }

    /** The table of replicas, a title line first; then the GPU instances', if any. */
    static List<String> lines(FleetTable t) {
        List<String> out = new ArrayList<>();
        out.add("Replicas, most severe first (requests finished in the window; means over the window's pages)");
        out.add(String.format(Locale.ROOT, "  %-22s %-16s %9s %8s %8s %7s %10s %10s  %s", "instance", "model",
                "requests", "running", "waiting", "KV", "ITL", "E2E", "findings"));
        for (FleetTable.Row r : t.rows()) {
            out.add(String.format(Locale.ROOT, "  %-22s %-16s %9s %8s %8s %7s %10s %10s  %s", Text.safe(r.instance()),
                    Text.safe(r.model().isEmpty() ? "-" : r.model()),
                    Double.isNaN(r.requests()) ? "n/a" : String.format(Locale.ROOT, "%.0f", r.requests()),
                    value(r.metrics().get("server_running_mean")), value(r.metrics().get("server_waiting_mean")),
                    value(r.metrics().get("server_kv_usage_mean_pct")), value(r.metrics().get("server_itl_ms")),
                    value(r.metrics().get("server_e2el_ms")), found(r.findings())));
        }
        if (!t.nodes().isEmpty()) {
            out.add("");
            out.add("GPU instances, most severe first (time-weighted means over the window, every GPU of the instance)");
            out.add(String.format(Locale.ROOT, "  %-22s %-8s %4s %7s %7s %7s %8s %9s  %s", "instance", "source", "GPUs",
                    "util", "SM", "tensor", "mem peak", "throttled", "findings"));
            for (FleetTable.Node n : t.nodes()) {
                out.add(String.format(Locale.ROOT, "  %-22s %-8s %4d %7s %7s %7s %8s %9s  %s", Text.safe(n.instance()),
                        n.source(), n.gpus(), value(n.metrics().get("gpu_util_pct")),
                        value(n.metrics().get("sm_active_pct")), value(n.metrics().get("tensor_active_pct")),
                        value(n.metrics().get("gpu_mem_peak_pct")), value(n.metrics().get("clock_throttled_pct")),
                        found(n.findings())));
            }
        }
        return out;
    }

    /** An instance's findings at info or above, "rule (severity)", or "-". */
    static String found(List<Finding> findings) {
        List<String> found = new ArrayList<>();
        for (Finding f : findings) {
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
