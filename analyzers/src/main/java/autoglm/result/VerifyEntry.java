package autoglm.result;

import autoglm.diagnose.Verification;
import autoglm.util.BadInputException;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One verified fix (docs/formats.md#verify): its knobs, status, the re-run's folder, whether it changes the work,
 * and each compared metric before and after.
 */
public record VerifyEntry(String rule, Map<String, String> knobs, String status, String reason, String run,
        Boolean changesWork, String workChange, Integer runs, Map<String, ComparisonEntry> metrics) {

    /**
     * A metric before and after: a factor only where a ratio means something (no signed quantity), the difference
     * always, Welch's p and, where it is known, whether the difference is within noise; {@code work} for a metric
     * that measures the work done rather than its speed.
     */
    public record ComparisonEntry(MetricEntry before, MetricEntry after, Double factor, Double speedup,
            Double difference, Double welchP, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean withinNoise,
            Boolean lowerIsBetter, Boolean work) {
    }

    /** {@code work}: the metrics that measure the work done rather than its speed (autoglm.verify.Verifier.WORK). */
    public static VerifyEntry of(Verification v, java.util.Set<String> work) {
        Map<String, ComparisonEntry> metrics = new LinkedHashMap<>();
        for (Verification.Comparison c : v.comparisons()) {
            metrics.put(c.metric(), new ComparisonEntry(MetricEntry.of(c.before()), MetricEntry.of(c.after()),
                    c.factor(), c.speedup(), c.difference(), c.p(),
                    Double.isNaN(c.p()) ? null : c.withinNoise(Verification.ALPHA), c.lowerIsBetter(),
                    work.contains(c.metric())));
        }
        return new VerifyEntry(v.rule(), v.knobs(), v.status().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                v.reason(), v.run(), v.workChange() != null, v.workChange(), v.runs(), metrics);
    }

    /** The verification as the diagnosis had it; {@code file} names the result in a refusal. */
    public Verification toVerification(String file) {
        List<Verification.Comparison> cs = new ArrayList<>();
        if (metrics != null) {
            metrics.forEach((name, c) -> cs.add(new Verification.Comparison(name, entry(name, c.before()).toMetric(name),
                    entry(name, c.after()).toMetric(name), Boolean.TRUE.equals(c.lowerIsBetter()),
                    c.welchP() == null ? Double.NaN : c.welchP())));
        }
        Verification.Status s = switch (status == null ? "" : status) {
            case "measured" -> Verification.Status.MEASURED;
            case "not-run" -> Verification.Status.NOT_RUN;
            case "re-run-failed" -> Verification.Status.FAILED;
            default -> throw new BadInputException(file + ": malformed result (verify status " + status + ")");
        };
        return new Verification(rule == null ? "" : rule, knobs == null ? Map.of() : knobs, s, reason, run,
                List.copyOf(cs), runs == null ? 1 : runs, workChange);
    }

    private static MetricEntry entry(String name, MetricEntry m) {
        if (m == null) {
            throw new IllegalArgumentException("metrics." + name + ": null where a metric belongs");
        }
        return m;
    }
}
