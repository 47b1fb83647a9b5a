package autoglm.record.load;

import autoglm.diagnose.Diagnosis;
import autoglm.report.RunFolderFiles;
import autoglm.rules.RuleCatalogue;
import autoglm.verify.RunOutcome;
import autoglm.verify.Verifier;
import java.util.List;
import java.util.Map;

/**
 * {@code load --verify}: each top finding's endpoint knobs applied to the server's command ({@link ServerFlags}) or to
 * the traffic ({@code image_scale}), the same seeded load run again on a re-launched server, and the before/after
 * measured by {@link Verifier}. The base run's folder then holds the verified diagnosis: its report.html again and
 * verify.json ({@link RunFolderFiles}).
 */
public final class LoadVerify {
    private LoadVerify() {
    }

    /**
     * Verifies the top {@code top} findings of {@code base} (a served load of {@code plan} that ran to its end) with
     * {@code runs}' server command, the re-runs named {@code name}-verify-RULE; the base diagnosis with the
     * verifications.
     */
    public static Diagnosis verify(LoadRuns runs, LoadRun base, LoadPlan plan, RuleCatalogue catalogue, int top,
            String name) throws Exception {
        List<String> serverCmd = runs.command();
        if (serverCmd.isEmpty()) {
            throw new IllegalArgumentException("verify re-launches the server: the runs need its command");
        }
        Verifier verifier = new Verifier(catalogue, top, runs.notes(), (rule, knobs) -> {
            List<String> cmd = serverCmd;
            LoadPlan p = plan;
            for (Map.Entry<String, String> k : knobs.entrySet()) {
                if (k.getKey().equals("image_scale")) {
                    p = p.withImageScale(plan.imageScale() * Double.parseDouble(k.getValue()));
                    continue;
                }
                try {
                    cmd = ServerFlags.apply(cmd, k.getKey(), k.getValue());
                } catch (IllegalArgumentException e) {
                    return new RunOutcome(null, null, 2, e.getMessage(), base.diagnosis(), null, null);
                }
            }
            runs.notes().accept("re-launching: " + String.join(" ", cmd));
            LoadRun after = runs.run(p, cmd, name + "-verify-" + rule);
            return outcome(after);
        }, Verifier.Mode.endpoint((b, knobs) -> knobs.entrySet().stream().allMatch(e -> e.getKey().equals("image_scale")
                ? Double.parseDouble(e.getValue()) == 1 : ServerFlags.inEffect(serverCmd, e.getKey(), e.getValue()))));
        RunOutcome baseline = new RunOutcome(base.folder().getFileName().toString(), null, 0, "the load ran to its end",
                base.diagnosis(), null, null);
        Diagnosis verified = base.diagnosis().withVerifications(verifier.verify(baseline));
        RunFolderFiles.write(base.folder(), verified, null, base.recording());
        RunFolderFiles.verified(base.folder(), verified);
        return verified;
    }

    /** A re-run as the verifier weighs it: exit 0 when its load ran whole, 1 when it did not. */
    static RunOutcome outcome(LoadRun after) {
        Integer code = after.problem() == null && after.recording() != null && after.recording().complete() ? 0 : 1;
        return new RunOutcome(after.folder().getFileName().toString(), after.interruptedBy(), code,
                after.problem() == null ? "the load ran to its end" : after.problem(), after.diagnosis(), null, null);
    }
}
