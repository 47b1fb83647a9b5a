package autoglm.read.run;

import autoglm.model.run.RunContents;
import autoglm.model.run.RunRecording;
import autoglm.model.trace.TraceModel;
import autoglm.model.workload.WorkloadLog;
import autoglm.util.BadInputException;
import autoglm.read.cupti.CuptiLoader;
import autoglm.read.workload.WorkloadEvents;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Reads a whole run folder: its samples ({@link RunFolder}), its CUPTI kernel recordings when it has them
 * (profile --kernels), and the workload's events when it ran the autoglm workload (profile --model). What could
 * not be read is told to {@code notes}, one line each, and kept as the reason beside the missing part.
 */
public final class RunReader {
    private RunReader() {
    }

    public static RunContents read(Path folder, Consumer<String> notes) {
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
            boolean onCpu = workload != null && workload.start() != null
                    && "cpu".equalsIgnoreCase(workload.start().device());
            reason = !recording.info().settings().kernels() ? RunContents.NO_KERNELS
                    : onCpu ? "the workload ran on the CPU: there are no GPU kernels to record"
                    : "kernel recording was on, but no process of the command initialised CUDA (no CUPTI "
                        + "recording in the run folder)";
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
        autoglm.model.load.LoadRecording load = null;
        String loadProblem = null;
        if (autoglm.read.load.LoadFiles.present(folder)) {
            // load.json is bound strictly, as every config and result file: a malformed one is bad input (exit 2)
            autoglm.read.load.LoadJson json = autoglm.read.load.LoadFiles.loadJson(folder);
            try {
                java.util.Map<String, Long> loss = new java.util.LinkedHashMap<>();
                load = autoglm.read.load.LoadFiles.read(folder, json, loss);
                loss.forEach((k, v) -> notes.accept(k + ": " + v));
            } catch (BadInputException e) {
                loadProblem = e.getMessage();
                notes.accept("load run: " + loadProblem + "; the endpoint rules are not applicable");
            }
        }
        return new RunContents(recording, kernels, reason, workload, problem, load, loadProblem);
    }
}
