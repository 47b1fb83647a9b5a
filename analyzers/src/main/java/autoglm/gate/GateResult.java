package autoglm.gate;

import java.util.List;

/** The gate's verdict: every metric check and every finding check, and the inputs' names. */
public record GateResult(String baseline, String current, GateThresholds thresholds, List<GateCheck> checks,
        List<FindingCheck> findings) {

    public boolean passed() {
        return checks.stream().noneMatch(c -> c.status() == GateCheck.Status.FAIL)
                && findings.stream().noneMatch(FindingCheck::failed);
    }

    public long count(GateCheck.Status s) {
        return checks.stream().filter(c -> c.status() == s).count();
    }

    public long failedFindings() {
        return findings.stream().filter(FindingCheck::failed).count();
    }
}
