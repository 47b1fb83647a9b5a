package autoglm.rules;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The schema of one rule file (rules/*.yaml), bound with {@link autoglm.util.StrictBinding}: every key is named
 * here and any other is refused. Checking what the values mean (metric names, expressions, anchors) is
 * {@link RuleCatalogue}'s job.
 */
record RuleFileSpec(String family, List<Rule> rules) {

    record Rule(String id, String title, String topic, List<String> requires, List<String> evidence,
            List<Threshold> thresholds, String applies, Score score, Gain gain, String summary, String explanation,
            String fix, @JsonProperty("fix_cpu") String fixCpu, Map<String, String> verify, @JsonProperty("verify_also") List<Map<String, String>> verifyAlso,
            @JsonProperty("verify_endpoint") Map<String, String> verifyEndpoint, List<Count> counts,
            String uncounted) {
    }

    /**
     * A count the verdict is made from: {@code of} (the events, plural), {@code n} ({@code metric.n}, its sample
     * count, or a count metric's name), {@code min} and {@code full} (names of count thresholds of the rule).
     */
    record Count(String of, String n, String min, String full) {
    }

    record Threshold(String name, String unit, @JsonProperty("default") Double defaultValue, String description) {
    }

    record Score(String metric, String zero, String info, String warning) {
    }

    /**
     * {@code formula}, {@code base} (a {@link GainBase} key: what the estimate is a share of), {@code bound} (an
     * expression: the share of that base the cause takes, which the estimate cannot pass) and {@code basis}: an
     * estimate; or {@code none}: why the rule has no gain model (the finding's place in the ranking is then fixed, see
     * {@link Ranking}).
     */
    record Gain(String formula, String base, String bound, String basis, String none) {
    }
}
