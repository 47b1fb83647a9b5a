package autoglm.verify;

import autoglm.analyse.Metric;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.Verification;
import autoglm.rules.Finding;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.RuleDefinition;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Verifies fixes by re-running the workload: for each of the top reported findings, in rank order, re-runs it
 * with the knobs that apply the finding's fix (the rule's {@code verify}) and compares the headline metrics with
 * the baseline. A fix without knobs, or whose knobs are already in effect, is not re-run; two findings with the
 * same fix share one re-run. How a re-run happens is the caller's ({@link Rerun}): the CLI profiles the workload
 * under every probe, and a library user may do the same with the probes module's Profiler.
 */
public final class Verifier {
    /** Runs the workload with the extra knobs; {@code rule} names the run. */
    public interface Rerun {
        RunOutcome run(String rule, Map<String, String> knobs) throws Exception;
    }

    /** The metrics compared, and whether lower is better. */
    public static final Map<String, Boolean> HEADLINE = headline();
    /** The metrics a load re-run compares (docs/load.md#verify); the work done on both sides comes last. */
    public static final Map<String, Boolean> LOAD_HEADLINE = loadHeadline();
    /** Of those, the ones that count work rather than speed: shown beside, never a gain. */
    public static final java.util.Set<String> WORK = java.util.Set.of("load_completed", "load_input_tokens",
            "load_output_tokens");

    /**
     * What is verified and how: the knobs a rule names for it, the metrics compared, whether a fix is already in
     * effect in the baseline, and what is re-run (for the notes).
     */
    public record Mode(java.util.function.Function<RuleDefinition, Map<String, String>> knobs,
            Map<String, Boolean> headline, java.util.function.BiPredicate<RunOutcome, Map<String, String>> inEffect,
            String subject) {
        /** profile --verify: the workload's knobs ({@code verify}), checked against its start event. */
        public static final Mode WORKLOAD = new Mode(RuleDefinition::verify, HEADLINE,
                (base, knobs) -> base.workload() != null && Knobs.inEffect(base.workload(), knobs), "the workload");

        /** load --serve --verify: the endpoint knobs ({@code verify_endpoint}); {@code inEffect} knows the server. */
        public static Mode endpoint(java.util.function.BiPredicate<RunOutcome, Map<String, String>> inEffect) {
            return new Mode(RuleDefinition::verifyEndpoint, LOAD_HEADLINE, inEffect, "the server and the same traffic");
        }
    }

    private final RuleCatalogue catalogue;
    private final int top;
    private final Consumer<String> notes;
    private final Rerun rerun;
    private final Mode mode;

    public Verifier(RuleCatalogue catalogue, int top, Consumer<String> notes, Rerun rerun) {
        this(catalogue, top, notes, rerun, Mode.WORKLOAD);
    }

    public Verifier(RuleCatalogue catalogue, int top, Consumer<String> notes, Rerun rerun, Mode mode) {
        if (top < 1) {
            throw new IllegalArgumentException("verify at least one finding (top " + top + ")");
        }
        this.catalogue = catalogue;
        this.top = top;
        this.notes = notes;
        this.rerun = rerun;
        this.mode = mode;
    }

