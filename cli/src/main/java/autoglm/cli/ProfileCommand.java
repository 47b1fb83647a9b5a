package autoglm.cli;

import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosed;
import autoglm.diagnose.Diagnosis;
import autoglm.record.run.ProfiledRun;
import autoglm.record.workload.WorkloadCommand;
import autoglm.verify.RunOutcome;
import autoglm.verify.Verifier;
import autoglm.record.cupti.CuptiInjection;
import autoglm.record.run.Profiler;
import autoglm.record.run.RunningCommand;
import autoglm.record.SampleListener;
import autoglm.record.export.EventsTail;
import autoglm.rules.Severity;
import autoglm.model.run.RunInfo;
import autoglm.util.BadInputException;
import autoglm.record.workload.PythonFinder;
import autoglm.record.workload.WorkloadCheck;
import autoglm.record.workload.WorkloadPackage;
import autoglm.model.workload.WorkloadLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code autoglm profile [options] -- COMMAND...}: run a command under the probes, keep the run, diagnose it. */
@Command(name = "profile", header = "Run a command or the GLM workload under the probes.", mixinStandardHelpOptions = true,
        description = {
            "Run a command (argv as given, no shell), or the autoglm GLM workload (--model), while sampling every GPU",
            "through NVML and GPM and the host through OSHI; keep the run in a folder (run.json, CSV samples, the",
            "workload's events) and print the ranked findings. --verify re-runs the workload with each top fix.",
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
            description = "host sampling interval (default: the sampling interval, but not under 200ms; a value given "
                    + "may be as short as --interval)")
    String hostInterval;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs", description = "where run folders go (default runs/)")
    Path out;

    @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "10s",
            description = "after Ctrl-C, how long the command may take to stop before SIGTERM (default 10s)")
    String grace;

    @Option(names = "--kernels", negatable = true, description = "record kernels, copies and CUDA API calls with the "
            + "CUPTI library (on by default with --model; --no-kernels turns it off) "
            + "injected through CUDA_INJECTION64_PATH, and run the timeline rules on them")
    Boolean kernels;

    @Mixin
    PrometheusOptions prometheus = new PrometheusOptions();

    /** The Prometheus endpoint of --prometheus-port, or null. */
    private autoglm.record.export.PrometheusExport export;

    @Mixin
    WorkloadOptions workload = new WorkloadOptions();

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "the command to run, after -- (or --model)")
    List<String> command = new ArrayList<>();

    public ProfileCommand(Io io) {
        this.io = io;
    }

    /** One profiled run: its folder and run.json, and its diagnosis with what the folder held. */
    record Outcome(Profiler.Result result, Diagnosed diagnosed) {
        Diagnosis diagnosis() {
            return diagnosed.diagnosis();
        }

        WorkloadLog workload() {
            return diagnosed.workload();
        }

        RunOutcome forVerification() {
            return ProfiledRun.outcome(result, diagnosed);
        }
    }

    /** What to run: the argv, the run's name, extra environment, and the workload's knobs and Python. */
    private record Launch(List<String> argv, String runName, Map<String, String> env, Map<String, String> knobs,
            Path python, Path cache) {
    }

    @Override
    public Integer call() throws Exception {
        Severity failOn = rules.failOnSeverity();
        Diagnoser diagnoser = rules.diagnoser();
        Reports.checkWritable(report);
        boolean model = checkWhatToRun();
        Path injection = injection(model);
        RunInfo.Settings settings = settings().withKernels(injection != null);
        Durations.millis("--grace", grace);
        prometheus.check();
        Launch launch = model ? workloadLaunch() : new Launch(command, name, Map.of(), Map.of(), null, null);
        if (model) {
            // what this machine cannot run is refused before a run folder or a probe starts
            String refused = WorkloadCheck.refusal(launch.argv(), launch.env());
            if (refused != null) {
                throw new BadInputException("--model " + workload.model + ": " + refused);
            }
        }
        export = prometheus.start(io, launch.runName() != null ? launch.runName() : launch.argv().get(0));
        try {
            return profileAndReport(launch, settings, injection, diagnoser, failOn);
        } finally {
            if (export != null) {
                export.close();
            }
        }
    }

    private Integer profileAndReport(Launch launch, RunInfo.Settings settings, Path injection, Diagnoser diagnoser,
            Severity failOn) throws Exception {
        Outcome base = profileOnce(launch.argv(), launch.runName(), launch.env(), settings, injection, diagnoser);
        Diagnosis diagnosis = base.diagnosis();
        Integer early = endState(base);
        if (early == null && workload.verify) {
            diagnosis = verify(base, launch, settings, injection, diagnoser);
            Reports.runHtml(base.result().folder(), diagnosis, base.workload());
            Reports.runVerified(base.result().folder(), diagnosis);
        }
        diagnosis = diagnosis.withOverrides(rules.overrides());
        Reports.write(io, report, diagnosis, base.workload());
        prometheus.finish(io, export, diagnosis);
        if (early != null) {
            return early;
        }
        if (writeProblem) {
            io.say("a file of the run could not be written (above): the run is incomplete");
            return ExitCodes.BAD_INPUT;
        }
        if (verifierInterrupted) {
            io.say("interrupted while verifying: the runs so far are kept and reported");
            return ExitCodes.BAD_INPUT;
        }
        return DiagnoseCommand.exitCode(diagnosis, failOn, io);
    }

    /** Whether the workload runs (--model) rather than a command; refuses options that do not fit. */
    private boolean checkWhatToRun() {
        boolean model = workload.model != null;
        if (model == !command.isEmpty()) {
            throw new BadInputException(model ? "give --model or a COMMAND, not both"
                    : "nothing to run: give a COMMAND after -- or --model MODEL");
        }
        if (!model && (workload.verify || workload.scenario != null || workload.batch != null
                || !workload.knobs.isEmpty())) {
            throw new BadInputException("--verify, --scenario, --batch and --knob drive the workload: they need --model");
        }
        if (workload.verifyTop < 1) {
            throw new BadInputException("--verify-top " + workload.verifyTop + ": at least 1");
        }
        if (workload.verifyRuns < 1) {
            throw new BadInputException("--verify-runs " + workload.verifyRuns + ": at least 1");
        }
        return model;
    }

    /** The CUPTI library to inject, or null: on with --kernels, by default with --model where possible. */
    private Path injection(boolean model) {
        if (Boolean.TRUE.equals(kernels)) {
            try {
                return CuptiInjection.library(System.getenv());
            } catch (CuptiInjection.Unavailable e) {
                throw new BadInputException("--kernels: " + e.getMessage());
            }
        }
        // the workload runs under every probe: kernels too, unless asked not to or impossible here (a note)
        return kernels == null && model ? injectionIfPossible() : null;
    }

    private Launch workloadLaunch() {
        Map<String, String> env = new LinkedHashMap<>();
        Path python;
        try {
            python = PythonFinder.find(workload.python, System.getenv());
            Path pkg = WorkloadPackage.folder(System.getenv());
            String pp = System.getenv("PYTHONPATH");
            env.put("PYTHONPATH", pkg + (pp == null || pp.isEmpty() ? "" : ":" + pp));
        } catch (WorkloadPackage.Unavailable e) {
            throw new BadInputException("--model: " + e.getMessage());
        }
        Map<String, String> knobs = workload.knobMap();
        Path cache = WorkloadCommand.bandwidthCache(System.getenv());
        WorkloadCommand wc = workload.workload();
        return new Launch(wc.argv(python, knobs, cache), name != null ? name : wc.runName(), env, knobs, python, cache);
    }

    /** --verify: the top fixes re-run through the library's {@link Verifier}, the diagnosis re-ranked. */
    private Diagnosis verify(Outcome base, Launch launch, RunInfo.Settings settings, Path injection,
            Diagnoser diagnoser) throws Exception {
        WorkloadCommand wc = workload.workload();
        Verifier.Rerun rerun = new Verifier.Rerun() {
            @Override
            public RunOutcome run(String rule, Map<String, String> extra) throws Exception {
                return profileOnce(argv(extra), launch.runName() + "-verify-" + rule, launch.env(), settings, injection,
                        diagnoser).forVerification();
            }

            /** A fix this machine cannot run (graphs without CUDA) is not started: no empty run folder. */
            @Override
            public String refusal(Map<String, String> extra) throws Exception {
                return WorkloadCheck.refusal(argv(extra), launch.env());
            }

            private List<String> argv(Map<String, String> extra) {
                Map<String, String> k = new LinkedHashMap<>(launch.knobs());
                k.putAll(extra);
                return wc.argv(launch.python(), k, launch.cache());
            }
        };
        Verifier verifier = new Verifier(rules.catalogue(), workload.verifyTop, line -> io.say(line), rerun,
                Verifier.Mode.WORKLOAD, workload.verifyRuns);
        return base.diagnosis().withVerifications(verifier.verify(base.forVerification()));
    }

    private volatile boolean verifierInterrupted;
    /** A file of a run could not be written (a full disk): the exit code says so. */
    private volatile boolean writeProblem;

    /** With --model and neither --kernels nor --no-kernels: the CUPTI library, or null and one note why not. */
    private Path injectionIfPossible() {
        String injected = System.getenv(CuptiInjection.ENV_INJECTION);
        if (injected != null && !injected.isEmpty()) {
            io.say(CuptiInjection.ENV_INJECTION + " is set (another tool injects into CUDA): "
                    + "kernels are not recorded");
            return null;
        }
        try {
            return CuptiInjection.library(System.getenv());
        } catch (CuptiInjection.Unavailable e) {
            io.say("kernels are not recorded: " + e.getMessage());
            return null;
        }
    }

    Outcome profileOnce(List<String> argv, String runName, Map<String, String> env, RunInfo.Settings settings,
            Path injection, Diagnoser diagnoser) throws java.io.IOException {
        Profiler profiler = Profiler.withNvml(line -> io.say(line));
        Profiler.Request request = new Profiler.Request(argv, runName, out, settings, Durations.millis("--grace", grace),
                injection, env);
        Profiler.Result result;
        try (TitleProgress progress = TitleProgress.open(io, runName == null ? argv.get(0) : runName)) {
            RunningCommand running = profiler.start(request, export != null ? export : SampleListener.NONE);
            // the workload's figures as it writes them (any command that writes events.jsonl there)
            try (EventsTail tail = export == null ? null
                    : EventsTail.start(running.folder().resolve(autoglm.read.workload.WorkloadEvents.FILE), export::workload, 200)) {
                result = running.await();
            }
        }
        io.say("run kept in " + result.folder());
        if (result.interruptedBy() != null) {
            verifierInterrupted = true;
        }
        Diagnosed d = diagnoser.diagnoseRun(result.folder(), line -> io.say(line));
        try {
            Reports.runHtml(result.folder(), d.diagnosis(), d.workload());
        } catch (BadInputException e) {
            io.say(e.getMessage());
            writeProblem = true;
        }
        return new Outcome(result, d);
    }

    /** The exit code when the run did not end cleanly (one line says what happened), else null. */
    private Integer endState(Outcome o) {
        Profiler.Result result = o.result();
        RunInfo info = result.info();
        if (result.interruptedBy() != null) {
            io.say("interrupted by SIG" + result.interruptedBy() + ": the partial run is kept in "
                    + result.folder() + ", marked incomplete");
            return ExitCodes.BAD_INPUT;
        }
        if (result.writeFailure() != null && (info.exitCode() == null || info.exitCode() == 0)) {
            io.say("the run could not be written in full: " + result.writeFailure()
                    + "; what was written is kept in " + result.folder() + ", marked incomplete");
            return ExitCodes.BAD_INPUT;
        }
        if (info.exitCode() != null && info.exitCode() != 0) {
            String error = o.forVerification().workloadError();
            String what = error != null ? "the workload failed (" + error + "); " : "";
            io.say(what + info.note() + "; the run is kept in " + result.folder()
                    + ", marked incomplete");
            return ExitCodes.BAD_INPUT;
        }
        return null;
    }

    RunInfo.Settings settings() {
        double i = Durations.millis("--interval", interval);
        if (i < 10) {
            throw new BadInputException("--interval " + interval + ": 10ms is the finest NVML sampling interval");
        }
        double gpm = gpmInterval == null ? Math.max(100, i) : Durations.millis("--gpm-interval", gpmInterval);
        if (gpm < 100) {
            throw new BadInputException("--gpm-interval " + gpmInterval + ": GPM needs at least 100ms between samples");
        }
        double host = hostInterval == null ? Math.max(200, i) : Durations.millis("--host-interval", hostInterval);
        if (host < i) {
            throw new BadInputException("--host-interval " + hostInterval + ": must not be shorter than --interval");
        }
        return new RunInfo.Settings(i, gpm, host);
    }
}
