package autoglm.cli;

import autoglm.diagnose.Diagnosed;
import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.model.load.LoadRecording;
import autoglm.model.run.RunInfo;
import autoglm.record.load.LoadFolder;
import autoglm.record.load.LoadPlan;
import autoglm.record.load.LoadTest;
import autoglm.record.load.ServedLoad;
import autoglm.record.load.ServerFlags;
import autoglm.record.run.Signals;
import autoglm.record.workload.ServeLaunch;
import autoglm.record.workload.WorkloadPackage;
import autoglm.rules.Severity;
import autoglm.util.BadInputException;
import autoglm.verify.RunOutcome;
import autoglm.verify.Verifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code autoglm load URL [options] [--serve -- CMD...]}: a serving endpoint under realistic traffic, diagnosed. */
@Command(name = "load", header = "Load an OpenAI-compatible endpoint and diagnose it.", mixinStandardHelpOptions = true,
        description = {
            "Send realistic traffic to an OpenAI-compatible endpoint (vLLM, SGLang,",
            "autoglm serve): Open-AutoGLM phone sessions (--workload agent), seeded",
            "synthetic prompts or replayed requests, under a profile. Time every",
            "streamed token, scrape the server's /metrics, keep it all in a run folder",
            "and rank what slows the endpoint. --serve -- CMD starts the server under",
            "every probe and stops it after; --verify then re-launches it with each top",
            "finding's fix and replays the same traffic. Ctrl-C keeps what was measured."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the load ran; no finding reached --fail-on",
            "1:a finding reached --fail-on",
            "2:bad input, an endpoint that cannot be used, a server that failed, or an interrupted load (run kept)",
            "3:internal error"
        })
public final class LoadCommand implements Callable<Integer> {
    private final Io io;

    @Mixin
    ReportOptions report = new ReportOptions();

    @Mixin
    RuleOptions rules = new RuleOptions();

    @Mixin
    LoadOptions load = new LoadOptions();

    @Mixin
    PrometheusOptions prometheus = new PrometheusOptions();

    /** The Prometheus endpoint of --prometheus-port, or null. */
    private autoglm.record.export.PrometheusExport export;

