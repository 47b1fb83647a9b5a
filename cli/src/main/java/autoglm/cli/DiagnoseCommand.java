package autoglm.cli;

import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosed;
import autoglm.diagnose.Diagnosis;
import autoglm.rules.Finding;
import autoglm.rules.Severity;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code autoglm diagnose FILE...}: read traces, rank their bottlenecks, report. */
@Command(name = "diagnose", header = "Diagnose Kineto traces, CUPTI recordings or a run folder.", mixinStandardHelpOptions = true,
        description = {
            "Read PyTorch profiler (Kineto) Chrome-trace JSON, plain or gzipped, or a run folder of autoglm profile,",
            "and rank the bottlenecks it shows, each with its evidence, severity, fix and estimated gain.",
            "Several trace files, or a folder of them, are read as the ranks of one job, compared side by side."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:ran; nothing reached --fail-on",
            "1:a finding reached --fail-on",
            "2:bad input or options (one line says what)",
            "3:internal error"
        })
public final class DiagnoseCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ReportOptions report = new ReportOptions();

    @Mixin
    RuleOptions rules = new RuleOptions();

    @Mixin
    FleetOptions fleetOptions = new FleetOptions();

    @Parameters(paramLabel = "FILE", arity = "0..*",
            description = "trace files (.json or .json.gz; gzip is detected by content), CUPTI recordings "
                    + "(cupti-PID.bin of profile --kernels), one folder of rank traces, or one run folder of autoglm "
                    + "profile")
    List<Path> files;

    public DiagnoseCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        Severity failOn = rules.failOnSeverity();
        Diagnoser diagnoser = rules.diagnoser();
        Reports.checkWritable(report);
        if (fleetOptions.prometheus != null) {
            return fleet(diagnoser, failOn);
        }
        if (files == null || files.isEmpty()) {
            throw new autoglm.util.BadInputException("nothing to diagnose: give a trace, a CUPTI recording, a run folder "
                    + "or --prometheus URL");
        }
        Diagnosed d;
        try (Progress progress = Progress.open(io)) {
            d = autoglm.verify.VerifiedRuns.diagnoseFiles(diagnoser, files, (f, read, total, events) -> progress.show(
                    Progress.reading(f, read, total, events)), line -> io.say(line));
        }
        Diagnosis diagnosis = d.diagnosis().withOverrides(rules.overrides());
        Reports.write(io, report, diagnosis, d.workload(), d.run() == null ? null : d.run().load());
        return exitCode(diagnosis, failOn, io);
    }

    /** --prometheus: the replicas the selector picks over the window, read back and diagnosed. */
    private Integer fleet(Diagnoser diagnoser, Severity failOn) throws Exception {
        if (files != null && !files.isEmpty()) {
            throw new autoglm.util.BadInputException("--prometheus diagnoses a fleet: give it without files");
        }
        Diagnosis diagnosis = diagnoser.diagnoseFleet(fleetOptions.where(System.currentTimeMillis()),
                fleetOptions.timeoutMs(), line -> io.say(line)).withOverrides(rules.overrides());
        Reports.write(io, report, diagnosis, null, null);
        return exitCode(diagnosis, failOn, io);
    }

    /** Exit 1 when a finding reached --fail-on, and one line on stderr naming them; else 0. */
    static int exitCode(Diagnosis diagnosis, Severity failOn, Io io) {
        if (failOn == null) {
            return ExitCodes.OK;
        }
        java.util.List<String> reached = new java.util.ArrayList<>();
        for (Finding f : diagnosis.findings()) {
            if (f.isProblem() && f.severity().atLeast(failOn)) {
                reached.add(f.rule() + " (" + f.severity().key() + ")");
            }
        }
        if (reached.isEmpty()) {
            return ExitCodes.OK;
        }
        io.say((reached.size() == 1 ? "1 finding reached" : reached.size() + " findings reached") + " --fail-on "
                + failOn.key() + ": " + String.join(", ", reached));
        return ExitCodes.FINDINGS;
    }
}
