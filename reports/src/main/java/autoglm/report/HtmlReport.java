package autoglm.report;

import autoglm.analyse.Metric;
import autoglm.diagnose.charts.ChartSet;
import autoglm.diagnose.charts.Histogram;
import autoglm.diagnose.charts.TimeChart;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.Verification;
import autoglm.rules.Finding;
import autoglm.rules.Severity;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * One self-contained HTML file: the ranked findings with evidence, fixes and before/after, the charts
 * (inline SVG drawn by JFreeChart), the top kernels, the metrics and the data loss. No script, no
 * network: a Content-Security-Policy forbids both. Every string from a trace or a command is escaped.
 */
public final class HtmlReport implements Report {
    private final ChartSet charts;

    public HtmlReport(ChartSet charts) {
        this.charts = charts;
    }

    @Override
    public void write(Diagnosis d, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder(64 * 1024);
        boolean run = d.run() != null;
        String what = run ? "a profiled run" : d.fleet() != null ? "a fleet of serving replicas"
                : d.inputs().size() == 1 ? "1 trace" : d.inputs().size() + " traces";
        sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>autoglm: diagnosis of ").append(Html.escape(what)).append("</title>\n<style>")
                .append(HtmlStyle.CSS).append("</style></head>\n<body>\n");
        sb.append("<h1>autoglm ").append(Html.escape(d.version())).append(" &middot; diagnosis of ")
                .append(Html.escape(what)).append("</h1>\n");
        HtmlTables.header(sb, d);
        if (d.ranks() != null) {
            HtmlTables.ranks(sb, d.ranks());
        }
        if (d.fleet() != null) {
            HtmlTables.fleet(sb, d.fleet());
        }
        if (d.served() != null) {
            HtmlTables.served(sb, d.served());
        }
        findings(sb, d);
        verified(sb, d);
        chartSection(sb);
        if (d.inputs().size() == 1) {
            HtmlTables.kernels(sb, d.inputs().get(0).analysis().breakdown());
        }
        HtmlTables.metrics(sb, d.metrics());
        HtmlTables.dataLoss(sb, d.dataLoss());
        sb.append("<footer>Written by autoglm ").append(Html.escape(d.version()))
                .append(". Every number shows its sample count (n) and spread where it has one.</footer>\n")
                .append("</body></html>\n");
        out.write(sb.toString());
        out.flush();
    }

    private void findings(StringBuilder sb, Diagnosis d) {
        sb.append("<section id=\"findings\"><h2>Findings</h2>\n<p class=\"order\">")
                .append(Html.escape(autoglm.rules.Ranking.DESCRIPTION)).append(".</p>\n");
        int rank = 0;
        for (Finding f : d.findings()) {
            if (!f.isProblem()) {
                continue;
            }
            rank++;
            String sev = f.severity() == Severity.WARNING ? "warning" : "info";
            sb.append("<article class=\"finding ").append(sev).append("\"><h3><span class=\"rank\">").append(rank)
                    .append(".</span> <span class=\"badge ").append(sev).append("\">").append(sev.toUpperCase(java.util.Locale.ROOT))
                    .append("</span> <code class=\"rule\">").append(Html.escape(f.rule())).append("</code> ")
                    .append(Html.escape(f.title())).append(" <span class=\"score\">score ")
                    .append(Math.round(f.score())).append("</span></h3>\n");
            sb.append("<p>").append(Html.text(f.summary())).append("</p>\n<dl>");
            sb.append("<dt>evidence</dt><dd><ul>");
            for (Map.Entry<String, Metric> e : f.evidence().entrySet()) {
                if (e.getValue().present()) {
                    sb.append("<li><code class=\"name\">").append(Html.escape(e.getKey())).append("</code> ")
                            .append(Html.text(MetricText.withSamples(e.getValue()))).append("</li>");
                }
            }
            sb.append("</ul></dd>\n");
            String count = CountText.text(f.counted());
            if (!count.isEmpty()) {
                sb.append("<dt>count</dt><dd>").append(Html.text(count)).append("</dd>\n");
            }
            sb.append("<dt>why</dt><dd>").append(Html.escape(f.explanation())).append("</dd>\n");
            sb.append("<dt>fix</dt><dd>").append(Html.escape(f.fix())).append("</dd>\n");
            sb.append("<dt>gain</dt><dd class=\"gain ").append(Html.escape(f.gain().kind())).append("\">")
                    .append(Html.text(GainText.text(f))).append("</dd>");
            if (f.reason() != null) {
                sb.append("\n<dt>severity</dt><dd>").append(Html.text(f.reason())).append("</dd>");
            }
            sb.append("</dl></article>\n");
        }
        if (rank == 0) {
            sb.append("<p class=\"ok\">No bottleneck found at info level or above.</p>\n");
        }
        java.util.List<String> overlaps = GainText.overlaps(d.findings());
        if (!overlaps.isEmpty()) {
            sb.append("<div class=\"overlaps\"><h3>").append(GainText.OVERLAP_TITLE).append("</h3>\n<p>")
                    .append(Html.escape(GainText.OVERLAP_INTRO)).append(".</p>\n<ul>");
            for (String line : overlaps) {
                sb.append("<li>").append(Html.text(line)).append("</li>");
            }
            sb.append("</ul></div>\n");
        }
        StringBuilder ok = new StringBuilder();
        StringBuilder na = new StringBuilder();
        for (Finding f : d.findings()) {
            if (f.severity() == Severity.OK) {
                ok.append(ok.length() == 0 ? "" : ", ").append("<code class=\"rule\">").append(Html.escape(f.rule()))
                        .append("</code>");
            } else if (f.severity() == Severity.NOT_APPLICABLE) {
                na.append("<li><code class=\"rule\">").append(Html.escape(f.rule())).append("</code>: ").append(Html.escape(f.reason()))
                        .append("</li>");
            }
        }
        if (ok.length() > 0) {
            sb.append("<p><b>OK:</b> ").append(ok).append("</p>\n");
        }
        if (na.length() > 0) {
            sb.append("<details><summary>Not applicable</summary><ul>").append(na).append("</ul></details>\n");
        }
        sb.append("</section>\n");
    }

