package autoglm.cli;

import autoglm.diagnose.charts.ChartBuilder;
import autoglm.diagnose.Diagnosis;
import autoglm.report.HtmlReport;
import autoglm.report.JsonReport;
import autoglm.report.MarkdownReport;
import autoglm.report.Report;
import autoglm.report.TerminalReport;
import autoglm.model.workload.WorkloadLog;
import java.nio.file.Path;

/** Writes a diagnosis in the formats asked for: the main one (stdout or -o), and --html and --markdown files. */
final class Reports {
    /** The HTML report written into every run folder. */
    static final String RUN_HTML = "report.html";

    private Reports() {
    }

    static final String REQUESTS_CSV = "requests.csv";
    static final String TURNS_CSV = "turns.csv";

    static void checkWritable(ReportOptions report) {
        Output.checkWritable("-o", report.output);
        Output.checkWritable("--html", report.html);
        Output.checkWritable("--markdown", report.markdown);
    }

    static void write(Io io, ReportOptions report, Diagnosis d, WorkloadLog workload) {
        Report main = switch (report.format) {
            case json -> new JsonReport();
            case markdown -> new MarkdownReport();
            default -> new TerminalReport(report.useColour(io), report.explain, report.topKernels);
        };
        Output.write(io, "-o", report.output, w -> main.write(d, w));
        if (report.html != null) {
            html(io, report.html, d, workload);
        }
        if (report.markdown != null) {
            Output.write(io, "--markdown", report.markdown, w -> new MarkdownReport().write(d, w));
        }
    }

    static void html(Io io, Path file, Diagnosis d, WorkloadLog workload) {
        HtmlReport html = new HtmlReport(ChartBuilder.of(d, workload));
        Output.write(io, "--html", file, w -> html.write(d, w));
    }

    /**
     * The HTML report in a run folder, quietly (the run's "kept in" line already names the folder); with the
     * workload's events, also its per-request and per-turn tables (requests.csv, turns.csv).
     */
    static void runHtml(Path folder, Diagnosis d, WorkloadLog workload) {
        HtmlReport html = new HtmlReport(ChartBuilder.of(d, workload));
        Output.writeFile("the run's", folder.resolve(RUN_HTML), w -> html.write(d, w));
        if (workload != null && !workload.requests().isEmpty()) {
            tech.tablesaw.api.Table requests = autoglm.analyse.RequestTable.of(workload);
            Output.writeFile("the run's", folder.resolve(REQUESTS_CSV), w -> autoglm.report.RequestsCsv.requests(requests, w));
            Output.writeFile("the run's", folder.resolve(TURNS_CSV), w -> autoglm.report.RequestsCsv.turns(requests, w));
        }
    }
}
