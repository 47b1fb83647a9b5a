package autoglm.report;

import autoglm.analyse.trace.Breakdown;
import autoglm.analyse.Metric;
import autoglm.analyse.Metrics;
import autoglm.analyse.Quantities;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.Unit;
import autoglm.diagnose.charts.Histogram;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.InputDiagnosis;
import autoglm.model.trace.DataLoss;
import java.util.List;
import java.util.Map;

/** The tables of the HTML report: what was read, the top kernels, every metric, the data loss. */
final class HtmlTables {
    private HtmlTables() {
    }

    /**
     * What was diagnosed, where and with what: the device (GPU name, memory, driver and CUDA, or ROCm), the software,
     * the command and the date, then the window and the GPU's busy share.
     */
    static void header(StringBuilder sb, Diagnosis d) {
        sb.append("<dl class=\"header\">\n");
        if (d.run() != null) {
            row(sb, "date", DeviceText.utc(d.run().recording().info().startedMs()));
            for (String[] line : RunHeader.lines(d)) {
                row(sb, line[0], line[1]);
            }
            Metric torch = d.run().metrics().get("workload_torch");
            row(sb, "software", "autoglm " + d.version() + (torch.present() ? "; PyTorch " + torch.text()
                    + " (the workload)" : ""));
        } else {
            row(sb, "software", "autoglm " + d.version());
        }
        String load = LoadText.settings(d.metrics());
        if (load != null) {
            row(sb, "load", load);
        }
        for (InputDiagnosis in : d.inputs()) {
            TraceAnalysis a = in.analysis();
            row(sb, d.run() != null ? "kernels" : "trace", a.model().source().path() + " ("
                    + Quantities.format(a.model().source().events(), Unit.COUNT) + " events or records)");
            List<String> devices = DeviceText.devices(a.model(), a.window().device());
            if (!devices.isEmpty()) {
                row(sb, "device", String.join("; ", devices));
            }
            String software = DeviceText.software(a.model());
            if (software != null) {
                row(sb, "recorded with", software);
            }
            String date = DeviceText.date(a.model());
            if (date != null && d.run() == null) {
                row(sb, "date", date);
            }
            Metrics m = a.metrics();
            String span = MetricText.value(m.get("trace_span_ms"));
            row(sb, "window", a.window().iterations() > 0 ? span + "; " + a.window().iterations() + " iterations from "
                    + a.window().basis().text() + ", " + MetricText.withSamples(m.get("step_time_ms")) + " each"
                    : span + "; no iterations: " + a.window().basis().text());
            row(sb, "GPU busy", MetricText.withSamples(m.get("gpu_busy_pct")));
        }
        sb.append("</dl>\n");
    }

    private static void row(StringBuilder sb, String label, String value) {
        sb.append("<dt>").append(Html.escape(label)).append("</dt><dd>").append(Html.text(value)).append("</dd>\n");
    }