    private void verified(StringBuilder sb, Diagnosis d) {
        if (d.verifications().isEmpty()) {
            return;
        }
        sb.append("<section id=\"verified\"><h2>Fixes verified: before and after</h2>\n<p>The workload re-run with "
                + "each fix in the same invocation (measured); findings not re-run keep their estimated gain.</p>\n")
                .append("<table><thead><tr><th>rule</th><th>knobs</th><th>status</th>");
        // a column no verification has a value for says nothing: left out
        List<String[]> columns = new java.util.ArrayList<>();
        for (String[] col : VerifyText.columns(d.verifications())) {
            if (d.verifications().stream().anyMatch(v -> v.comparison(col[1]) != null
                    && (v.comparison(col[1]).before().present() || v.comparison(col[1]).after().present()))) {
                columns.add(col);
            }
        }
        for (String[] col : columns) {
            sb.append("<th class=\"num\">").append(Html.escape(col[0])).append("</th>");
        }
        sb.append("</tr></thead><tbody>\n");
        for (Verification v : d.verifications()) {
            sb.append("<tr><td><code class=\"rule\">").append(Html.escape(v.rule())).append("</code></td><td>")
                    .append(Html.escape(Verification.knobText(v.knobs()))).append("</td><td>")
                    .append(Html.text(v.status().label() + (v.reason() == null ? "" : ": " + v.reason())
                            + (v.workChange() == null ? "" : "; " + v.workChange())
                            + (v.runs() > 1 ? "; " + v.runs() + " runs a side" : "")))
                    .append("</td>");
            for (String[] col : columns) {
                Verification.Comparison c = v.comparison(col[1]);
                sb.append("<td class=\"num\">").append(Html.text(VerifyText.cell(c)));
                if (c != null) {
                    sb.append("<br><small>n ").append(c.before().n()).append(" &rarr; ").append(c.after().n())
                            .append("</small>");
                }
                sb.append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table></section>\n");
    }

    private void chartSection(StringBuilder sb) {
        if (charts.size() == 0) {
            return;
        }
        sb.append("<section id=\"charts\"><h2>Charts</h2>\n<div class=\"charts\">\n");
        if (charts.load() != null) {
            figure(sb, SvgCharts.loadTimeline(charts.load()), charts.load().source() + " (n = "
                    + autoglm.analyse.Quantities.format(charts.load().n(), autoglm.analyse.Unit.COUNT) + "); each request "
                    + "on the first lane free when it was sent; the same tracks open in Perfetto (autoglm export)");
        }
        for (TimeChart c : charts.timelines()) {
            figure(sb, SvgCharts.time(c), c.source() + " (n = " + autoglm.analyse.Quantities.format(c.n(),
                    autoglm.analyse.Unit.COUNT) + ")" + (c.excluded().isEmpty() ? ""
                    : "; shaded: the " + String.join(" and ", c.excludedLabels()) + ", left out of the statistics")
                    + (c.right().isEmpty() ? "" : "; dashed: right axis"));
        }
        for (Histogram h : charts.histograms()) {
            figure(sb, SvgCharts.histogram(h), h.source() + "; " + HtmlTables.spreadText(h));
        }
        if (charts.topKernels() != null) {
            figure(sb, SvgCharts.bars(charts.topKernels()), charts.topKernels().source()
                    + "; each bar is labelled with its rank in the table below and the kernel's short name");
        }
        sb.append("</div></section>\n");
    }

    private static void figure(StringBuilder sb, String svg, String caption) {
        sb.append("<figure>").append(svg).append("<figcaption>").append(Html.escape(caption))
                .append("</figcaption></figure>\n");
    }
}
