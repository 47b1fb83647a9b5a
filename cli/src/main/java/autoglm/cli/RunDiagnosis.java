package autoglm.cli;

import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.probes.cupti.CuptiLoader;
import autoglm.samples.RunFolder;
import autoglm.samples.RunRecording;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/** Diagnoses a run folder: its samples, and its CUPTI kernel recordings when it has them (profile --kernels). */
final class RunDiagnosis {
    private RunDiagnosis() {
    }

    static Diagnosis of(Diagnoser diagnoser, Path folder, Consumer<String> notes) {
        RunRecording recording = RunFolder.read(folder);
        List<Path> files = CuptiLoader.recordings(folder);
        if (files.isEmpty()) {
            String reason = recording.info().settings().kernels()
                    ? "the run was profiled with --kernels, but no process of the command initialised CUDA "
                        + "(no CUPTI recording in the run folder)"
                    : Diagnoser.NO_TRACE;
            return diagnoser.diagnoseRun(recording, null, reason);
        }
        CuptiLoader.Result kernels = CuptiLoader.load(files);
        for (String e : kernels.errors()) {
            notes.accept("kernel recording: " + e);
        }
        for (String w : kernels.warnings()) {
            notes.accept("kernel recording: " + w);
        }
        if (kernels.activities() == 0) {
            String reason = "the CUPTI recording holds no GPU activity"
                    + (kernels.errors().isEmpty() ? "" : " (" + kernels.errors().get(0) + ")");
            return diagnoser.diagnoseRun(recording, null, reason);
        }
        return diagnoser.diagnoseRun(recording, kernels.model(), null);
    }
}
