package autoglm.cli;

import autoglm.analyse.Metric;
import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.Verification;
import autoglm.rules.Finding;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.RuleDefinition;
import autoglm.model.workload.WorkloadLog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * profile --verify: for each of the top findings (in rank order), re-runs the workload with the knobs that
 * apply its fix (the rule's {@code verify}) and compares the headline metrics with the baseline. A fix
 * without knobs, or whose knobs are already in effect, is not re-run; two findings with the same fix share
 * one re-run.
 */
final class Verifier {
    /** Runs the workload with extra knobs; the name is the rule's, for the run folder. */
    interface Rerun {
        ProfileCommand.Outcome run(String rule, Map<String, String> knobs) throws Exception;
    }

    /** The metrics compared, and whether lower is better. */
    static final Map<String, Boolean> HEADLINE = headline();

    private final RuleCatalogue catalogue;
    private final int top;
    private final Consumer<String> notes;
    private final Rerun rerun;

    Verifier(RuleCatalogue catalogue, int top, Consumer<String> notes, Rerun rerun) {
        this.catalogue = catalogue;
        this.top = top;
        this.notes = notes;
        this.rerun = rerun;
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
        return m;
    }

    List<Verification> verify(ProfileCommand.Outcome base) throws Exception {
        List<Verification> out = new ArrayList<>();
        Map<Map<String, String>, Verification> done = new LinkedHashMap<>();
        WorkloadLog log = base.workload();
        int taken = 0;
        for (Finding f : base.diagnosis().findings()) {
            if (!f.isProblem() || taken >= top) {
                continue;
            }
            taken++;
            RuleDefinition def = catalogue.rule(f.rule());
            Map<String, String> knobs = def == null ? Map.of() : def.verify();
            if (knobs.isEmpty()) {
                out.add(Verification.notRun(f.rule(), knobs, "no workload knob applies this fix: the gain stays estimated"));
                continue;
            }
            if (log != null && inEffect(log, knobs)) {
                out.add(Verification.notRun(f.rule(), knobs, "the fix is already in effect in this run ("
                        + text(knobs) + ")"));
                continue;
            }
            Verification same = done.get(knobs);
            if (same != null) {
                out.add(new Verification(f.rule(), knobs, same.status(), same.reason() == null
                        ? "the same re-run as " + same.rule() : same.reason(), same.run(), same.comparisons()));
                continue;
            }
            notes.accept("verifying " + f.rule() + ": re-running the workload with " + text(knobs));
            ProfileCommand.Outcome after = rerun.run(f.rule(), knobs);
            Verification v = compare(f.rule(), knobs, base, after);
            done.put(knobs, v);
            out.add(v);
            if (after.result().interruptedBy() != null) {
                break;
            }
        }
        return out;
    }

    static Verification compare(String rule, Map<String, String> knobs, ProfileCommand.Outcome base,
            ProfileCommand.Outcome after) {
        String run = after.result().folder().getFileName().toString();
        if (after.result().interruptedBy() != null) {
            return new Verification(rule, knobs, Verification.Status.FAILED, "interrupted by SIG"
                    + after.result().interruptedBy(), run, List.of());
        }
        Integer code = after.result().info().exitCode();
        if (code == null || code != 0) {
            String why = after.workloadError() != null ? after.workloadError() : after.result().info().note();
            // exit 2: the workload refused the knobs here (no CUDA for graphs, torch too old to compile)
            Verification.Status s = code != null && code == 2 ? Verification.Status.NOT_RUN : Verification.Status.FAILED;
            return new Verification(rule, knobs, s, (s == Verification.Status.NOT_RUN
                    ? "the workload cannot apply it here: " : "the re-run failed: ") + why, run, List.of());
        }
        Diagnosis b = base.diagnosis();
        Diagnosis a = after.diagnosis();
        List<Verification.Comparison> cs = new ArrayList<>();
        for (Map.Entry<String, Boolean> e : HEADLINE.entrySet()) {
            Metric before = b.metrics().get(e.getKey());
            Metric now = a.metrics().get(e.getKey());
            if (before.present() || now.present()) {
                cs.add(new Verification.Comparison(e.getKey(), before, now, e.getValue()));
            }
        }
        return new Verification(rule, knobs, Verification.Status.MEASURED, null, run, List.copyOf(cs));
    }

    /** Whether every knob already has the fix's value in the run (booleans and numbers compared by value). */
    static boolean inEffect(WorkloadLog log, Map<String, String> knobs) {
        for (Map.Entry<String, String> e : knobs.entrySet()) {
            String current = log.start().knob(e.getKey());
            if (current == null || !same(current, e.getValue())) {
                return false;
            }
        }
        return true;
    }

    static boolean same(String a, String b) {
        String x = bool(a);
        String y = bool(b);
        if (x != null && y != null) {
            return x.equals(y);
        }
        try {
            return Double.parseDouble(a) == Double.parseDouble(b);
        } catch (NumberFormatException e) {
            return a.equals(b);
        }
    }

    private static String bool(String s) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "on": case "true": case "yes":
                return "true";
            case "off": case "false": case "no":
                return "false";
            default:
                return null;
        }
    }

    static String text(Map<String, String> knobs) {
        return Verification.knobText(knobs);
    }
}
