package autoglm.cli;

import autoglm.diagnose.charts.ChartBuilder;
import autoglm.diagnose.Diagnosis;
import autoglm.report.HtmlReport;
import autoglm.report.JsonReport;
import autoglm.report.MarkdownReport;
import autoglm.report.Report;
import autoglm.report.RunFolderFiles;
import autoglm.read.run.RunFolder;
import autoglm.report.TerminalReport;
import autoglm.model.workload.WorkloadLog;
import autoglm.util.BadInputException;
import java.nio.file.Path;

/** Writes a diagnosis in the formats asked for: the main one (stdout or -o), and --html and --markdown files. */
final class Reports {
    /** The HTML report written into every run folder. */
    static final String RUN_HTML = RunFolder.REPORT_HTML;

    private Reports() {
    }

    static void checkWritable(ReportOptions report) {
        Output.checkWritable("-o", report.output);
        Output.checkWritable("--html", report.html);
        Output.checkWritable("--markdown", report.markdown);
    }

    static void write(Io io, ReportOptions report, Diagnosis d, WorkloadLog workload) {
        write(io, report, d, workload, null);
    }

    /** The same; a load run ({@code load} not null) also gets its summary, or is written as vLLM's result JSON. */
    static void write(Io io, ReportOptions report, Diagnosis d, WorkloadLog workload,
            autoglm.model.load.LoadRecording load) {
        if (report.format == ReportOptions.Format.vllm_bench) {
            if (load == null) {
                throw new BadInputException("--format vllm-bench is the format of a load run (autoglm load, or "
                        + "diagnose of its run folder)");
            }
            Output.write(io, "-o", report.output, w -> autoglm.report.VllmBenchJson.write(load, d, w));
        } else {
            Report main = switch (report.format) {
                case json -> new JsonReport();
                case markdown -> new MarkdownReport();
                default -> new TerminalReport(report.useColour(io), report.explain, report.topKernels, report.all,
                        report.width(io));
            };
            java.util.List<String> summary = load == null ? java.util.List.of() : autoglm.report.LoadText.lines(
                    load.settings(), autoglm.analyse.load.LoadAnalysis.distributions(load), d, load.complete());
            boolean md = report.format == ReportOptions.Format.markdown;
            Output.write(io, "-o", report.output, w -> {
                if (!summary.isEmpty() && report.format != ReportOptions.Format.json) {
                    w.write(md ? "```\n" : "");
                    for (String line : summary) {
                        w.write(line + "\n");
                    }
                    w.write(md ? "```\n\n" : "\n");
                }
                main.write(d, w);
            });
        }
        if (report.html != null) {
            HtmlReport html = new HtmlReport(ChartBuilder.of(d, workload, load));
            Output.write(io, "--html", report.html, w -> html.write(d, w));
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
     * workload's events, also its per-request and per-turn tables (the library's {@link RunFolderFiles}).
     */
    static void runHtml(Path folder, Diagnosis d, WorkloadLog workload) {
        RunFolderFiles.write(folder, d, workload, null);
    }

    /** What --verify measured, kept in the base run's folder: diagnose FOLDER shows it again (verify.json). */
    static void runVerified(Path folder, Diagnosis d) {
        RunFolderFiles.verified(folder, d);
    }
}