    static void kernels(StringBuilder sb, Breakdown b) {
        if (b.kernels().isEmpty()) {
            return;
        }
        int n = Math.min(25, b.kernels().size());
        sb.append("<section id=\"kernels\"><h2>Top kernels</h2>\n<p>").append(n).append(" of ")
                .append(b.kernels().size()).append(" kernel names by total time; ")
                .append(Html.escape(Quantities.format(b.kernelCount(), Unit.COUNT))).append(" kernels, ")
                .append(Html.escape(Quantities.format(b.kernelTimeMs(), Unit.MILLISECONDS))).append(" in all.</p>\n")
                .append("<table><thead><tr><th class=\"num\">#</th><th class=\"num\">share</th><th class=\"num\">total</th>"
                        + "<th class=\"num\">count</th><th class=\"num\">mean</th><th class=\"num\">stdev</th>"
                        + "<th>family</th><th>kernel</th></tr></thead><tbody>\n");
        List<String> full = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            full.add(b.kernels().get(i).name());
        }
        List<String> shown = KernelNames.shorten(full, KERNEL_NAME);
        for (int i = 0; i < n; i++) {
            Breakdown.KernelStat k = b.kernels().get(i);
            sb.append("<tr><td class=\"num\">").append(i + 1).append("</td>");
            num(sb, Quantities.format(k.sharePct(), Unit.PERCENT));
            num(sb, Quantities.format(k.totalMs(), Unit.MILLISECONDS));
            num(sb, Quantities.format(k.count(), Unit.COUNT));
            num(sb, Quantities.format(k.meanUs(), Unit.MICROSECONDS));
            num(sb, Quantities.format(k.stdevUs(), Unit.MICROSECONDS));
            sb.append("<td>").append(Html.escape(k.category())).append("</td><td class=\"kernel\">");
            kernelName(sb, shown.get(i), k.name());
            sb.append("</td></tr>\n");
        }
        sb.append("</tbody></table>\n");
        if (!b.sequences().isEmpty()) {
            sb.append("<h3>Repeated kernel sequences (fusion candidates)</h3>\n<p>Runs of 3 to 8 kernels that follow "
                    + "each other again and again on a stream (docs/analyses.md#sequences).</p>\n<table><thead><tr>"
                    + "<th class=\"num\">GPU time</th><th class=\"num\">runs</th><th>kernels</th></tr></thead>"
                    + "<tbody>\n");
            for (Breakdown.SequenceStat q : b.sequences()) {
                sb.append("<tr>");
                num(sb, Quantities.format(q.totalMs(), Unit.MILLISECONDS));
                num(sb, Quantities.format(q.count(), Unit.COUNT));
                sb.append("<td class=\"kernel\"><ol>");
                List<String> shortNames = KernelNames.shorten(q.kernels(), 60);
                for (int i = 0; i < q.kernels().size(); i++) {
                    sb.append("<li>");
                    kernelName(sb, shortNames.get(i), q.kernels().get(i));
                    sb.append("</li>");
                }
                sb.append("</ol></td></tr>\n");
            }
            sb.append("</tbody></table>\n");
        }
        if (!b.ops().isEmpty()) {
            sb.append("<h3>CPU ops by the GPU time they launched</h3>\n<p>Each GPU activity of the window goes to the "
                    + "innermost CPU op around its launch call (docs/analyses.md#ops).</p>\n<table><thead><tr>"
                    + "<th>op</th><th class=\"num\">GPU time</th><th class=\"num\">share</th>"
                    + "<th class=\"num\">activities</th><th class=\"num\">launch calls</th></tr></thead><tbody>\n");
            for (Breakdown.OpStat o : b.ops()) {
                sb.append("<tr><td><code>").append(Html.escape(o.op())).append("</code></td>");
                num(sb, Quantities.format(o.gpuMs(), Unit.MILLISECONDS));
                num(sb, Quantities.format(o.sharePct(), Unit.PERCENT));
                num(sb, Quantities.format(o.activities(), Unit.COUNT));
                num(sb, Quantities.format(o.launchMs(), Unit.MILLISECONDS));
                sb.append("</tr>\n");
            }
            sb.append("</tbody></table>\n");
        }
        sb.append("</section>\n");
    }

    /** Characters of a kernel name shown in the table before it is expanded. */
    static final int KERNEL_NAME = 90;

    /** The short name, the full one on hover (title) and on expansion (details) when they differ. */
    static void kernelName(StringBuilder sb, String shortName, String fullName) {
        if (shortName.equals(fullName)) {
            sb.append("<code>").append(Html.escape(fullName)).append("</code>");
        } else {
            sb.append("<details><summary><code title=\"").append(Html.escape(fullName)).append("\">")
                    .append(Html.escape(shortName)).append("</code></summary><code class=\"full\">")
                    .append(Html.escape(fullName)).append("</code></details>");
        }
    }

    private static void num(StringBuilder sb, String s) {
        sb.append("<td class=\"num\">").append(Html.text(s)).append("</td>");
    }

    static void metrics(StringBuilder sb, Metrics metrics) {
        sb.append("<section id=\"metrics\"><details><summary><b>All metrics</b> (value, n, spread)</summary>\n")
                .append("<table><thead><tr><th>metric</th><th>value</th></tr></thead><tbody>\n");
        for (Metric m : metrics.all().values()) {
            sb.append("<tr><td><code class=\"name\">").append(Html.escape(m.name())).append("</code></td><td>")
                    .append(Html.text(MetricText.withSamples(m))).append("</td></tr>\n");
        }
        sb.append("</tbody></table></details></section>\n");
    }

    static void dataLoss(StringBuilder sb, DataLoss loss) {
        sb.append("<section id=\"data-loss\"><h2>Data loss</h2>\n");
        StringBuilder rows = new StringBuilder();
        for (DataLoss.Group g : DataLoss.Group.values()) {
            for (Map.Entry<String, Long> e : loss.get(g).entrySet()) {
                rows.append("<tr><td>").append(Html.escape(g.key())).append("</td><td class=\"num\">")
                        .append(Html.escape(Quantities.format(e.getValue(), Unit.COUNT))).append("</td><td>").append(Html.escape(e.getKey())).append("</td></tr>\n");
            }
        }
        if (rows.length() == 0) {
            sb.append("<p>Nothing lost, malformed, unmatched, excluded or skipped.</p>\n");
        } else {
            sb.append("<p>").append(Html.escape(Quantities.format(loss.lost(), Unit.COUNT))).append(" lost (malformed and unmatched); excluded and skipped "
                    + "records are left out by design.</p>\n<table><thead><tr><th>group</th><th class=\"num\">count</th>"
                    + "<th>what</th></tr></thead><tbody>\n").append(rows).append("</tbody></table>\n");
        }
        sb.append("</section>\n");
    }

    /**
     * "n = 8; p50 13.8 ms, 11.0 to 17.6 ms"; with 20 samples or more, the p95 too; with 100 or more, the p99 instead:
     * a p99 of 8 samples is the largest one by another name.
     */
    static String spreadText(Histogram h) {
        StringBuilder s = new StringBuilder("n = ").append(Quantities.format(h.n(), Unit.COUNT));
        if (!Double.isNaN(h.spread().p50())) {
            Unit u = h.xUnit() == null ? Unit.COUNT : h.xUnit();
            s.append("; p50 ").append(Quantities.format(h.spread().p50(), u));
            if (h.n() >= MetricText.P99_FROM) {
                s.append(", p99 ").append(Quantities.format(h.spread().p99(), u));
            } else if (h.n() >= MetricText.P95_FROM && !Double.isNaN(h.spread().p95())) {
                s.append(", p95 ").append(Quantities.format(h.spread().p95(), u));
            }
            s.append(", ").append(Quantities.format(h.spread().min(), u)).append(" to ")
                    .append(Quantities.format(h.spread().max(), u));
        }
        return s.toString();
    }

    /** The per-rank table of several ranks. */
    static void ranks(StringBuilder sb, autoglm.analyse.ranks.RankTable t) {
        List<String> lines = RanksText.lines(t);
        sb.append("<section id=\"ranks\"><h2>Ranks</h2>\n<p>").append(Html.text(lines.get(0))).append(".</p>\n")
                .append("<table><thead><tr><th>rank</th><th class=\"num\">step</th><th class=\"num\">busy</th>"
                        + "<th class=\"num\">compute / step</th><th class=\"num\">NCCL / step</th>"
                        + "<th class=\"num\">collective wait / step</th><th class=\"num\">overlap</th>"
                        + "<th class=\"num\">host wait</th><th class=\"num\">kernel wait</th>"
                        + "<th class=\"num\">other idle</th></tr></thead><tbody>\n");
        for (autoglm.analyse.ranks.RankRow r : t.rows()) {
            sb.append("<tr><td>").append(Html.escape(r.label())).append("</td>");
            num(sb, nan(r.stepMs(), Unit.MILLISECONDS));
            num(sb, nan(r.busyPct(), Unit.PERCENT));
            num(sb, nan(r.computeMsPerStep(), Unit.MILLISECONDS));
            num(sb, nan(r.commMsPerStep(), Unit.MILLISECONDS));
            num(sb, nan(r.collectiveWaitMsPerStep(), Unit.MILLISECONDS));
            num(sb, nan(r.overlapPct(), Unit.PERCENT));
            num(sb, nan(r.hostWaitPct(), Unit.PERCENT));
            num(sb, nan(r.kernelWaitPct(), Unit.PERCENT));
            num(sb, nan(r.otherIdlePct(), Unit.PERCENT));
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table><p><small>").append(Html.escape(lines.get(lines.size() - 1).strip()))
                .append("</small></p></section>\n");
    }

    /** The instances of a fleet diagnosis: where and when read, then one row per replica and per GPU instance. */
    /** A load run's server steps by batch (ServedText's columns). */
    static void served(StringBuilder sb, autoglm.analyse.load.ServedSteps.Result r) {
        sb.append("<section id=\"served\"><h2>Server steps by batch</h2>\n<p>").append(Html.text(ServedText.title(r)))
                .append("</p>\n");
        if (r.present()) {
            sb.append("<table><thead><tr>");
            for (String c : ServedText.COLUMNS) {
                sb.append("<th class=\"num\">").append(Html.escape(c)).append("</th>");
            }
            sb.append("</tr></thead><tbody>\n");
            for (autoglm.analyse.load.ServedSteps.ByBatch b : r.byBatch()) {
                sb.append("<tr>");
                for (String c : ServedText.cells(b)) {
                    num(sb, c);
                }
                sb.append("</tr>\n");
            }
            sb.append("</tbody></table>\n");
        }
        sb.append("</section>\n");
    }

    static void fleet(StringBuilder sb, autoglm.diagnose.FleetTable t) {
        sb.append("<section id=\"fleet\"><h2>Replicas</h2>\n<p>");
        for (String[] line : FleetText.header(t)) {
            sb.append(Html.escape(line[0])).append(": ").append(Html.text(line[1])).append("<br>");
        }
        sb.append("</p>\n<table><thead><tr><th>instance</th><th>job</th><th>model</th><th class=\"num\">requests</th>"
                + "<th class=\"num\">running</th><th class=\"num\">waiting</th><th class=\"num\">KV cache</th>"
                + "<th class=\"num\">TTFT</th><th class=\"num\">ITL</th><th class=\"num\">E2E</th><th>findings</th>"
                + "</tr></thead><tbody>\n");
        for (autoglm.diagnose.FleetTable.Row r : t.rows()) {
            sb.append("<tr><td>").append(Html.escape(r.instance())).append("</td><td>").append(Html.escape(r.job()))
                    .append("</td><td>").append(Html.escape(r.model())).append("</td>");
            num(sb, Double.isNaN(r.requests()) ? "n/a" : String.format(java.util.Locale.ROOT, "%.0f", r.requests()));
            cells(sb, r.metrics(), "server_running_mean", "server_waiting_mean", "server_kv_usage_mean_pct",
                    "server_ttft_ms", "server_itl_ms", "server_e2el_ms");
            sb.append("<td>").append(Html.escape(FleetText.found(r.findings()))).append("</td></tr>\n");
        }
        sb.append("</tbody></table>\n");
        if (!t.nodes().isEmpty()) {
            sb.append("<h3>GPU instances</h3>\n<table><thead><tr><th>instance</th><th>job</th><th>host</th>"
                    + "<th>source</th><th class=\"num\">GPUs</th><th class=\"num\">util</th><th class=\"num\">SM "
                    + "active</th><th class=\"num\">tensor</th><th class=\"num\">DRAM</th><th class=\"num\">memory "
                    + "peak</th><th class=\"num\">throttled</th><th class=\"num\">power</th><th>findings</th></tr>"
                    + "</thead><tbody>\n");
            for (autoglm.diagnose.FleetTable.Node n : t.nodes()) {
                sb.append("<tr><td>").append(Html.escape(n.instance())).append("</td><td>").append(Html.escape(n.job()))
                        .append("</td><td>").append(Html.escape(n.hostname())).append("</td><td>")
                        .append(Html.escape(n.source())).append("</td>");
                num(sb, Integer.toString(n.gpus()));
                cells(sb, n.metrics(), "gpu_util_pct", "sm_active_pct", "tensor_active_pct", "dram_bw_pct",
                        "gpu_mem_peak_pct", "clock_throttled_pct", "power_w");
                sb.append("<td>").append(Html.escape(FleetText.found(n.findings()))).append("</td></tr>\n");
            }
            sb.append("</tbody></table>\n");
        }
        sb.append("</section>\n");
    }

    private static void cells(StringBuilder sb, autoglm.analyse.Metrics metrics, String... names) {
        for (String m : names) {
            autoglm.analyse.Metric x = metrics.get(m);
            num(sb, x.present() ? MetricText.value(x) : "n/a");
        }
    }

    private static String nan(double v, Unit u) {
        return Double.isNaN(v) ? "n/a" : Quantities.format(v, u);
    }
}
