package autoglm.report;

import autoglm.gate.FindingCheck;
import autoglm.gate.GateCheck;
import autoglm.gate.GateResult;
import java.io.IOException;
import java.io.Writer;
import java.util.Locale;

/** The gate's verdict on the terminal: one line per metric, then the findings, then PASS or FAIL. */
public final class GateTextReport implements GateReport {
    @Override
    public void write(GateResult r, Writer out) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("autoglm gate\n  baseline   ").append(Text.safe(r.baseline())).append("\n  current    ")
                .append(Text.safe(r.current())).append("\n  thresholds ").append(Text.safe(r.thresholds().source()))
                .append('\n');
        if (r.currentRun() != null) {
            sb.append("  run        ").append(Text.safe(r.currentRun().status()))
                    .append(r.currentRun().complete() ? " (complete)" : " (INCOMPLETE)").append('\n');
        }
        sb.append('\n');
        sb.append(String.format(Locale.ROOT, "  %-7s %-22s %-22s %-22s %-22s %s%n", "status", "metric", "baseline",
                "current", "change", "limit / noise"));
        double alpha = r.thresholds().alpha();
        for (GateCheck c : r.checks()) {
            if (c.status() == GateCheck.Status.SKIPPED || c.status() == GateCheck.Status.MISSING) {
                sb.append(String.format(Locale.ROOT, "  %-7s %-22s %s%n", c.status() == GateCheck.Status.SKIPPED ? "skip"
                        : "missing", c.threshold().key(), Text.safe(c.reason())));
                continue;
            }
            if (c.status() == GateCheck.Status.BAD) {
                sb.append(String.format(Locale.ROOT, "  %-7s %-22s %-22s %-22s %s%n", "bad", c.threshold().key(),
                        GateCells.baseline(c), GateCells.current(c), Text.safe(c.reason())));
                continue;
            }
            sb.append(String.format(Locale.ROOT, "  %-7s %-22s %-22s %-22s %-22s %s%s%n", c.status().key(),
                    c.threshold().key(), GateCells.baseline(c), GateCells.current(c), GateCells.change(c),
                    c.threshold().text() + "; ", GateCells.noise(c, alpha)));
        }
        if (r.thresholds().maxSeverity() != null) {
            sb.append("\n  findings above ").append(r.thresholds().maxSeverity().key())
                    .append(r.thresholds().newOnly() ? " (only those the baseline did not have fail)" : "").append(": ");
            if (r.findings().isEmpty()) {
                sb.append("none\n");
            } else {
                sb.append('\n');
                for (FindingCheck f : r.findings()) {
                    sb.append("  ").append(f.failed() ? "fail   " : "known  ").append(Text.safe(GateCells.finding(f)))
                            .append('\n');
                }
            }
        }
        if (r.currentIncomplete()) {
            sb.append('\n').append(r.incompleteFails() ? "  fail   " : "  known  ")
                    .append(Text.safe(r.incompleteLine())).append('\n');
        }
        sb.append('\n').append(r.passed() ? "PASS" : "FAIL").append(": ").append(GateCells.counts(r))
                .append(r.incompleteFails() ? "; the current run is incomplete" : "").append('\n');
        out.write(sb.toString());
        out.flush();
    }
}
