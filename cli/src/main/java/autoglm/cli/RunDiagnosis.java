package autoglm.cli;

import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.read.cupti.CuptiLoader;
import autoglm.read.workload.WorkloadEvents;
import autoglm.read.run.RunFolder;
import autoglm.model.run.RunRecording;
import autoglm.model.trace.TraceModel;
import autoglm.read.BadInputException;
import autoglm.model.workload.WorkloadLog;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Diagnoses a run folder: its samples, its CUPTI kernel recordings when it has them (profile --kernels),
 * and the workload's events when it ran the autoglm workload (profile --model).
 */
final class RunDiagnosis {
    /** {@code workloadProblem}: why the events could not be read, or null. */
    record Result(Diagnosis diagnosis, WorkloadLog workload, String workloadProblem) {
    }

    private RunDiagnosis() {
    }

    static Diagnosis of(Diagnoser diagnoser, Path folder, Consumer<String> notes) {
        return read(diagnoser, folder, notes).diagnosis();
    }

    static Result read(Diagnoser diagnoser, Path folder, Consumer<String> notes) {
        RunRecording recording = RunFolder.read(folder);
        WorkloadLog workload = null;
        String problem = null;
        if (WorkloadEvents.present(folder)) {
            try {
                workload = WorkloadEvents.read(folder.resolve(WorkloadEvents.FILE));
            } catch (BadInputException e) {
                problem = e.getMessage();
                notes.accept("workload events: " + problem + "; the workload rules are not applicable");
            }
        }
        List<Path> files = CuptiLoader.recordings(folder);
        TraceModel kernels = null;
        String reason = null;
        if (files.isEmpty()) {
            reason = recording.info().settings().kernels()
                    ? "the run was profiled with --kernels, but no process of the command initialised CUDA "
                        + "(no CUPTI recording in the run folder)"
                    : Diagnoser.NO_TRACE;
        } else {
            CuptiLoader.Result loaded = CuptiLoader.load(files);
            for (String e : loaded.errors()) {
                notes.accept("kernel recording: " + e);
            }
            for (String w : loaded.warnings()) {
                notes.accept("kernel recording: " + w);
            }
            if (loaded.activities() == 0) {
                reason = "the CUPTI recording holds no GPU activity"
                        + (loaded.errors().isEmpty() ? "" : " (" + loaded.errors().get(0) + ")");
            } else {
                kernels = loaded.model();
            }
        }
        return new Result(diagnoser.diagnoseRun(recording, kernels, reason, workload), workload, problem);
    }
}
