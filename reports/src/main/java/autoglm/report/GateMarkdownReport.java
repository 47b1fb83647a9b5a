package autoglm.report;

import autoglm.gate.FindingCheck;
import autoglm.gate.GateCheck;
import autoglm.gate.GateResult;
import java.io.IOException;
import java.io.Writer;

/** The gate's verdict for a pull-request comment or a CI job summary: a headline and one table row per metric. */
public final class GateMarkdownReport implements GateReport {
    @Override
    public void write(GateResult r, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder();
        double alpha = r.thresholds().alpha();
        sb.append("### autoglm gate: ").append(r.passed() ? "PASS" : "FAIL").append("\n\n")
                .append(GateCells.counts(r)).append(". Baseline ").append(Markdown.escape(r.baseline())).append(", current ")
                .append(Markdown.escape(r.current())).append(".\n\n");
        if (r.currentIncomplete()) {
            sb.append(r.incompleteFails() ? "**fail**: " : "").append(Markdown.escape(r.incompleteLine())).append(".\n\n");
        }
        sb.append("| status | metric | baseline | current | change | limit | noise |\n|---|---|---:|---:|---:|---|---|\n");
        for (GateCheck c : r.checks()) {
            String status = c.failed() ? "**" + c.status().key() + "**" : c.status().key();
            sb.append("| ").append(status).append(" | ").append(Markdown.escape(c.threshold().key())).append(" | ");
            if (c.status() == GateCheck.Status.SKIPPED || c.status() == GateCheck.Status.MISSING) {
                sb.append(" |  |  | ").append(Markdown.escape(c.threshold().text())).append(" | ")
                        .append(Markdown.escape(c.reason())).append(" |\n");
                continue;
            }
            sb.append(Markdown.escape(GateCells.baseline(c))).append(" | ").append(Markdown.escape(GateCells.current(c)))
                    .append(" | ").append(Markdown.escape(GateCells.change(c))).append(" | ")
                    .append(Markdown.escape(c.threshold().text())).append(" | ")
                    .append(Markdown.escape(GateCells.noise(c, alpha))).append(" |\n");
        }
        if (!r.findings().isEmpty()) {
            sb.append("\nFindings above ").append(r.thresholds().maxSeverity().key()).append(":\n\n");
            for (FindingCheck f : r.findings()) {
                sb.append("- ").append(f.failed() ? "**fail** " : "known ").append(Markdown.escape(GateCells.finding(f)))
                        .append('\n');
            }
        }
        out.write(sb.toString());
        out.flush();
    }
}
