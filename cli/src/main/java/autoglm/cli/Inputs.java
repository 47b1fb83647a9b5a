package autoglm.cli;

import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.model.trace.LoadProgress;
import autoglm.result.ResultJson;
import autoglm.result.ResultSummary;
import autoglm.read.run.RunFolder;
import autoglm.util.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * One result for gate and compare, whatever was given: the JSON of diagnose or profile, a run folder,
 * a CUPTI recording, or a trace file (diagnosed here with the bundled rules).
 */
final class Inputs {
    private Inputs() {
    }

    static ResultSummary summary(String option, Path p, Diagnoser diagnoser, Consumer<String> notes) {
        if (p == null) {
            throw new BadInputException(option + " is required");
        }
        if (!Files.exists(p)) {
            throw new BadInputException(option + " " + p + ": no such file or folder");
        }
        if (RunFolder.isRunFolder(p)) {
            return ResultSummary.of(p.toString(), diagnoser.diagnoseRun(p, notes).diagnosis());
        }
        if (Files.isDirectory(p)) {
            throw new BadInputException(option + " " + p + ": a folder, but not a run folder of autoglm profile (no run.json)");
        }
        if (ResultJson.looksLikeResult(p)) {
            return ResultJson.read(p);
        }
        return ResultSummary.of(p.toString(), diagnoser.diagnoseFiles(List.of(p), LoadProgress.NONE, notes).diagnosis());
    }
}
