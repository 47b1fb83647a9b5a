package autoglm.cli;

import autoglm.util.BadInputException;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosed;
import autoglm.diagnose.Diagnosis;
import autoglm.read.cupti.CuptiLoader;
import autoglm.rules.Finding;
import autoglm.rules.Severity;
import autoglm.read.run.RunFolder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
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

    @Option(names = "--prometheus", paramLabel = "URL", description = "diagnose a fleet of serving replicas read back "
            + "from this Prometheus (its HTTP API) instead of files: the endpoint rules on each replica, the fleet rules "
            + "across them (docs/fleet.md)")
    String prometheus;

    @Option(names = "--since", paramLabel = "DURATION", description = "with --prometheus: the window ending now "
            + "(default 1h)")
    String since;

    @Option(names = "--start", paramLabel = "TIME", description = "with --prometheus: the window's start, RFC 3339 "
            + "(2026-11-28T14:00:00Z) or unix seconds")
    String start;

    @Option(names = "--end", paramLabel = "TIME", description = "with --prometheus: the window's end (default now)")
    String end;

    @Option(names = "--selector", paramLabel = "{LABEL=VALUE,...}", defaultValue = "", description = "with "
            + "--prometheus: which replicas, as label matchers (for example {job=\"vllm\"}); default all")
    String selector;

    @Option(names = "--step", paramLabel = "DURATION", defaultValue = "15s", description = "with --prometheus: one "
            + "page of each replica every DURATION (default 15s, a usual scrape interval)")
    String step;

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
        if (prometheus != null) {
            return fleet(diagnoser, failOn);
        }
        if (files == null || files.isEmpty()) {
            throw new autoglm.util.BadInputException("nothing to diagnose: give a trace, a CUPTI recording, a run folder "
                    + "or --prometheus URL");
        }
        Diagnosed d;
        try (Progress progress = Progress.open(io)) {
            d = diagnoser.diagnoseFiles(files, (f, read, total, events) -> progress.show(
                    Progress.reading(f, read, total, events)), line -> io.say(line));
        }
        Diagnosis diagnosis = d.diagnosis();
        autoglm.model.workload.WorkloadLog workload = d.workload();
        if (files.size() == 1 && java.nio.file.Files.isRegularFile(files.get(0).resolve(Reports.VERIFY_JSON))
                && diagnosis.verifications().isEmpty()) {
            // a verified run keeps what --verify measured: shown again, the gains measured, not estimated
            diagnosis = diagnosis.withVerifications(autoglm.result.ResultJson.verifications(
                    files.get(0).resolve(Reports.VERIFY_JSON)));
            io.say("the fixes verified when this run was profiled are read from its " + Reports.VERIFY_JSON);
        }
        diagnosis = diagnosis.withOverrides(rules.overrides());
        Reports.write(io, report, diagnosis, workload, d.run() == null ? null : d.run().load());
        return exitCode(diagnosis, failOn, io);
    }

    /** --prometheus: the replicas the selector picks over the window, read back and diagnosed. */
    private Integer fleet(Diagnoser diagnoser, Severity failOn) throws Exception {
        if (files != null && !files.isEmpty()) {
            throw new autoglm.util.BadInputException("--prometheus diagnoses a fleet: give it without files");
        }
        if (since != null && start != null) {
            throw new autoglm.util.BadInputException("--since and --start both give the window's start: give one");
        }
        double endMs = end == null ? System.currentTimeMillis() : time("--end", end);
        double startMs = start != null ? time("--start", start)
                : endMs - Durations.millis("--since", since == null ? "1h" : since);
        double stepMs = Durations.millis("--step", step);
        if (!(endMs > startMs) || !(stepMs > 0)) {
            throw new autoglm.util.BadInputException("--prometheus: the window must end after it starts, and --step be "
                    + "positive");
        }
        autoglm.read.prometheus.PrometheusApi api = new autoglm.read.prometheus.PrometheusApi(prometheus);
        java.util.List<autoglm.read.prometheus.FleetReader.Instance> fleet = autoglm.read.prometheus.FleetReader
                .servers(api, selector, startMs, endMs, stepMs);
        if (fleet.isEmpty()) {
            io.say("Prometheus at " + prometheus + " holds no vLLM, SGLang, TGI or llama.cpp series for "
                    + (selector.isBlank() ? "any job" : selector) + " in the window");
        }
        Diagnosis diagnosis = diagnoser.diagnoseFleet(fleet, prometheus, selector, startMs, endMs, stepMs)
                .withOverrides(rules.overrides());
        Reports.write(io, report, diagnosis, null, null);
        return exitCode(diagnosis, failOn, io);
    }

    /** RFC 3339 (2026-11-28T14:00:00Z, or with an offset) or unix seconds, in unix milliseconds. */
    static double time(String option, String text) {
        try {
            return Double.parseDouble(text) * 1000;
        } catch (NumberFormatException notSeconds) {
            try {
                return java.time.OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (java.time.format.DateTimeParseException e) {
                throw new autoglm.util.BadInputException(option + " " + text + ": expected RFC 3339 "
                        + "(2026-11-28T14:00:00Z) or unix seconds");
            }
        }
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
