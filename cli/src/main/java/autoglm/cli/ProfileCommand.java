package autoglm.cli;

import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.probes.cupti.CuptiInjection;
import autoglm.probes.run.Profiler;
import autoglm.rules.Severity;
import autoglm.samples.RunInfo;
import autoglm.trace.read.BadInputException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code autoglm profile [options] -- COMMAND...}: run a command under the probes, keep the run, diagnose it. */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = {
            "Run a command (argv as given, no shell) while sampling every GPU through NVML and GPM and the host",
            "through OSHI; keep the run in a folder (run.json and CSV samples) and print the ranked findings.",
            "Ctrl-C or SIGTERM stops the command; the partial run is kept, marked incomplete, and diagnosed."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the command exited with 0 and no finding reached --fail-on",
            "1:a finding reached --fail-on",
            "2:bad input or environment, the command failed, or the run was interrupted (one line says what)",
            "3:internal error"
        })
public final class ProfileCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ReportOptions report = new ReportOptions();

    @Mixin
    RuleOptions rules = new RuleOptions();

    @Option(names = "--name", paramLabel = "NAME", description = "name of the run (default: the script or program)")
    String name;

    @Option(names = "--interval", paramLabel = "DURATION", defaultValue = "100ms",
            description = "NVML sampling interval (default 100ms; 10ms at the finest)")
    String interval;

    @Option(names = "--gpm-interval", paramLabel = "DURATION",
            description = "GPM interval, at least 100ms (default: the sampling interval, at least 100ms)")
    String gpmInterval;

    @Option(names = "--host-interval", paramLabel = "DURATION",
            description = "host sampling interval (default: the sampling interval, at least 200ms)")
    String hostInterval;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs", description = "where run folders go (default runs/)")
    Path out;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "10s",
            description = "after Ctrl-C, how long the command may take to stop before SIGTERM (default 10s)")
    String grace;

    @Option(names = "--kernels", description = "record kernels, copies and CUDA API calls with the CUPTI library "
            + "injected through CUDA_INJECTION64_PATH, and run the timeline rules on them")
    boolean kernels;

    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "the command to run, after --")
    List<String> command;

    public ProfileCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        Severity failOn = rules.failOnSeverity();
        Diagnoser diagnoser = rules.diagnoser();
        Output.checkWritable(report.output);
        RunInfo.Settings settings = settings().withKernels(kernels);
        Path injection = null;
        if (kernels) {
            try {
                injection = CuptiInjection.library(System.getenv());
            } catch (CuptiInjection.Unavailable e) {
                throw new BadInputException("--kernels: " + e.getMessage());
            }
        }
        Profiler profiler = Profiler.withNvml(line -> io.err().println("autoglm: " + line));
        Profiler.Result result = profiler.run(new Profiler.Request(command, name, out, settings,
                Durations.millis("--grace", grace), injection));
        io.err().println("autoglm: run kept in " + result.folder());
        Diagnosis diagnosis = RunDiagnosis.of(diagnoser, result.folder(), line -> io.err().println("autoglm: " + line));
        DiagnoseCommand.write(io, report, diagnosis);
        RunInfo info = result.info();
        if (result.interruptedBy() != null) {
            io.err().println("autoglm: interrupted by SIG" + result.interruptedBy() + ": the partial run is kept in "
                    + result.folder() + ", marked incomplete");
            return ExitCodes.BAD_INPUT;
        }
        if (info.exitCode() != null && info.exitCode() != 0) {
            io.err().println("autoglm: " + info.note() + "; the run is kept in " + result.folder());
            return ExitCodes.BAD_INPUT;
        }
        return DiagnoseCommand.exitCode(diagnosis, failOn);
    }

    RunInfo.Settings settings() {
        double i = Durations.millis("--interval", interval);
        if (i < 10) {
            throw new IllegalArgumentException("--interval " + interval + ": 10ms is the finest NVML sampling interval");
        }
        double gpm = gpmInterval == null ? Math.max(100, i) : Durations.millis("--gpm-interval", gpmInterval);
        if (gpm < 100) {
            throw new IllegalArgumentException("--gpm-interval " + gpmInterval + ": GPM needs at least 100ms between samples");
        }
        double host = hostInterval == null ? Math.max(200, i) : Durations.millis("--host-interval", hostInterval);
        if (host < i) {
            throw new IllegalArgumentException("--host-interval " + hostInterval + ": must not be shorter than --interval");
        }
        return new RunInfo.Settings(i, gpm, host);
    }
}
