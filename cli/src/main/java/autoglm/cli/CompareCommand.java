package autoglm.cli;

import autoglm.util.BadInputException;
import autoglm.compare.Comparer;
import autoglm.compare.Comparison;
import autoglm.diagnose.Diagnoser;
import autoglm.report.CompareJsonReport;
import autoglm.report.CompareTextReport;
import autoglm.report.ComparisonReport;
import autoglm.result.ResultSummary;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code autoglm compare A B}: what changed between two results, metrics and kernels (HTA's trace diff). */
@Command(name = "compare", header = "Show the differences between two results.", mixinStandardHelpOptions = true,
        description = {
            "Print the differences between two results (traces, run folders, or the JSON of diagnose/profile): the",
            "metrics that moved, with Welch's noise test where they carry spreads, and per kernel name its count and",
            "time in each, as added, removed, grew or shrank (like HTA's trace diff)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:compared", "2:bad input (one line says what)", "3:internal error"})
public final class CompareCommand implements Callable<Integer> {
    private final Io io;

    @Parameters(index = "0", paramLabel = "A", description = "the first result (the reference)")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "the second result")
    Path b;

    @Option(names = "--tolerance", paramLabel = "PERCENT", defaultValue = "5",
            description = "a kernel grew or shrank when its time moved more than this percent (default 5)")
    double tolerance;

    @Option(names = "--top", paramLabel = "N", defaultValue = "30", description = "kernel rows shown (default 30)")
    int top;

    @Option(names = "--all", description = "list unchanged metrics too")
    boolean all;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "terminal", description = "terminal (default) or json")
    ReportOptions.Format format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE instead of stdout")
    Path output;

    public CompareCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
            throw new BadInputException("--tolerance " + tolerance + ": a percentage, 0 or more");
        }
        if (format == ReportOptions.Format.markdown) {
            throw new BadInputException("--format markdown: compare writes terminal or json");
        }
        Output.checkWritable("-o", output);
        Diagnoser diagnoser = Diagnoser.withDefaults();
        ResultSummary ra = Inputs.summary("A", a, diagnoser, line -> io.say(line));
        ResultSummary rb = Inputs.summary("B", b, diagnoser, line -> io.say(line));
        Comparison c = Comparer.compare(ra, rb, tolerance);
        ComparisonReport r = format == ReportOptions.Format.json ? new CompareJsonReport() : new CompareTextReport(top, all);
        Output.write(io, "-o", output, w -> r.write(c, w));
        return ExitCodes.OK;
    }
}
