package autoglm.cli;

import autoglm.diagnose.Diagnoser;
import autoglm.gate.Gate;
import autoglm.gate.GateResult;
import autoglm.gate.GateThresholds;
import autoglm.report.GateJunitReport;
import autoglm.report.GateMarkdownReport;
import autoglm.report.GateTextReport;
import autoglm.result.ResultSummary;
import autoglm.util.BadInputException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code autoglm gate --baseline A --current B}: fail CI when B regressed past the thresholds against A. */
@Command(name = "gate", header = "Check a result against a baseline for CI.", mixinStandardHelpOptions = true,
        description = {
            "Compare a current result with a baseline, metric by metric, against thresholds (relative or absolute per",
            "metric; the defaults ship with autoglm: --print-defaults). A result is the JSON of diagnose or profile",
            "--format json, a run folder, or a trace. Where the metrics carry sample counts and spreads, a change past",
            "its limit must also be beyond noise (Welch's t-test) to fail. docs/gate.md explains it all."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:pass: nothing regressed past its threshold",
            "1:regression: a metric past its threshold (beyond noise, or its median too), missing from the current"
                    + " result or not a finite number; a new finding above the allowed severity; an incomplete current run",
            "2:bad input, or no metric in both results to compare (one line says what)",
            "3:internal error"
        })
public final class GateCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = "--baseline", paramLabel = "RESULT", description = "the reference result (JSON, run folder or trace)")
    Path baseline;

    @Option(names = "--current", paramLabel = "RESULT", description = "the result to judge")
    Path current;

    @Option(names = "--thresholds", paramLabel = "FILE", description = "thresholds YAML (default: the bundled ones)")
    Path thresholds;

    @Option(names = "--junit", paramLabel = "FILE", description = "also write the verdict as JUnit XML")
    Path junit;

    @Option(names = "--markdown", paramLabel = "FILE", description = "also write the verdict as a Markdown table")
    Path markdown;

    @Option(names = "--allow-incomplete", description = "pass a current run that failed, was interrupted or is still "
            + "running (by default it fails the gate)")
    boolean allowIncomplete;

    @Option(names = "--print-defaults", description = "print the default thresholds file and exit")
    boolean printDefaults;

    public GateCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        if (printDefaults) {
            io.out().print(GateThresholds.defaultsText());
            io.out().flush();
            return ExitCodes.OK;
        }
        Output.checkWritable("--junit", junit);
        Output.checkWritable("--markdown", markdown);
        GateThresholds t = thresholds == null ? GateThresholds.defaults() : GateThresholds.read(thresholds);
        Diagnoser diagnoser = Diagnoser.withDefaults();
        ResultSummary base = Inputs.summary("--baseline", baseline, diagnoser, this::note);
        ResultSummary cur = Inputs.summary("--current", current, diagnoser, this::note);
        GateResult result = Gate.evaluate(base, cur, t, allowIncomplete);
        if (result.compared() == 0 && !result.checks().isEmpty()) {
            throw new BadInputException(nothingJudged(result));
        }
        Output.stdout(io, w -> new GateTextReport().write(result, w));
        if (junit != null) {
            Output.write(io, "--junit", junit, w -> new GateJunitReport().write(result, w));
        }
        if (markdown != null) {
            Output.write(io, "--markdown", markdown, w -> new GateMarkdownReport().write(result, w));
        }
        return result.passed() ? ExitCodes.OK : ExitCodes.FINDINGS;
    }

    /** One line: the gate compared no metric, and why. */
    static String nothingJudged(GateResult r) {
        long missing = r.count(autoglm.gate.GateCheck.Status.MISSING);
        String first = r.checks().stream().filter(c -> !c.compared()).map(c -> c.threshold().key() + " " + c.reason())
                .findFirst().orElse("");
        return "gate: nothing to compare: none of the " + r.checks().size() + " thresholds' metrics is in both results ("
                + (missing > 0 ? missing + " in the baseline only; " : "") + "e.g. " + first + ")"
                + (r.currentIncomplete() ? "; " + r.incompleteLine() : "");
    }

    private void note(String line) {
        io.say(line);
    }
}
