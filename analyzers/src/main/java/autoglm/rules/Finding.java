package autoglm.rules;

import autoglm.analyse.Metric;
import java.util.Map;

/**
 * The result of one rule on one input. Not-applicable and ok results are findings too, with the
 * reason in {@code reason}; only info and warning are problems. {@code counted}: how many events the verdict was
 * made from and what that did to the score (null for a rule that counts nothing, or one not judged).
 */
public record Finding(
        String rule,
        String title,
        String topic,
        Severity severity,
        double score,
        Map<String, Metric> evidence,
        Map<String, Double> thresholds,
        String summary,
        String explanation,
        String fix,
        Gain gain,
        String reason,
        Counted counted) {

    public boolean isProblem() {
        return severity == Severity.WARNING || severity == Severity.INFO;
    }
}
