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
        FleetOptions.Window w = fleetOptions.window(System.currentTimeMillis());
        String url = fleetOptions.prometheus;
        String selector = fleetOptions.selector;
        autoglm.read.prometheus.PrometheusApi api = new autoglm.read.prometheus.PrometheusApi(url,
                fleetOptions.timeoutMs());
        // what the reading refuses or leaves out past its limits, by reason: the diagnosis's data loss
        java.util.Map<String, Long> refused = new java.util.LinkedHashMap<>();
        java.util.List<autoglm.read.prometheus.FleetReader.Instance> fleet = autoglm.read.prometheus.FleetReader
                .servers(api, selector, w.startMs(), w.endMs(), w.stepMs(), refused,
                        autoglm.analyse.ServerMetricsAnalysis::reads);
        java.util.List<autoglm.read.prometheus.GpuFleetReader.Instance> gpus = autoglm.read.prometheus.GpuFleetReader
                .gpus(api, fleetOptions.gpuSelector, w.startMs(), w.endMs(), w.stepMs(), refused);
        if (fleet.isEmpty()) {
            io.say("Prometheus at " + url + " holds no vLLM, SGLang, TGI or llama.cpp series for "
                    + (selector.isBlank() ? "any job" : selector) + " in the window");
        }
        if (gpus.isEmpty()) {
            io.say("Prometheus at " + url + " holds no DCGM exporter or autoglm GPU series for "
                    + (fleetOptions.gpuSelector.isBlank() ? "any job" : fleetOptions.gpuSelector) + " in the window");
        }
        Diagnosis diagnosis = diagnoser.diagnoseFleet(fleet, gpus, new Diagnoser.FleetWhere(url, selector,
                fleetOptions.gpuSelector, w.startMs(), w.endMs(), w.stepMs()), refused).withOverrides(rules.overrides());
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
