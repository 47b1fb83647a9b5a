package autoglm;

import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.rules.Finding;

/** The recorded load runs of testdata/load, diagnosed with the bundled rules, and one rule's finding of them. */
public final class LoadRuns {
    private LoadRuns() {
    }

    public static Diagnosis diagnose(String run) {
        return Diagnoser.withDefaults().diagnoseRun(Fixtures.root().resolve("testdata/load/" + run), n -> { })
                .diagnosis();
    }

    public static Finding finding(Diagnosis d, String id) {
        return d.findings().stream().filter(f -> f.rule().equals(id)).findFirst().orElseThrow();
    }
}
