package autoglm.record.run;

import autoglm.model.run.RunInfo;
import autoglm.read.run.RunFolder;
import autoglm.read.run.RunInfoJson;
import autoglm.util.SafeFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A run's run.json through its life: written at once with status "running" (incomplete: "autoglm stopped before the
 * run ended"), so that a folder left by a kill still says what it is; rewritten at once when samples cannot be written
 * (should autoglm then be killed, run.json already says why); and finished with how the command ended: exited
 * (complete, unless autoglm stopped it for a reason or samples were lost), failed (a non-zero exit), or interrupted
 * (a signal to autoglm, or autoglm itself failing). The run is kept either way.
 */
final class RunJsonLifecycle {
    private final Path file;
    private final RunInfo running;
    private final Consumer<String> notes;

    /**
     * How the command ended: its exit code; the signal autoglm got (INT, TERM) or null; whether the caller stopped
     * it (done with it, a server after the load), and why that leaves the run incomplete (null: it does not).
     */
    record Exit(int code, String interruptedBy, boolean stopped, String whyIncomplete) {
    }

    /** The finished run.json, and why samples or run.json could not be written (a full disk), or null. */
    record Finished(RunInfo info, String writeFailure) {
    }

    private RunJsonLifecycle(Path file, RunInfo running, Consumer<String> notes) {
        this.file = file;
        this.running = running;
        this.notes = notes;
    }

    /** Writes {@code running} (status running, incomplete) as the run.json of {@code folder}. */
    static RunJsonLifecycle begin(Path folder, RunInfo running, Consumer<String> notes) throws IOException {
        Path file = folder.resolve(RunFolder.RUN_JSON);
        RunInfoJson.write(running, file);
        return new RunJsonLifecycle(file, running, notes);
    }

    /** When the run started (Unix ms). */
    long startedMs() {
        return running.startedMs();
    }

    /** Samples could not be written: sampling stopped, the command runs on; run.json says so now. */
    void samplesLost(String why) {
        notes.accept("samples cannot be written: " + why + ": sampling stopped; the command runs on, the run "
                + "will be incomplete");
        try {
            RunInfoJson.write(running.ended(0, RunInfo.RUNNING, false, null, "samples could not be written: " + why
                    + ", so sampling stopped early", Map.of("writing samples: " + why, 1L), null), file);
        } catch (IOException e) {
            // run.json keeps "running" and "complete": false from the start
        }
    }

    /**
     * The command has exited: run.json says how ({@code samplesFailure}: why samples stopped early, or null). Should
     * it not be written, it still says "running" (incomplete) from the start, and the result says why.
     */
    Finished finish(long endMs, Exit exit, String samplesFailure, Map<String, Long> loss, RunInfo.Overhead overhead) {
        int code = exit.code();
        String status;
        String note;
        if (exit.interruptedBy() != null) {
            status = RunInfo.INTERRUPTED;
            note = "autoglm got SIG" + exit.interruptedBy() + " and stopped the command, which then exited with code "
                    + code + exitMeaning(code);
        } else if (exit.stopped()) {
            status = RunInfo.EXITED;
            note = exit.whyIncomplete() != null ? "autoglm stopped the command: " + exit.whyIncomplete()
                    + "; it exited with code " + code
                    : "autoglm stopped the command when it was done with it (SIGTERM); it exited with code " + code;
        } else if (code == 0) {
            status = RunInfo.EXITED;
            note = "the command exited with code 0";
        } else {
            status = RunInfo.FAILED;
            note = "the command exited with code " + code + exitMeaning(code);
        }
        if (samplesFailure != null) {
            note = note + "; samples could not be written: " + samplesFailure + ", so sampling stopped early";
        }
        boolean complete = exit.interruptedBy() == null
                && (code == 0 || (exit.stopped() && exit.whyIncomplete() == null)) && samplesFailure == null;
        RunInfo done = running.ended(endMs, status, complete, code, note, new LinkedHashMap<>(loss), overhead);
        String writeFailure = samplesFailure;
        try {
            RunInfoJson.write(done, file);
        } catch (IOException e) {
            String why = SafeFiles.reason(e);
            writeFailure = writeFailure != null ? writeFailure : why;
            notes.accept("cannot update run.json (" + why + "): it still says the run is running (incomplete)");
        }
        return new Finished(done, writeFailure);
    }

    /** autoglm itself failed while the command ran, and stopped it: run.json keeps what was sampled and says so. */
    void failed(Throwable e, Map<String, Long> loss) throws IOException {
        RunInfoJson.write(running.ended(System.currentTimeMillis(), RunInfo.INTERRUPTED, false, null,
                "autoglm failed while the command ran (" + e + ") and stopped it", loss, null), file);
    }

    private static String exitMeaning(int code) {
        return code > 128 && code < 160 ? " (killed by signal " + (code - 128) + ")" : "";
    }
}
