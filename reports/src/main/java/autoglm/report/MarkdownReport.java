package autoglm.report;

import autoglm.analyse.Metric;
import autoglm.analyse.Metrics;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.Verification;
import autoglm.rules.Finding;
import autoglm.rules.Severity;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/**
 * A short summary fit for a pull-request comment: the ranked findings with their gain and fix, the key
 * metrics with n, the verified fixes, and the data loss. Every string from a trace is escaped.
 */
public final class MarkdownReport implements Report {
    /** The metrics the summary shows, those present. */
    static final List<String> KEY_METRICS = List.of("tokens_per_s", "ms_per_token", "ttft_ms", "e2e_ms",
            "step_time_ms", "gpu_busy_pct", "gpu_util_pct", "sm_active_pct", "tensor_active_pct", "kernels_per_step",
            "peak_mem_bytes", "gpu_mem_peak_bytes");

    @Override
    public void write(Diagnosis d, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder();
        boolean run = d.run() != null;
        long warnings = d.findings().stream().filter(f -> f.severity() == Severity.WARNING).count();
        long infos = d.findings().stream().filter(f -> f.severity() == Severity.INFO).count();
        String what = run ? Markdown.escape(d.run().recording().info().name())
                : d.inputs().size() == 1 ? Markdown.escape(fileName(d.inputs().get(0).analysis().model().source().path()))
                : d.inputs().size() + " traces";
        sb.append("### autoglm: ").append(what).append(" - ").append(warnings).append(warnings == 1 ? " warning, " : " warnings, ")
                .append(infos).append(infos == 1 ? " info" : " infos").append("\n\n");
        if (!d.overrides().isEmpty()) {
            StringBuilder set = new StringBuilder();
            d.overrides().forEach((k, v) -> set.append(set.length() == 0 ? "" : ", ").append('`').append(k).append('=')
                    .append(v).append('`'));
            sb.append("Overrides in force (--set): ").append(Markdown.escape(set.toString())).append(".\n\n");
        }
        String load = LoadText.settings(d.metrics());
        if (load != null) {
            sb.append("Load: ").append(Markdown.escape(load)).append(".\n\n");
        }
        sb.append("Findings ").append(autoglm.rules.Ranking.DESCRIPTION).append(".\n\n");
        int rank = 0;
        for (Finding f : d.findings()) {
            if (!f.isProblem()) {
                continue;
            }
            if (rank++ == 0) {
                sb.append("| # | severity | rule | finding | gain | fix |\n|---:|---|---|---|---|---|\n");
            }
            sb.append("| ").append(rank).append(" | ").append(f.severity().key()).append(" | ").append(Markdown.escape(f.rule()))
                    .append(" | ").append(Markdown.escape(f.summary() + (CountText.text(f.counted()).isEmpty() ? ""
                            : " (" + CountText.text(f.counted()) + ")"))).append(" | ")
                    .append(Markdown.escape(GainText.shortText(f) + " " + GainText.of(f))).append(" | ")
                    .append(Markdown.escape(f.fix())).append(" |\n");
        }
        if (rank == 0) {
            sb.append("No bottleneck found at info level or above.\n");
        }
        List<String> overlaps = GainText.overlaps(d.findings());
        if (!overlaps.isEmpty()) {
            sb.append("\n**").append(GainText.OVERLAP_TITLE).append("**: ").append(GainText.OVERLAP_INTRO).append(".\n\n");
            for (String line : overlaps) {
                sb.append("- ").append(Markdown.escape(line)).append('\n');
            }
        }
        metrics(sb, d.metrics());
        verified(sb, d);
        sb.append("\nData loss: ").append(d.dataLoss().lost()).append(" lost (malformed or unmatched)");
        long excluded = d.dataLoss().get(autoglm.model.trace.DataLoss.Group.EXCLUDED).values().stream()
                .mapToLong(Long::longValue).sum();
        sb.append(", ").append(excluded).append(" excluded from the analysed window. autoglm ")
                .append(Markdown.escape(d.version())).append(".\n");
        out.write(sb.toString());
        out.flush();
    }

    private static String fileName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static void metrics(StringBuilder sb, Metrics m) {
        StringBuilder rows = new StringBuilder();
        for (String name : KEY_METRICS) {
            Metric x = m.get(name);
            if (x != null && x.present()) {
                rows.append("| ").append(Markdown.escape(name)).append(" | ")
                        .append(Markdown.escape(MetricText.withSamples(x))).append(" |\n");
            }
        }
        if (rows.length() > 0) {
            sb.append("\n<details><summary>Key metrics</summary>\n\n| metric | value (n, spread) |\n|---|---|\n")
                    .append(rows).append("\n</details>\n");
        }
    }

    private static void verified(StringBuilder sb, Diagnosis d) {
        if (d.verifications().isEmpty()) {
            return;
        }
        sb.append("\n**Fixes verified** (each fix re-run in the same invocation):\n\n| rule | knobs | status |");
        for (String[] col : VerifyText.columns(d.verifications())) {
            sb.append(' ').append(col[0]).append(" |");
        }
        sb.append("\n|---|---|---|").append("---|".repeat(VerifyText.columns(d.verifications()).length)).append('\n');
        for (Verification v : d.verifications()) {
            sb.append("| ").append(Markdown.escape(v.rule())).append(" | ").append(Markdown.escape(Verification.knobText(v.knobs())))
                    .append(" | ").append(Markdown.escape(v.status().label() + (v.workChange() == null ? ""
                            : "; " + v.workChange()) + (v.runs() > 1 ? "; " + v.runs() + " runs a side" : ""))).append(" |");
            for (String[] col : VerifyText.columns(d.verifications())) {
                sb.append(' ').append(Markdown.escape(VerifyText.cell(v.comparison(col[1])))).append(" |");
            }
            sb.append('\n');
        }
    }
}