    @Parameters(index = "0", paramLabel = "URL", description = "the endpoint's base URL, e.g. http://127.0.0.1:8000")
    String url;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "with --serve: the server's command, after --")
    List<String> command = new ArrayList<>();

    @Option(names = "--serve", description = "start the server (CMD after --, argv, no shell; 'autoglm serve ...' runs "
            + "the reference server), wait until it is ready, sample its GPU and host, stop it after the load")
    boolean serve;

    @Option(names = "--ready-timeout", paramLabel = "DURATION", defaultValue = "600s",
            description = "with --serve: how long the server may take to answer /health or /v1/models (default 600s)")
    String readyTimeout;

    @Option(names = "--verify", description = "with --serve: re-launch the server with each top finding's fix and "
            + "replay the same seeded traffic; print measured before/after")
    boolean verify;

    @Option(names = "--verify-top", paramLabel = "N", defaultValue = "3", description = "findings --verify re-runs "
            + "(default 3)")
    int verifyTop;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "runs", description = "where run folders go (default runs/)")
    Path out;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "load", description = "name of the run (default load)")
    String name;

    @Option(names = "--kernels", description = "with --serve: inject the CUPTI library into the server and its worker "
            + "processes, as profile --kernels does; the recordings are cut to the measured window, diagnosed with the "
            + "timeline rules beside the endpoint rules, and the server's steps set against its batch (docs/load.md)")
    boolean kernels;

    @Option(names = "--python", paramLabel = "PATH", description = "the Python with PyTorch for 'autoglm serve' under --serve")
    String python;

    public LoadCommand(Io io) {
        this.io = io;
    }

    /** One load: its run folder, its diagnosis, the recording, and how it ended (null: cleanly; else why not). */
    private record Run(Path folder, Diagnosed diagnosed, LoadRecording recording, String problem,
            String interruptedBy) {
    }

    @Override
    public Integer call() throws Exception {
        Severity failOn = rules.failOnSeverity();
        Diagnoser diagnoser = rules.diagnoser();
        Reports.checkWritable(report);
        if (serve == command.isEmpty()) {
            throw new BadInputException(serve ? "--serve needs the server's command after --"
                    : "a command after the URL needs --serve (autoglm load URL --serve -- CMD...)");
        }
        if (kernels && !serve) {
            throw new BadInputException("--kernels records the server autoglm starts: it needs --serve -- CMD");
        }
        if (verify && !serve) {
            throw new BadInputException("--verify re-launches the server with each fix: it needs --serve -- CMD");
        }
        if (verifyTop < 1) {
            throw new BadInputException("--verify-top " + verifyTop + ": at least 1");
        }
        LoadPlan plan = load.plan(url, load.model);
        // every duration (and --baseline) is checked before the endpoint is asked anything
        Durations.millis("--ready-timeout", readyTimeout);
        load.baselineRequests();
        prometheus.check();
        if (!serve && plan.model() == null) {
            plan = plan.withModel(autoglm.record.load.Endpoint.firstModel(plan.base()));
            io.say("model " + plan.model() + " (the first of /v1/models)");
        }
        if (load.sweep() > 0) {
            if (verify) {
                throw new BadInputException("--verify re-runs one load: it does not combine with --profile sweep");
            }
            if (prometheus.port != null) {
                throw new BadInputException("--prometheus-port serves one load: it does not combine with --profile sweep");
            }
            return sweep(plan, load.sweep(), diagnoser, failOn);
        }
        export = prometheus.start(io, name);
        try {
            return loadAndReport(plan, diagnoser, failOn);
        } finally {
            if (export != null) {
                export.close();
            }
        }
    }

    private Integer loadAndReport(LoadPlan plan, Diagnoser diagnoser, Severity failOn) throws Exception {
        Run base = serve ? served(plan, command, name, diagnoser) : unserved(plan, name, diagnoser);
        if (export != null) {
            export.run(base.folder().getFileName().toString());
        }
        Diagnosis diagnosis = base.diagnosed().diagnosis();
        if (load.serverProfile > 0) {
            autoglm.verify.ProfilerCost cost = ServerProfileFiles.cost(io, base.folder(), base.recording());
            ServerProfileFiles.diagnose(io, base.folder(), diagnoser, serve, base.recording());
            if (cost != null) {
                diagnosis = cost.attachTo(diagnosis); // the cost in the result's metrics: JSON and HTML
                Reports.runHtml(base.folder(), diagnosis, null, base.recording());
            }
        }
        if (verify && base.problem() == null && base.interruptedBy() == null) {
            diagnosis = verify(base, plan, diagnoser);
            Reports.runHtml(base.folder(), diagnosis, null, base.recording());
            Reports.runVerified(base.folder(), diagnosis);
        }
        diagnosis = diagnosis.withOverrides(rules.overrides());
        Reports.write(io, report, diagnosis, null, base.recording());
        prometheus.finish(io, export, diagnosis);
        if (base.interruptedBy() != null) {
            io.say("interrupted: the load so far is kept in " + base.folder() + ", marked incomplete");
            return ExitCodes.BAD_INPUT;
        }
        if (base.problem() != null) {
            io.say(base.problem() + "; the run is kept in " + base.folder() + ", marked incomplete");
            return ExitCodes.BAD_INPUT;
        }
        return DiagnoseCommand.exitCode(diagnosis, failOn, io);
    }

    /**
     * --profile sweep:K, as GuideLLM sweeps: the traffic one request at a time, then all at once (throughput), then K
     * constant rates evenly between the two rates measured; each stage a run folder of its own, one table at the end.
     */
    private int sweep(LoadPlan plan, int k, Diagnoser diagnoser, Severity failOn) throws Exception {
        List<autoglm.report.SweepText.Stage> stages = new ArrayList<>();
        List<autoglm.record.load.Profile> profiles = new ArrayList<>(List.of(autoglm.record.load.Profile.parse("sync"),
                autoglm.record.load.Profile.parse("concurrent:" + Math.max(1, Math.min(256, plan.requests() > 0
                        ? plan.requests() : 256)))));
        int exit = ExitCodes.OK;
        for (int i = 0; i < profiles.size(); i++) {
            autoglm.record.load.Profile p = profiles.get(i);
            String stageName = name + "-sweep-" + (i + 1) + "-" + p.toString().replace(':', '-');
            io.say("sweep stage " + (i + 1) + ": " + p);
            Run r = serve ? served(plan.withProfile(p), command, stageName, diagnoser)
                    : unserved(plan.withProfile(p), stageName, diagnoser);
            stages.add(new autoglm.report.SweepText.Stage(p.toString(), r.folder().getFileName().toString(),
                    r.diagnosed().diagnosis()));
            if (r.interruptedBy() != null || r.problem() != null) {
                io.say((r.interruptedBy() != null ? "interrupted" : r.problem()) + ": the sweep stops; its runs are kept");
                exit = ExitCodes.BAD_INPUT;
                break;
            }
            exit = Math.max(exit, DiagnoseCommand.exitCode(r.diagnosed().diagnosis(), failOn, io));
            if (i == 1) {
                double low = rate(stages.get(0));
                double high = rate(stages.get(1));
                if (!(high > low)) {
                    io.say("the throughput stage (" + high + " req/s) was not faster than one at a time (" + low
                            + " req/s): no rate lies between them to sweep");
                    break;
                }
                for (int j = 1; j <= k; j++) {
                    profiles.add(autoglm.record.load.Profile.parse(String.format(java.util.Locale.ROOT, "constant:%.4g",
                            low + j * (high - low) / (k + 1))));
                }
            }
        }
        if (report.format == ReportOptions.Format.json) {
            Output.write(io, "-o", report.output, w -> autoglm.report.SweepText.json(stages, w));
        } else {
            boolean md = report.format == ReportOptions.Format.markdown;
            Output.write(io, "-o", report.output, w -> {
                w.write(md ? "```\n" : "");
                for (String line : autoglm.report.SweepText.lines(stages)) {
                    w.write(line + "\n");
                }
                w.write(md ? "```\n" : "");
            });
        }
        return exit;
    }

    private static double rate(autoglm.report.SweepText.Stage s) {
        autoglm.analyse.Metric m = s.diagnosis().metrics().get("load_request_rate");
        return m.present() ? m.value() : Double.NaN;
    }

    /** Against a server that runs already. */
    private Run unserved(LoadPlan plan, String runName, Diagnoser diagnoser) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("autoglm", "load", plan.base().toString()));
        LoadFolder folder = LoadFolder.create(out, runName, cmd);
        LoadTest test = new LoadTest(plan, line -> io.say(line)).serverProfile(load.serverProfile)
                .baseline(load.baselineRequests());
        if (export != null) {
            export.run(folder.path().getFileName().toString());
            test.onRequest(export::request);
        }
        String[] signal = new String[1];
        LoadRecording rec;
        try (Signals signals = new Signals(s -> {
            signal[0] = s;
            io.say("got SIG" + s + ": stopping the load now; requests in flight are cut short (counted as interrupted)");
            test.interrupt();
        })) {
            rec = test.run(folder.path(), List.of());
        } catch (RuntimeException e) {
            folder.finish(RunInfo.FAILED, false, "the load failed: " + Main.line(e));
            throw e;
        }
        String gone = wentAway(rec);
        gone = gone != null ? gone : noneSucceeded(rec);
        if (signal[0] != null) {
            folder.finish(RunInfo.INTERRUPTED, false, "autoglm got SIG" + signal[0] + " and stopped the load early");
        } else if (gone != null) {
            folder.finish(RunInfo.FAILED, false, gone);
        } else {
            folder.finish(RunInfo.EXITED, rec.complete(), "the load ran to its end");
        }
        io.say("run kept in " + folder.path());
        return finish(folder.path(), rec, gone, signal[0], diagnoser);
    }

    /** "no request succeeded (http-404 x3; the first: ...)" when every measured request failed, else null. */
    static String noneSucceeded(LoadRecording rec) {
        if (rec.measured().isEmpty() || rec.measured().stream().anyMatch(autoglm.model.load.LoadRequest::ok)) {
            return null;
        }
        java.util.Map<String, Long> kinds = new java.util.TreeMap<>();
        rec.measured().forEach(r -> kinds.merge(r.status(), 1L, Long::sum));
        String first = rec.measured().get(0).error();
        return "no request succeeded (" + kinds.toString().replaceAll("[{}]", "").replace("=", " x")
                + (first == null ? "" : "; the first: " + first) + ")";
    }

    /** Why the server is taken to have gone away or hung during the load (refused, reset, timed out), or null. */
    static String wentAway(LoadRecording rec) {
        long lost = rec.requests().stream().filter(r -> r.status().equals("refused") || r.status().equals("reset")
                || r.status().equals("timeout")).count();
        return lost == 0 ? null : "the server went away or stopped answering during the load (" + lost + " of "
                + rec.requests().size() + " requests refused, reset or timed out)";
    }

    /** With --serve: the server under the probes, the load into its run folder. */
    private Run served(LoadPlan plan, List<String> cmd, String runName, Diagnoser diagnoser) throws Exception {
        List<String> argv = cmd;
        Map<String, String> env = Map.of();
        if (ServeLaunch.isAutoglmServe(cmd)) {
            try {
                ServeLaunch l = ServeLaunch.of(cmd.subList(2, cmd.size()), python, System.getenv());
                argv = l.argv();
                env = l.env();
            } catch (WorkloadPackage.Unavailable e) {
                throw new BadInputException("--serve autoglm serve: " + e.getMessage());
            }
        }
        Path staging = null;
        if (load.serverProfile > 0) {
            // the server writes its traces here (vLLM's and SGLang's variables; autoglm serve reads vLLM's); they are
            // moved into the run folder once it exists and the load has ended
            staging = Files.createDirectories(out.resolve(".server-profile-" + runName + "-" + System.nanoTime()))
                    .toAbsolutePath();
            Map<String, String> e = new java.util.HashMap<>(env);
            e.put("VLLM_TORCH_PROFILER_DIR", staging.toString());
            e.put("SGLANG_TORCH_PROFILER_DIR", staging.toString());
            env = e;
        }
        ServedLoad.Result r;
        try (TitleProgress progress = TitleProgress.open(io, runName)) {
            r = ServedLoad.run(argv, env, runName, out, new RunInfo.Settings(100, 100, 200), plan,
                    Durations.millis("--ready-timeout", readyTimeout), line -> io.say(line), (export == null
                    ? ServedLoad.Extras.NONE : new ServedLoad.Extras(f -> export.run(f.getFileName().toString()),
                    export, export::request, 0, null)).withServerProfile(load.serverProfile).withInjection(injection())
                    .withBaseline(load.baselineRequests()));
        }
        io.say("run kept in " + r.folder());
        if (staging != null) {
            ServerProfileFiles.collect(staging, r.folder());
        }
        String problem = r.problem();
        if (problem == null && r.server().info().exitCode() != null && !r.server().info().complete()) {
            problem = "the server failed during the load (" + r.server().info().note() + ")";
        }
        return finish(r.folder(), r.load(), problem, r.interruptedBy(), diagnoser);
    }

    private Run finish(Path folder, LoadRecording rec, String problem, String interruptedBy, Diagnoser diagnoser) {
        if (problem == null && rec != null) {
            problem = noneSucceeded(rec);
        }
        Diagnosed d = diagnoser.diagnoseRun(folder, line -> io.say(line));
        LoadRecording read = d.run() != null && d.run().load() != null ? d.run().load() : rec;
        Reports.runHtml(folder, d.diagnosis(), null, read);
        return new Run(folder, d, read, problem, interruptedBy);
    }

    /** The CUPTI library for --kernels, or null without it; one line and exit 2 where it cannot be used. */
    private Path injection() {
        if (!kernels) {
            return null;
        }
        try {
            return autoglm.record.cupti.CuptiInjection.library(System.getenv());
        } catch (autoglm.record.cupti.CuptiInjection.Unavailable e) {
            throw new BadInputException("--kernels: " + e.getMessage());
        }
    }

    /** --verify: each top finding's endpoint knobs applied to the server command (or the traffic), re-run. */
    private Diagnosis verify(Run base, LoadPlan plan, Diagnoser diagnoser) throws Exception {
        List<String> serverCmd = command;
        Verifier verifier = new Verifier(rules.catalogue(), verifyTop, line -> io.say(line), (rule, knobs) -> {
            List<String> cmd = serverCmd;
            LoadPlan p = plan;
            for (Map.Entry<String, String> k : knobs.entrySet()) {
                if (k.getKey().equals("image_scale")) {
                    p = p.withImageScale(plan.imageScale() * Double.parseDouble(k.getValue()));
                    continue;
                }
                try {
                    cmd = ServerFlags.apply(cmd, k.getKey(), k.getValue());
                } catch (IllegalArgumentException e) {
                    return new RunOutcome(null, null, 2, e.getMessage(), base.diagnosed().diagnosis(), null, null);
                }
            }
            io.say("re-launching: " + String.join(" ", cmd));
            Run after = served(p, cmd, name + "-verify-" + rule, diagnoser);
            Integer code = after.problem() == null && after.recording() != null && after.recording().complete() ? 0 : 1;
            return new RunOutcome(after.folder().getFileName().toString(), after.interruptedBy(), code,
                    after.problem() == null ? "the load ran to its end" : after.problem(),
                    after.diagnosed().diagnosis(), null, null);
        }, Verifier.Mode.endpoint((b, knobs) -> knobs.entrySet().stream().allMatch(e -> e.getKey().equals("image_scale")
                ? Double.parseDouble(e.getValue()) == 1 : ServerFlags.inEffect(serverCmd, e.getKey(), e.getValue()))));
        RunOutcome baseline = new RunOutcome(base.folder().getFileName().toString(), null, 0, "the load ran to its end",
                base.diagnosed().diagnosis(), null, null);
        return base.diagnosed().diagnosis().withVerifications(verifier.verify(baseline));
    }
}
