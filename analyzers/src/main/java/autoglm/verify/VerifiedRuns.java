package autoglm.verify;

import autoglm.diagnose.Diagnosed;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.model.trace.LoadProgress;
import autoglm.read.run.RunFolder;
import autoglm.result.ResultJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * What {@code autoglm diagnose FILE...} answers, for the CLI and library users alike: {@link Diagnoser#diagnoseFiles},
 * and where the input is one run folder that keeps what its --verify measured (verify.json), those verified fixes
 * with it, the gains shown measured rather than estimated. (The merge is not in {@code Diagnoser}: verify.json is a
 * result file, read by {@code autoglm.result}, which itself reads diagnoses.)
 */
public final class VerifiedRuns {
    private VerifiedRuns() {
    }

    /** The inputs diagnosed, a run folder's verify.json read back into it; notes say when it was. */
    public static Diagnosed diagnoseFiles(Diagnoser diagnoser, List<Path> files, LoadProgress progress,
            Consumer<String> notes) {
        return withVerified(diagnoser.diagnoseFiles(files, progress, notes), files, notes);
    }

    /** One run folder diagnosed, its verify.json read back into it. */
    public static Diagnosed diagnoseRun(Diagnoser diagnoser, Path folder, Consumer<String> notes) {
        return withVerified(diagnoser.diagnoseRun(folder, notes), List.of(folder), notes);
    }

    private static Diagnosed withVerified(Diagnosed d, List<Path> files, Consumer<String> notes) {
        if (files.size() != 1) {
            return d;
        }
        Path verified = files.get(0).resolve(RunFolder.VERIFY_JSON);
        if (!Files.isRegularFile(verified) || !d.diagnosis().verifications().isEmpty()) {
            return d;
        }
        // a verified run keeps what --verify measured: shown again, the gains measured, not estimated
        Diagnosis with = d.diagnosis().withVerifications(ResultJson.verifications(verified));
        notes.accept("the fixes verified when this run was profiled are read from its " + RunFolder.VERIFY_JSON);
        return new Diagnosed(with, d.run());
    }
}
