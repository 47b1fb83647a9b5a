package autoglm.record.load;

import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.rules.Finding;
import autoglm.read.load.ServerProfileFile;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What {@code load --server-profile} adds to the base run: what profiling cost the requests, and the server's traces
 * ({@link LoadRuns} moved them from where the server wrote them into the run folder's server-profile/) diagnosed with
 * the trace analyzers (server-profile/diagnosis.json), the top findings said.
 */
public final class ServerProfileResults {
    /** The diagnosis of the server's traces, in server-profile/. */
    public static final String DIAGNOSIS_JSON = "diagnosis.json";

    private ServerProfileResults() {
    }

    /**
     * The base run's diagnosis with what profiling cost attached (its report.html written again), or as it was when
     * the window did not open; the traces diagnosed beside it. {@code served}: the server was started by autoglm.
     */
    public static Diagnosis finish(LoadRun base, Diagnoser diagnoser, boolean served, Consumer<String> notes)
            throws IOException {
        autoglm.verify.ProfilerCost cost = cost(notes, base.folder(), base.recording());
        diagnose(notes, base.folder(), diagnoser, served, base.recording());
        if (cost == null) {
            return base.diagnosis();
        }
        Diagnosis d = cost.attachTo(base.diagnosis()); // the cost in the result's metrics: JSON and HTML
        autoglm.report.RunFolderFiles.write(base.folder(), d, null, base.recording());
        return d;
    }

    /**
     * What profiling cost the requests (docs/load.md): TPOT inside the window against outside it, from requests.csv
     * and server-profile.json.
     */
    static autoglm.verify.ProfilerCost cost(Consumer<String> notes, Path folder, autoglm.model.load.LoadRecording load)
            throws IOException {
        if (load == null || !Files.isRegularFile(folder.resolve(ServerProfileFile.FILE))) {
            return null;
        }
        ServerProfileFile w = ServerProfileFile.read(folder);
        if (!w.windowKnown()) {
            notes.accept("--server-profile: the window did not open: " + autoglm.util.SafeText.oneLine(
                    new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(w.answers())));
            return null;
        }
        double stop = w.stopMs();
        autoglm.verify.ProfilerCost c = autoglm.verify.ProfilerCost.of(load.requests(), w.startMs(), stop,
                w.writtenMs() != null ? w.writtenMs() : stop);
        notes.accept(String.format(java.util.Locale.ROOT, "server profile: TPOT %s inside the window (n=%d) against %s "
                + "outside (n=%d): %s%s", ms(c.inside().meanMs()), c.inside().n(), ms(c.outside().meanMs()),
                c.outside().n(), Double.isNaN(c.slowdownPct()) ? "no comparison" : String.format(java.util.Locale.ROOT,
                        "%+.0f%% under the profiler", c.slowdownPct()),
                c.test().applicable() ? String.format(java.util.Locale.ROOT, " (Welch p=%.3g)", c.test().p()) : ""));
        return c;
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f ms", v);
    }

    /** Diagnoses the traces in {@code folder}/server-profile/, or says why there are none. */
    static void diagnose(Consumer<String> notes, Path folder, Diagnoser diagnoser, boolean served,
            autoglm.model.load.LoadRecording load) throws IOException {
        Path dir = folder.resolve("server-profile");
        List<Path> traces = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.getFileName().toString().matches(".*\\.json(\\.gz)?") && !p.getFileName().toString()
                        .equals(DIAGNOSIS_JSON)).sorted().forEach(traces::add);
            }
        }
        if (traces.isEmpty()) {
            notes.accept("--server-profile: no trace collected" + (served ? " (see server-profile.json for the server's "
                    + "answers)" : ": without --serve the server writes its traces where it runs (its "
                    + "VLLM_TORCH_PROFILER_DIR); diagnose them there with autoglm diagnose"));
            return;
        }
        Diagnosis d = diagnoser.diagnoseTraces(traces, autoglm.model.trace.LoadProgress.NONE);
        if (load != null) {
            d = diagnoser.withServed(d, load); // the server's steps against the batch its /metrics reported
            autoglm.report.RunFolderFiles.servedSteps(dir, d);
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve(DIAGNOSIS_JSON))) {
            new autoglm.report.JsonReport().write(d, w);
        }
        List<String> top = new ArrayList<>();
        for (Finding f : d.findings()) {
            if (f.isProblem() && top.size() < 3) {
                top.add(f.rule() + " (" + f.severity().key() + ")");
            }
        }
        if (d.served() != null && d.served().present()) {
            for (autoglm.analyse.load.ServedSteps.ByBatch b : d.served().byBatch()) {
                notes.accept(String.format(java.util.Locale.ROOT, "server profile: batch %d: %d steps, median %.2f ms",
                        b.batch(), b.steps(), b.stepMs()));
            }
        }
        notes.accept("server profile: " + traces.size() + (traces.size() == 1 ? " trace" : " traces") + " diagnosed into "
                + dir.resolve(DIAGNOSIS_JSON) + "; " + (top.isEmpty() ? "no finding" : String.join(", ", top)));
    }
}
