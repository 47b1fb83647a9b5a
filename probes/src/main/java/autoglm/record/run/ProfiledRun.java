package autoglm.record.run;

import autoglm.diagnose.Diagnosed;
import autoglm.verify.RunOutcome;

/** A profiled run and its diagnosis, as verification compares them. */
public final class ProfiledRun {
    private ProfiledRun() {
    }

    public static RunOutcome outcome(Profiler.Result result, Diagnosed diagnosed) {
        return new RunOutcome(result.folder().getFileName().toString(), result.interruptedBy(), result.info().exitCode(),
                result.info().note(), diagnosed.diagnosis(), diagnosed.workload(), diagnosed.workloadProblem());
    }
}