    private static Map<String, Boolean> loadHeadline() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        m.put("load_e2el_ms", true);
        m.put("load_ttft_ms", true);
        m.put("load_tpot_ms", true);
        m.put("load_itl_ms", true);
        m.put("server_queue_ms", true);
        m.put("load_step_ttft_slope_ms", true);
        m.put("turn_ttft_growth_pct", true);
        m.put("server_prefix_hit_pct", false);
        m.put("load_goodput", false);
        m.put("load_request_rate", false);
        m.put("load_output_throughput", false);
        m.put("load_completed", false);
        m.put("load_input_tokens", true);
        m.put("load_output_tokens", false);
        return Collections.unmodifiableMap(m);
    }

    private static Map<String, Boolean> headline() {
        Map<String, Boolean> m = new LinkedHashMap<>();
        m.put("ms_per_token", true);
        m.put("tokens_per_s", false);
        m.put("ttft_ms", true);
        m.put("gpu_util_pct", false);
        m.put("gpu_busy_pct", false);
        m.put("peak_mem_bytes", true);
        m.put("roofline_pct", false);
        return Collections.unmodifiableMap(m);
    }

    /** The verifications of the top findings of {@code base}; stops after a re-run that was interrupted. */
    public List<Verification> verify(RunOutcome base) throws Exception {
        List<Verification> out = new ArrayList<>();
        Map<Map<String, String>, Verification> done = new LinkedHashMap<>();
        int taken = 0;
        for (Finding f : base.diagnosis().findings()) {
            if (!f.isProblem() || taken >= top) {
                continue;
            }
            taken++;
            RuleDefinition def = catalogue.rule(f.rule());
            Map<String, String> knobs = def == null ? Map.of() : mode.knobs().apply(def);
            if (knobs.isEmpty()) {
                out.add(Verification.notRun(f.rule(), knobs, "no knob of " + mode.subject()
                        + " applies this fix: the gain stays estimated"));
                continue;
            }
            if (mode.inEffect().test(base, knobs)) {
                out.add(Verification.notRun(f.rule(), knobs, "the fix is already in effect in this run ("
                        + Verification.knobText(knobs) + ")"));
                continue;
            }
            Verification same = done.get(knobs);
            if (same != null) {
                out.add(new Verification(f.rule(), knobs, same.status(), same.reason() == null
                        ? "the same re-run as " + same.rule() : same.reason(), same.run(), same.comparisons()));
                continue;
            }
            notes.accept("verifying " + f.rule() + ": re-running " + mode.subject() + " with "
                    + Verification.knobText(knobs));
            RunOutcome after = rerun.run(f.rule(), knobs);
            Verification v = compare(f.rule(), knobs, base, after, mode.headline());
            done.put(knobs, v);
            out.add(v);
            if (after.interruptedBy() != null) {
                break;
            }
        }
        return out;
    }

    /** The verification of one re-run: measured (headline metrics before and after), not run, or failed. */
    public static Verification compare(String rule, Map<String, String> knobs, RunOutcome base, RunOutcome after) {
        return compare(rule, knobs, base, after, HEADLINE);
    }

    /** The same, comparing the metrics of {@code headline}. */
    public static Verification compare(String rule, Map<String, String> knobs, RunOutcome base, RunOutcome after,
            Map<String, Boolean> headline) {
        if (after.interruptedBy() != null) {
            return new Verification(rule, knobs, Verification.Status.FAILED, "interrupted by SIG"
                    + after.interruptedBy(), after.run(), List.of());
        }
        Integer code = after.exitCode();
        if (code == null || code != 0) {
            String why = after.workloadError() != null ? after.workloadError() : after.note();
            // exit 2: the workload refused the knobs here (no CUDA for graphs, torch too old to compile)
            Verification.Status s = code != null && code == 2 ? Verification.Status.NOT_RUN : Verification.Status.FAILED;
            return new Verification(rule, knobs, s, (s == Verification.Status.NOT_RUN
                    ? "the workload cannot apply it here: " : "the re-run failed: ") + why, after.run(), List.of());
        }
        Diagnosis b = base.diagnosis();
        Diagnosis a = after.diagnosis();
        List<Verification.Comparison> cs = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : headline.entrySet()) {
            Metric before = b.metrics().get(e.getKey());
            Metric now = a.metrics().get(e.getKey());
            if (before.present() || now.present()) {
                cs.add(new Verification.Comparison(e.getKey(), before, now, e.getValue()));
            }
        }
        return new Verification(rule, knobs, Verification.Status.MEASURED, null, after.run(), List.copyOf(cs));
    }
}
