package autoglm.report;

import autoglm.diagnose.Diagnosis;
import autoglm.diagnose.charts.ChartBuilder;
import autoglm.model.load.LoadRecording;
import autoglm.model.workload.WorkloadLog;
import autoglm.read.run.RunFolder;
import autoglm.util.BadInputException;
import autoglm.util.SafeFiles;
import autoglm.util.SafeText;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The files a diagnosed run folder gets beside what was recorded (names in {@link RunFolder}): report.html; with the
 * workload's events, requests.csv and turns.csv; with the server's steps, served-steps.csv; after --verify,
 * verify.json. The CLI and library users write them through here, so a folder comes out the same either way. Each
 * file is replaced atomically ({@link SafeFiles}); one that cannot be written is bad input, one line.
 */
public final class RunFolderFiles {
    private RunFolderFiles() {
    }

    /** Writes text into one file. */
    private interface Body {
        void write(Writer w) throws IOException;
    }

    /**
     * The HTML report of a run (its charts drawn from the workload's events or the load, either may be null); with
     * the workload's events, also its per-request and per-turn tables; with the server's steps, served-steps.csv.
     */
    public static void write(Path folder, Diagnosis d, WorkloadLog workload, LoadRecording load) {
        HtmlReport html = new HtmlReport(ChartBuilder.of(d, workload, load));
        file(folder.resolve(RunFolder.REPORT_HTML), w -> html.write(d, w));
        if (workload != null && !workload.requests().isEmpty()) {
            tech.tablesaw.api.Table requests = autoglm.analyse.workload.RequestTable.of(workload);
            file(folder.resolve(RunFolder.REQUESTS_CSV), w -> RequestsCsv.requests(requests, w));
            file(folder.resolve(RunFolder.TURNS_CSV), w -> RequestsCsv.turns(requests, w));
        }
        servedSteps(folder, d);
    }

    /** A load run's server steps one row each (served-steps.csv), when the diagnosis has them. */
    public static void servedSteps(Path folder, Diagnosis d) {
        if (d.served() != null && !d.served().steps().isEmpty()) {
            tech.tablesaw.api.Table steps = autoglm.analyse.load.ServedStepTable.of(d.served());
            file(folder.resolve(RunFolder.SERVED_STEPS_CSV), w -> RequestsCsv.table(steps, w));
        }
    }

    /** What --verify measured, kept in the base run's folder (verify.json): diagnosing the folder shows it again. */
    public static void verified(Path folder, Diagnosis d) {
        JsonReport json = new JsonReport();
        file(folder.resolve(RunFolder.VERIFY_JSON), w -> json.write(d, w));
    }

    private static void file(Path file, Body body) {
        try {
            SafeFiles.write(file, out -> {
                Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
                body.write(w);
                w.flush();
            });
        } catch (IOException e) {
            throw new BadInputException("the run's " + SafeText.safe(file.toString()) + ": cannot write ("
                    + SafeFiles.reason(e) + ")");
        }
    }
}
