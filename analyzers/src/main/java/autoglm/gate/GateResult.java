package autoglm.gate;

import autoglm.result.ResultSummary;
import java.util.List;

/**
 * The gate's verdict: every metric check and every finding check, the inputs' names, and how the runs
 * behind them ended ({@code currentRun}/{@code baselineRun} null for a trace). A current run that did not
 * end cleanly fails the gate unless {@code allowIncomplete}.
 */
public record GateResult(String baseline, String current, GateThresholds thresholds, List<GateCheck> checks,
        List<FindingCheck> findings, ResultSummary.RunState baselineRun, ResultSummary.RunState currentRun,
        boolean allowIncomplete) {

    public GateResult(String baseline, String current, GateThresholds thresholds, List<GateCheck> checks,
            List<FindingCheck> findings) {
        this(baseline, current, thresholds, checks, findings, null, null, false);
    }

    public boolean passed() {
        return checks.stream().noneMatch(GateCheck::failed)
                && findings.stream().noneMatch(FindingCheck::failed)
                && !incompleteFails();
    }

    /** Whether the current run did not end cleanly (failed, interrupted, still running). */
    public boolean currentIncomplete() {
        return currentRun != null && !currentRun.complete();
    }

    /** Whether the current run's state fails the gate: incomplete, and --allow-incomplete not given. */
    public boolean incompleteFails() {
        return currentIncomplete() && !allowIncomplete;
    }

    /** "the current run is incomplete (failed: the command exited with code 1)", or null when it is not. */
    public String incompleteLine() {
        if (!currentIncomplete()) {
            return null;
        }
        return "the current run is incomplete (" + currentRun.status()
                + (currentRun.note() == null ? "" : ": " + currentRun.note()) + ")"
                + (allowIncomplete ? "; allowed by --allow-incomplete" : "");
    }

    public long count(GateCheck.Status s) {
        return checks.stream().filter(c -> c.status() == s).count();
    }

    /** Metric checks that fail: past the limit, missing from the current result, or a bad value. */
    public long failedChecks() {
        return checks.stream().filter(GateCheck::failed).count();
    }

    /** Metric checks where both results had the metric. */
    public long compared() {
        return checks.stream().filter(GateCheck::compared).count();
    }

    public long failedFindings() {
        return findings.stream().filter(FindingCheck::failed).count();
    }
}
