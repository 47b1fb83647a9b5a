package autoglm.record.load;

import autoglm.analyse.Metric;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code load --profile sweep:K}, as GuideLLM sweeps: the traffic one request at a time, then all at once (throughput),
 * then K constant rates evenly between the two rates measured; each stage a load of its own ({@link LoadRuns}). The
 * sweep stops at the first stage that does not run to its end, and after the second when the throughput stage was not
 * faster than one request at a time.
 */
public final class LoadSweep {
    private LoadSweep() {
    }

    /** One stage: its traffic's profile and its load. */
    public record Stage(Profile profile, LoadRun run) {
        /** The stage's run folder's name. */
        public String folderName() {
            return run.folder().getFileName().toString();
        }
    }

    /** The stages that ran, in order; the last one may have ended early ({@link LoadRun#ranToItsEnd()}). */
    public record Result(List<Stage> stages) {
        /** Whether a stage ended early (interrupted, or failed), which stopped the sweep. */
        public boolean stopped() {
            return !stages.isEmpty() && !stages.get(stages.size() - 1).run().ranToItsEnd();
        }
    }

    /** Runs the sweep of {@code plan}'s traffic with {@code k} constant rates, the stages named {@code name}-sweep-I-P. */
    public static Result run(LoadRuns runs, LoadPlan plan, int k, String name) throws IOException {
        List<Stage> stages = new ArrayList<>();
        List<Profile> profiles = new ArrayList<>(List.of(Profile.parse("sync"), Profile.parse("concurrent:"
                + Math.max(1, Math.min(256, plan.requests() > 0 ? plan.requests() : 256)))));
        for (int i = 0; i < profiles.size(); i++) {
            Profile p = profiles.get(i);
            String stageName = name + "-sweep-" + (i + 1) + "-" + p.toString().replace(':', '-');
            runs.notes().accept("sweep stage " + (i + 1) + ": " + p);
            LoadRun r = runs.run(plan.withProfile(p), stageName);
            stages.add(new Stage(p, r));
            if (!r.ranToItsEnd()) {
                runs.notes().accept((r.interruptedBy() != null ? "interrupted" : r.problem())
                        + ": the sweep stops; its runs are kept");
                break;
            }
            if (i == 1) {
                double low = rate(stages.get(0));
                double high = rate(stages.get(1));
                if (!(high > low)) {
                    runs.notes().accept("the throughput stage (" + high + " req/s) was not faster than one at a time ("
                            + low + " req/s): no rate lies between them to sweep");
                    break;
                }
                for (int j = 1; j <= k; j++) {
                    profiles.add(Profile.parse(String.format(Locale.ROOT, "constant:%.4g", low + j * (high - low)
                            / (k + 1))));
                }
            }
        }
        return new Result(List.copyOf(stages));
    }

    /** The stage's measured request rate (load_request_rate), or NaN. */
    private static double rate(Stage s) {
        Metric m = s.run().diagnosis().metrics().get("load_request_rate");
        return m.present() ? m.value() : Double.NaN;
    }
}
