package autoglm.gate;

import autoglm.rules.Severity;

/**
 * One finding of the current result above the allowed severity. {@code baseline} is that rule's severity
 * in the baseline (null when the baseline did not have the rule). It fails when new or worse, or always
 * when {@code new_only} is off.
 */
public record FindingCheck(String rule, String title, String summary, Severity current, Severity baseline,
        boolean failed) {

    public boolean isNew() {
        return baseline == null || !baseline.atLeast(current);
    }
}
