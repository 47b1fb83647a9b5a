package autoglm.cli;

import autoglm.diagnose.Diagnoser;
import autoglm.diagnose.Diagnosis;
import autoglm.record.export.PrometheusExport;
import autoglm.record.load.LoadPlan;
import autoglm.record.load.LoadRun;
import autoglm.record.load.LoadRuns;
import autoglm.record.load.LoadSweep;
import autoglm.record.load.LoadVerify;
import autoglm.record.load.ServerProfileResults;
import autoglm.rules.Severity;
import autoglm.util.BadInputException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        double readyMs = Durations.millis("--ready-timeout", readyTimeout);
        load.baselineRequests();
        prometheus.check();
        if (!serve && plan.model() == null) {
            plan = plan.withModel(autoglm.record.load.Endpoint.firstModel(plan.base()));
            io.say("model " + plan.model() + " (the first of /v1/models)");
        }
        if (load.sweep() > 0 && verify) {
            throw new BadInputException("--verify re-runs one load: it does not combine with --profile sweep");
        }
        if (load.sweep() > 0 && prometheus.port != null) {
            throw new BadInputException("--prometheus-port serves one load: it does not combine with --profile sweep");
        }
        LoadRuns runs = new LoadRuns(out, diagnoser, line -> io.say(line)).serverProfile(load.serverProfile)
                .baseline(load.baselineRequests()).kernels(injection()).whileServed(n -> TitleProgress.open(io, n));
        if (serve) {
            runs.serve(command, python, readyMs);
        }
        if (load.sweep() > 0) {
            return sweep(LoadSweep.run(runs, plan, load.sweep(), name), failOn);
        }
        PrometheusExport export = prometheus.start(io, name);
        try {
            return loadAndReport(runs.export(export), export, plan, diagnoser, failOn);
        } finally {
            if (export != null) {
                export.close();
            }
        }
    }

    private Integer loadAndReport(LoadRuns runs, PrometheusExport export, LoadPlan plan, Diagnoser diagnoser,
            Severity failOn) throws Exception {
        LoadRun base = runs.run(plan, name);
        if (export != null) {
            export.run(base.folder().getFileName().toString());
        }
        Diagnosis diagnosis = base.diagnosis();
        if (load.serverProfile > 0) {
            diagnosis = ServerProfileResults.finish(base, diagnoser, serve, line -> io.say(line));
        }
        if (verify && base.ranToItsEnd()) {
            diagnosis = LoadVerify.verify(runs, base, plan, rules.catalogue(), verifyTop, name);
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

    /** --profile sweep:K: its stages' exit (the worst; 2 when one ended early) and one table of them. */
    private int sweep(LoadSweep.Result sweep, Severity failOn) {
        List<autoglm.report.SweepText.Stage> stages = new ArrayList<>();
        int exit = ExitCodes.OK;
        for (LoadSweep.Stage s : sweep.stages()) {
            stages.add(new autoglm.report.SweepText.Stage(s.profile().toString(), s.folderName(), s.run().diagnosis()));
            exit = s.run().ranToItsEnd() ? Math.max(exit, DiagnoseCommand.exitCode(s.run().diagnosis(), failOn, io))
                    : ExitCodes.BAD_INPUT;
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
}
