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

        /**
         * Why the workload cannot run with these extra knobs on this machine (asked before anything starts), or null
         * when it can; by default nothing is refused and the re-run itself says so.
         */
        default String refusal(Map<String, String> knobs) throws Exception {
            return null;
        }
    }

    /** The metrics compared, and whether lower is better. */
    public static final Map<String, Boolean> HEADLINE = headline();
    /** The metrics a load re-run compares (docs/load.md#verify); the work done on both sides comes last. */
    public static final Map<String, Boolean> LOAD_HEADLINE = loadHeadline();
    /** Of those, the ones that count work rather than speed: shown beside, never a gain. */
    public static final java.util.Set<String> WORK = java.util.Set.of("load_completed", "load_input_tokens",
            "load_output_tokens", "workload_requests", "request_prompt_tokens", "prompt_tokens", "output_tokens_total",
            "decode_rows");

    /**
     * What is verified and how: the knob sets a rule names for it (each verified on its own, in order), the metrics
     * compared, whether a fix is already in effect in the baseline, what is re-run (for the notes), and what a fix
     * changes in the work done (null: the same work).
     */
    public record Mode(java.util.function.Function<RuleDefinition, List<Map<String, String>>> knobs,
            Map<String, Boolean> headline, java.util.function.BiPredicate<RunOutcome, Map<String, String>> inEffect,
            String subject, java.util.function.Function<Map<String, String>, String> workChange,
            java.util.function.BiFunction<RunOutcome, Map<String, String>, String> unsupported) {
        /**
         * profile --verify: the workload's knobs ({@code verify}, {@code verify_also}), checked against its start
         * event; a fix that needs CUDA is not attempted when the baseline ran on the CPU.
         */
        public static final Mode WORKLOAD = new Mode(RuleDefinition::verifications, HEADLINE,
                (base, knobs) -> base.workload() != null && Knobs.inEffect(base.workload(), knobs), "the workload",
                Knobs::workChange, (base, knobs) -> base.workload() == null ? null
                        : Knobs.unsupported(base.workload(), knobs));

        /** load --serve --verify: the endpoint knobs ({@code verify_endpoint}); {@code inEffect} knows the server. */
        public static Mode endpoint(java.util.function.BiPredicate<RunOutcome, Map<String, String>> inEffect) {
            return new Mode(r -> r.verifyEndpoint().isEmpty() ? List.of() : List.of(r.verifyEndpoint()), LOAD_HEADLINE,
                    inEffect, "the server and the same traffic", knobs -> knobs.keySet().stream()
                            .anyMatch(autoglm.rules.EndpointKnobs.CHANGES_WORK::contains)
                            ? "less work: fewer prompt tokens are computed (smaller images), a quality trade-off" : null,
                    (base, knobs) -> null);
        }
    }

    private final RuleCatalogue catalogue;
    private final int top;
    private final Consumer<String> notes;
    private final Rerun rerun;
    private final Mode mode;
    private final int runs;

    public Verifier(RuleCatalogue catalogue, int top, Consumer<String> notes, Rerun rerun) {
        this(catalogue, top, notes, rerun, Mode.WORKLOAD, 1);
    }

    public Verifier(RuleCatalogue catalogue, int top, Consumer<String> notes, Rerun rerun, Mode mode) {
        this(catalogue, top, notes, rerun, mode, 1);
    }

    /**
     * {@code runs}: runs of each side. With more than one, the baseline is run {@code runs - 1} more times (before
     * the first fix is re-run), each fix {@code runs} times, and each metric compared is the median of the runs with
     * the spread over them and Welch's p over the runs' values.
     */
    public Verifier(RuleCatalogue catalogue, int top, Consumer<String> notes, Rerun rerun, Mode mode, int runs) {
        if (top < 1) {
            throw new IllegalArgumentException("verify at least one finding (top " + top + ")");
        }
        if (runs < 1) {
            throw new IllegalArgumentException("at least one run a side (runs " + runs + ")");
        }
        this.catalogue = catalogue;
        this.top = top;
        this.notes = notes;
        this.rerun = rerun;
        this.mode = mode;
        this.runs = runs;
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
        m.put("queue_ms", true);
        m.put("gpu_util_pct", false);
        m.put("gpu_busy_pct", false);
        m.put("peak_mem_bytes", true);
        m.put("roofline_pct", false);
        // the work done on each side: shown beside, never a gain (WORK)
        m.put("workload_requests", false);
        m.put("request_prompt_tokens", true);
        m.put("prompt_tokens", true);
        m.put("output_tokens_total", false);
        m.put("decode_rows", true);
        return Collections.unmodifiableMap(m);
    }

    /** The verifications of the top findings of {@code base}; stops after a re-run that was interrupted. */
    public List<Verification> verify(RunOutcome base) throws Exception {
        List<Verification> out = new ArrayList<>();
        Map<Map<String, String>, Verification> done = new LinkedHashMap<>();
        List<RunOutcome> baseline = new ArrayList<>(List.of(base));
        int taken = 0;
        for (Finding f : base.diagnosis().findings()) {
            if (!f.isProblem() || taken >= top) {
                continue;
            }
            taken++;
            RuleDefinition def = catalogue.rule(f.rule());
            List<Map<String, String>> sets = def == null ? List.of() : mode.knobs().apply(def);
            if (sets.isEmpty()) {
                out.add(Verification.notRun(f.rule(), Map.of(), "no knob of " + mode.subject()
                        + " applies this fix: the gain stays estimated"));
                continue;
            }
            for (int variant = 0; variant < sets.size(); variant++) {
                Map<String, String> knobs = sets.get(variant);
                if (mode.inEffect().test(base, knobs)) {
                    out.add(Verification.notRun(f.rule(), knobs, "the fix is already in effect in this run ("
                            + Verification.knobText(knobs) + ")"));
                    continue;
                }
                Verification same = done.get(knobs);
                if (same != null) {
                    out.add(new Verification(f.rule(), knobs, same.status(), same.reason() == null
                            ? "the same re-run as " + same.rule() : same.reason(), same.run(), same.comparisons(),
                            same.runs(), same.workChange()));
                    continue;
                }
                String unsupported = mode.unsupported().apply(base, knobs);
                if (unsupported != null) {
                    Verification v = Verification.notRun(f.rule(), knobs, "not attempted: " + unsupported);
                    done.put(knobs, v);
                    out.add(v);
                    continue;
                }
                String refused = rerun.refusal(knobs);
                if (refused != null) {
                    Verification v = Verification.notRun(f.rule(), knobs, "the workload cannot apply it here: " + refused);
                    done.put(knobs, v);
                    out.add(v);
                    continue;
                }
                if (baseline.size() < runs && !repeatBaseline(baseline)) {
                    return out;
                }
                String label = f.rule() + (variant == 0 ? "" : "-fix" + (variant + 1));
                List<RunOutcome> after = new ArrayList<>();
                for (int i = 1; i <= runs; i++) {
                    notes.accept("verifying " + f.rule() + ": re-running " + mode.subject() + " with "
                            + Verification.knobText(knobs) + (runs > 1 ? " (run " + i + " of " + runs + ")" : ""));
                    RunOutcome a = rerun.run(i == 1 ? label : label + "-run" + i, knobs);
                    after.add(a);
                    if (a.interruptedBy() != null || a.exitCode() == null || a.exitCode() != 0) {
                        break;
                    }
                }
                Verification v = compare(f.rule(), knobs, baseline, after, mode.headline(), mode.workChange()
                        .apply(knobs));
                done.put(knobs, v);
                out.add(v);
                if (after.get(after.size() - 1).interruptedBy() != null) {
                    return out;
                }
            }
        }
        return out;
    }

    /** Runs the baseline again until it has {@code runs} runs; false when a run was interrupted. */
    private boolean repeatBaseline(List<RunOutcome> baseline) throws Exception {
        while (baseline.size() < runs) {
            int i = baseline.size() + 1;
            notes.accept("verifying: re-running the baseline (run " + i + " of " + runs + ")");
            RunOutcome b = rerun.run("baseline-run" + i, Map.of());
            if (b.interruptedBy() != null) {
                return false;
            }
            if (b.exitCode() == null || b.exitCode() != 0) {
                notes.accept("a baseline re-run failed (" + (b.workloadError() != null ? b.workloadError() : b.note())
                        + "): it is left out of the baseline");
                return true;
            }
            baseline.add(b);
        }
        return true;
    }

    /** The verification of fix re-runs against baseline runs (one or more a side). */
    public static Verification compare(String rule, Map<String, String> knobs, List<RunOutcome> base,
            List<RunOutcome> after, Map<String, Boolean> headline, String workChange) {
        RunOutcome last = after.get(after.size() - 1);
        if (last.interruptedBy() != null || last.exitCode() == null || last.exitCode() != 0) {
            Verification v = compare(rule, knobs, base.get(0), last, headline);
            return new Verification(rule, knobs, v.status(), v.reason(), after.get(0).run(), v.comparisons(),
                    after.size(), workChange);
        }
        if (base.size() == 1 && after.size() == 1) {
            Verification v = compare(rule, knobs, base.get(0), last, headline);
            return new Verification(rule, knobs, v.status(), v.reason(), v.run(), v.comparisons(), 1, workChange);
        }
        List<Verification.Comparison> cs = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : headline.entrySet()) {
            Metric before = RunMedian.of(e.getKey(), base);
            Metric now = RunMedian.of(e.getKey(), after);
            if (before.present() || now.present()) {
                cs.add(new Verification.Comparison(e.getKey(), before, now, e.getValue(),
                        RunMedian.welchP(e.getKey(), base, after)));
            }
        }
        return new Verification(rule, knobs, Verification.Status.MEASURED, null, after.get(0).run(), List.copyOf(cs),
                Math.min(base.size(), after.size()), workChange);
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
                autoglm.analyse.WelchTest noise = autoglm.analyse.WelchTest.of(before, now);
                cs.add(new Verification.Comparison(e.getKey(), before, now, e.getValue(),
                        noise.applicable() ? noise.p() : Double.NaN));
            }
        }
        return new Verification(rule, knobs, Verification.Status.MEASURED, null, after.run(), List.copyOf(cs));
    }
}
