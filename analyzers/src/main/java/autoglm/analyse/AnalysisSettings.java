package autoglm.analyse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings of the analyses themselves (not of any rule): overridable with
 * {@code --set analysis.NAME=VALUE}. Defaults follow HTA where HTA has one.
 */
public final class AnalysisSettings {
    /**
     * 30 us: what HTA does in practice (its docstring says 30 ns, but it compares the value with gaps in
     * microseconds). A gap after an activity that was already queued is the GPU's own: starting the next kernel,
     * waiting on another stream's event; at 30 ns no gap of the H100 fixtures fell there at all
     * (docs/analyses.md#kernel-wait).
     */
    public static final Parameter CONSECUTIVE_KERNEL_DELAY_NS = new Parameter("consecutive_kernel_delay_ns",
            Unit.NANOSECONDS, 30_000,
            "gaps between queued activities on a stream shorter than this are kernel wait (HTA's consecutive_kernel_delay, "
                    + "30 us as HTA applies it)");
    public static final Parameter SMALL_KERNEL_US = new Parameter("small_kernel_us", Unit.MICROSECONDS, 5,
            "kernels shorter than this count as small");
    public static final Parameter LONG_GAP_MS = new Parameter("long_gap_ms", Unit.MILLISECONDS, 1,
            "GPU idle gaps longer than this are examined for host-side blocking");
    public static final Parameter LAUNCH_RUNTIME_CUTOFF_US = new Parameter("launch_runtime_cutoff_us",
            Unit.MICROSECONDS, 50, "launch calls up to this long are examined for short kernels (HTA's runtime_cutoff)");
    public static final Parameter MIN_GROWTH_R2 = new Parameter("min_growth_r2", Unit.COUNT, 0.9,
            "without recorded shapes, a linear growth of GPU time per iteration with at least this R^2 "
                    + "stands in for input growth");
    /**
     * 0.05: the usual level. A fit decides a rule only where the coefficient it reads (a slope, the quadratic term)
     * is this unlikely under no effect at all (docs/analyses.md#fits).
     */
    public static final Parameter FIT_ALPHA = new Parameter("fit_alpha", Unit.COUNT, 0.05,
            "a fitted figure (TTFT over prompt length, over steps or turns; GPU time over iterations) decides only "
                    + "where its coefficient's two-sided p (Student's t from its standard error) is below this");
    /**
     * 2x: a parabola through prompts 4% apart (100 to 104 tokens) is noise; at twice the shortest the quadratic
     * term of prefill is 4 times as large at the longest prompt, a curve the fit can see.
     */
    public static final Parameter FIT_MIN_PROMPT_RATIO = new Parameter("fit_min_prompt_ratio", Unit.FACTOR, 2,
            "the fit of TTFT over prompt length needs the longest prompt at least this many times the shortest");

    /** Severity follows impact (docs/analyses.md#severity-follows-impact): below this gain a finding is at most info. */
    public static final Parameter MIN_GAIN_PCT = new Parameter("min_gain_pct", Unit.PERCENT, 1,
            "a finding whose estimated gain is below this share of its base is at most info: its score is capped "
                    + "below 75, linearly from 25 at negligible_gain_pct to 75 here");
    /** Below this gain a finding is ok: there is nothing worth reporting to gain. */
    public static final Parameter NEGLIGIBLE_GAIN_PCT = new Parameter("negligible_gain_pct", Unit.PERCENT, 0.1,
            "a finding whose estimated gain is below this share of its base is ok (not reported): its score is "
                    + "capped below 25, linearly from 0 at no gain");

    public static final List<Parameter> ALL = List.of(CONSECUTIVE_KERNEL_DELAY_NS, SMALL_KERNEL_US, LONG_GAP_MS,
            LAUNCH_RUNTIME_CUTOFF_US, MIN_GROWTH_R2, FIT_ALPHA, FIT_MIN_PROMPT_RATIO, MIN_GAIN_PCT,
            NEGLIGIBLE_GAIN_PCT);

    private final Map<String, Double> values;

    private AnalysisSettings(Map<String, Double> values) {
        this.values = values;
    }

    public static AnalysisSettings defaults() {
        return new AnalysisSettings(Map.of());
    }

    /** Settings with overrides by name; unknown names are refused. */
    public static AnalysisSettings of(Map<String, Double> overrides) {
        for (Map.Entry<String, Double> e : overrides.entrySet()) {
            String name = e.getKey();
            if (find(name) == null) {
                throw new IllegalArgumentException("unknown analysis setting '" + name + "'");
            }
            double v = e.getValue();
            if (name.equals(FIT_ALPHA.name()) && !(v > 0 && v < 1)) {
                throw new IllegalArgumentException("analysis." + name + " is a probability: above 0 and below 1, not "
                        + Quantities.exact(v));
            }
            if (name.equals(FIT_MIN_PROMPT_RATIO.name()) && !(v >= 1 && Double.isFinite(v))) {
                throw new IllegalArgumentException("analysis." + name + " is a ratio of prompt lengths: 1 or more, not "
                        + Quantities.exact(v));
            }
            if ((name.equals(MIN_GAIN_PCT.name()) || name.equals(NEGLIGIBLE_GAIN_PCT.name())) && !(v >= 0 && v <= 100)) {
                throw new IllegalArgumentException("analysis." + name + " = " + v + ": a share of a gain's base, "
                        + "0 to 100");
            }
        }
        return new AnalysisSettings(new LinkedHashMap<>(overrides));
    }

    public static Parameter find(String name) {
        for (Parameter p : ALL) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }

    public double get(Parameter p) {
        return values.getOrDefault(p.name(), p.defaultValue());
    }
}
