package autoglm.diagnose;

import autoglm.Version;
import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metric;
import autoglm.analyse.MetricCatalog;
import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.analyse.samples.RunAnalysis;
import autoglm.analyse.samples.SampleAnalyzer;
import autoglm.analyse.load.ServedSteps;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.trace.TraceAnalyzer;
import autoglm.analyse.workload.WorkloadAnalysis;
import autoglm.analyse.load.LoadAnalysis;
import autoglm.model.run.RunContents;
import autoglm.model.trace.DataLoss;
import autoglm.model.trace.LoadProgress;
import autoglm.model.trace.TraceModel;
import autoglm.util.BadInputException;
import autoglm.read.TraceLoader;
import autoglm.read.cupti.CuptiLoader;
import autoglm.read.run.RunFolder;
import autoglm.read.run.RunReader;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.RuleEngine;
import autoglm.rules.ThresholdOverrides;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The diagnosis engine, for the CLI and for library users alike: reads torch.profiler (Kineto) traces, CUPTI
 * recordings or a run folder, analyses them and judges them with the rules. Nothing here prints; what could not
 * be read is told to a {@code notes} consumer and counted as data loss.
 */
public final class Diagnoser {
    /** Why a trace has no system metrics. */
    public static final String NO_SAMPLES = MetricFamily.SAMPLES.whenAbsent();
    /** Why a run has no timeline metrics. */
    public static final String NO_TRACE = RunContents.NO_KERNELS;

    private final java.util.function.Supplier<Rules> rules;
    private final TraceAnalyzer analyzer;
    private final AnalysisSettings settings;

    /** The catalogue and the engine that judges with it. */
    private record Rules(RuleCatalogue catalogue, RuleEngine engine) {
    }

    public Diagnoser(RuleCatalogue catalogue, ThresholdOverrides overrides, AnalysisSettings settings) {
        Rules r = new Rules(catalogue, new RuleEngine(catalogue, overrides, ceiling(settings)));
        this.rules = () -> r;
        this.analyzer = new TraceAnalyzer(settings);
        this.settings = settings;
    }

    private Diagnoser(java.util.function.Supplier<Rules> rules, AnalysisSettings settings) {
        this.rules = rules;
        this.analyzer = new TraceAnalyzer(settings);
        this.settings = settings;
    }

    /** The bundled rules with their default thresholds and analysis settings. */
    public static Diagnoser withDefaults() {
        return withBundledRules(AnalysisSettings.defaults());
    }

    /**
     * The bundled rules with their default thresholds, loaded on a thread of their own while the inputs are read:
     * loading them (YAML, Jackson's classes, the expressions) takes a few hundred milliseconds of a cold start, which
     * then overlap the reading (the 50 MB example, 2 cores, quick JIT: 1.47 s to 1.25 s; docs/benchmarks.md). Nothing
     * the user gave can make the bundled rules fail to load.
     */
    public static Diagnoser withBundledRules(AnalysisSettings settings) {
        java.util.concurrent.CompletableFuture<Rules> loading = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            RuleCatalogue c = RuleCatalogue.bundled();
            return new Rules(c, new RuleEngine(c, ThresholdOverrides.none(), ceiling(settings)));
        }, r -> {
            Thread t = new Thread(r, "autoglm-rules");
            t.setDaemon(true);
            t.start();
        });
        return new Diagnoser(() -> {
            try {
                return loading.join();
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                if (e.getCause() instanceof Error err) {
                    throw err;
                }
                throw e;
            }
        }, settings);
    }

    /** How small gains cap scores under these settings ({@code analysis.negligible_gain_pct}, {@code min_gain_pct}). */
    private static autoglm.rules.GainCeiling ceiling(AnalysisSettings settings) {
        return new autoglm.rules.GainCeiling(settings.get(AnalysisSettings.NEGLIGIBLE_GAIN_PCT),
                settings.get(AnalysisSettings.MIN_GAIN_PCT));
    }

    private RuleEngine engine() {
        return rules.get().engine();
    }

    private RuleCatalogue catalogue() {
        return rules.get().catalogue();
    }

    /** Whatever the files are (see {@link #diagnoseFiles}), their diagnosis; notes are dropped. */
    public Diagnosis diagnose(List<Path> files) {
        return diagnoseFiles(files, LoadProgress.NONE, note -> { }).diagnosis();
    }

    /**
     * One run folder of autoglm profile or load; or CUPTI recordings (cupti-PID.bin); or torch.profiler traces (.json,
     * .json.gz), several of them (or their folder) being the ranks of one job. Which it is, {@link InputResolver}
     * decides; mixing kinds is bad input. A run folder's verify.json (what its --verify measured) is not read here:
     * {@code autoglm.verify.VerifiedRuns} adds it, as {@code diagnose FOLDER} does.
     */
    public Diagnosed diagnoseFiles(List<Path> files, LoadProgress progress, Consumer<String> notes) {
        InputResolver.Input in = InputResolver.resolve(files);
        return switch (in.kind()) {
            case RUN_FOLDER -> diagnoseRun(in.path(), notes);
            case LOAD_FILES -> throw new BadInputException(in.path() + ": a load run's files without its run.json: not "
                    + "a run folder autoglm can diagnose");
            case RECORDINGS -> new Diagnosed(diagnoseRecordings(in.files(), notes), null);
            case TRACES -> new Diagnosed(diagnoseTraces(in.files(), progress), null);
        };
    }

    /** torch.profiler traces, telling {@code progress} how the reading goes; several are the ranks of one job. */
    public Diagnosis diagnoseTraces(List<Path> files, LoadProgress progress) {
        if (files.size() == 1) {
            return combine(List.of(diagnose(TraceLoader.load(files.get(0), progress))));
        }
        // the ranks of a job, read on all cores; each rank's steps are taken while its events are in memory, then its
        // model keeps only what the report says of it (the first keeps its events, for the charts), so that at most
        // one model per core and the first are held at once
        // cores beyond one per file parse within each file
        int threadsPerFile = Math.max(1, TraceLoader.defaultThreads() / files.size());
        List<RankRead> read = RankFiles.inParallel(files, f -> {
            InputDiagnosis in = diagnose(TraceLoader.load(f, progress, threadsPerFile));
            autoglm.analyse.ranks.RankSteps steps = autoglm.analyse.ranks.RankSteps.of(in.analysis(), "");
            return new RankRead(f.equals(files.get(0)) ? in : withoutEvents(in), steps);
        });
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < read.size(); i++) {
            order.add(i);
        }
        // the ranks in rank order (distributedInfo), those without one after them in the order given
        order.sort(java.util.Comparator.comparing((Integer i) -> read.get(i).input().analysis().model().rank(),
                java.util.Comparator.nullsLast(java.util.Comparator.naturalOrder())).thenComparingInt(i -> i));
        List<InputDiagnosis> inputs = new ArrayList<>();
        List<autoglm.analyse.ranks.RankSteps> steps = new ArrayList<>();
        for (int i : order) {
            InputDiagnosis in = read.get(i).input();
            inputs.add(in);
            steps.add(read.get(i).steps().labelled(Combined.label(in, inputs.size() - 1)));
        }
        return Combined.of(inputs, steps, engine(), catalogue());
    }

    /** One rank as read: its diagnosis and the steps the cross-rank analysis needs of it. */
    private record RankRead(InputDiagnosis input, autoglm.analyse.ranks.RankSteps steps) {
    }

    private static InputDiagnosis withoutEvents(InputDiagnosis in) {
        autoglm.analyse.trace.TraceAnalysis a = in.analysis();
        return new InputDiagnosis(new autoglm.analyse.trace.TraceAnalysis(a.model().withoutEvents(), a.window(), a.metrics(),
                a.breakdown(), a.dataLoss()), in.findings());
    }

    /**
     * A fleet read back from Prometheus: serving replicas ({@link autoglm.read.prometheus.FleetReader}) with the
     * endpoint rules on each one's server metrics, GPU instances ({@link autoglm.read.prometheus.GpuFleetReader})
     * with the system rules on each one's GPU metrics, and the fleet rules across them. The fleet's metrics are the
     * diagnosis's own; the other rules are not applicable to them, since Prometheus holds neither traces nor the
     * client's view.
     */
    public Diagnosis diagnoseFleet(List<autoglm.read.prometheus.FleetReader.Instance> instances,
            List<autoglm.read.prometheus.GpuFleetReader.Instance> gpus, FleetWhere where) {
        return diagnoseFleet(instances, gpus, where, java.util.Map.of());
    }

    /**
     * The same, with what the reading refused or left out ({@code refused}, reason: count) and the values of each
     * replica's series the analyses refused counted in the diagnosis's data loss.
     */
    public Diagnosis diagnoseFleet(List<autoglm.read.prometheus.FleetReader.Instance> instances,
            List<autoglm.read.prometheus.GpuFleetReader.Instance> gpus, FleetWhere where,
            java.util.Map<String, Long> refused) {
        DataLoss loss = DataLoss.empty();
        for (java.util.Map.Entry<String, Long> e : refused.entrySet()) {
            loss = loss.with(DataLoss.Group.MALFORMED, e.getKey(), e.getValue());
        }
        for (autoglm.read.prometheus.FleetReader.Instance in : instances) {
            for (java.util.Map.Entry<String, Long> e : autoglm.analyse.load.ServerMetricsAnalysis.refused(in.scrapes())
                    .entrySet()) {
                loss = loss.with(DataLoss.Group.MALFORMED, e.getKey(), e.getValue());
            }
        }
        autoglm.analyse.fleet.FleetAnalysis.Result r = autoglm.analyse.fleet.FleetAnalysis.analyze(instances);
        List<FleetTable.Row> rows = new ArrayList<>();
        for (autoglm.analyse.fleet.FleetAnalysis.Replica rep : r.replicas()) {
            rows.add(new FleetTable.Row(rep.instance(), rep.job(), rep.model(), rep.requests(), rep.metrics(),
                    applied(rep.metrics())));
        }
        rows.sort(java.util.Comparator.comparingDouble((FleetTable.Row x) -> -FleetTable.topScore(x.findings()))
                .thenComparingDouble(x -> Double.isNaN(x.requests()) ? 1 : -x.requests()));
        autoglm.analyse.fleet.FleetGpuAnalysis.Result g = autoglm.analyse.fleet.FleetGpuAnalysis.analyze(gpus, where.stepMs());
        List<FleetTable.Node> nodes = new ArrayList<>();
        for (autoglm.analyse.fleet.FleetGpuAnalysis.Node n : g.nodes()) {
            autoglm.read.prometheus.GpuFleetReader.Instance in = n.instance();
            nodes.add(new FleetTable.Node(in.instance(), in.job(), in.hostname(), in.source(), in.gpus().size(),
                    n.metrics(), applied(n.metrics())));
        }
        nodes.sort(java.util.Comparator.comparingDouble((FleetTable.Node x) -> -FleetTable.topScore(x.findings())));
        Metrics fleet = r.fleet().with(g.fleet(), autoglm.analyse.fleet.FleetGpuAnalysis.metricNames());
        FleetTable table = new FleetTable(where.prometheus(), where.selector(), where.gpuSelector(), where.startMs(),
                where.endMs(), where.stepMs(), rows, nodes);
        return new Diagnosis("autoglm", Version.get(), List.of(), fleet, engine().evaluate(fleet), loss, null,
                List.of(), java.util.Map.of(), null, table);
    }

    /**
     * A fleet read back from the Prometheus at {@code where.prometheus()} (its HTTP API, each query's whole answer
     * within {@code timeoutMs}): the serving replicas {@code where.selector()} picks and the GPU exporters
     * {@code where.gpuSelector()} picks over the window, diagnosed as above; what the reading refused or left out is
     * the diagnosis's data loss, and a fleet with no replicas or no GPU series is told to {@code notes}.
     */
    public Diagnosis diagnoseFleet(FleetWhere where, long timeoutMs, Consumer<String> notes) {
        autoglm.read.prometheus.PrometheusApi api = new autoglm.read.prometheus.PrometheusApi(where.prometheus(),
                timeoutMs);
        // what the reading refuses or leaves out past its limits, by reason: the diagnosis's data loss
        java.util.Map<String, Long> refused = new java.util.LinkedHashMap<>();
        List<autoglm.read.prometheus.FleetReader.Instance> fleet = autoglm.read.prometheus.FleetReader.servers(api,
                where.selector(), where.startMs(), where.endMs(), where.stepMs(), refused,
                autoglm.analyse.load.ServerMetricsAnalysis::reads);
        List<autoglm.read.prometheus.GpuFleetReader.Instance> gpus = autoglm.read.prometheus.GpuFleetReader.gpus(api,
                where.gpuSelector(), where.startMs(), where.endMs(), where.stepMs(), refused);
        if (fleet.isEmpty()) {
            notes.accept("Prometheus at " + where.prometheus() + " holds no vLLM, SGLang, TGI or llama.cpp series for "
                    + (where.selector().isBlank() ? "any job" : where.selector()) + " in the window");
        }
        if (gpus.isEmpty()) {
            notes.accept("Prometheus at " + where.prometheus() + " holds no DCGM exporter or autoglm GPU series for "
                    + (where.gpuSelector().isBlank() ? "any job" : where.gpuSelector()) + " in the window");
        }
        return diagnoseFleet(fleet, gpus, where, refused);
    }

    /** Where and when a fleet was read: the Prometheus, the selectors of replicas and GPU instances, the window. */
    public record FleetWhere(String prometheus, String selector, String gpuSelector, double startMs, double endMs,
            double stepMs) {
    }

    private List<autoglm.rules.Finding> applied(Metrics m) {
        return engine().evaluate(m).stream().filter(f -> f.severity() != autoglm.rules.Severity.NOT_APPLICABLE)
                .sorted(java.util.Comparator.comparingDouble(f -> -f.score())).toList();
    }

    /** CUPTI recordings of one command (profile --kernels), read into one model. */
    public Diagnosis diagnoseRecordings(List<Path> files, Consumer<String> notes) {
        CuptiLoader.Result kernels = CuptiLoader.load(files);
        for (String e : kernels.errors()) {
            notes.accept("kernel recording: " + e);
        }
        return combine(List.of(diagnose(kernels.model())));
    }

    /** One trace or recording read into a model: the timeline rules; the system and workload rules not applicable. */
    public InputDiagnosis diagnose(TraceModel model) {
        TraceAnalysis a = analyzer.analyze(model);
        TraceAnalysis analysis = new TraceAnalysis(a.model(), a.window(), a.metrics().orAbsent(
                SampleAnalyzer.metricNames(), NO_SAMPLES).orAbsent(WorkloadAnalysis.metricNames(),
                WorkloadAnalysis.NO_WORKLOAD).orAbsent(LoadAnalysis.metricNames(), LoadAnalysis.NO_LOAD)
                .orAbsent(autoglm.analyse.ranks.RankAnalysis.metricNames(), autoglm.analyse.ranks.RankAnalysis.ONE_RANK)
                .orAbsent(ServedSteps.metricNames(), ServedSteps.NOT_SERVED),
                a.breakdown(), a.dataLoss());
        return new InputDiagnosis(analysis, engine().evaluate(analysis.metrics()));
    }

    /** A run folder read whole ({@link RunReader}) and diagnosed. */
    public Diagnosed diagnoseRun(Path folder, Consumer<String> notes) {
        RunContents run = RunReader.read(folder, notes);
        return new Diagnosed(diagnoseRun(run), run);
    }

    /**
     * A run: the system rules on its samples; the timeline rules on its kernels when it has them (else their
     * metrics are absent with the run's reason); the workload rules on the workload's events when it ran the
     * workload, whose input wait stands in for DataLoader time when no trace measured it. All ranked together.
     */
    public Diagnosis diagnoseRun(RunContents contents) {
        RunAnalysis run = new SampleAnalyzer().analyze(contents.recording());
        Set<String> traceMetrics = new LinkedHashSet<>(MetricCatalog.all().keySet());
        traceMetrics.removeAll(SampleAnalyzer.metricNames());
        traceMetrics.removeAll(WorkloadAnalysis.metricNames());
        traceMetrics.removeAll(LoadAnalysis.metricNames());
        traceMetrics.removeAll(autoglm.analyse.ranks.RankAnalysis.metricNames());
        traceMetrics.removeAll(ServedSteps.metricNames());
        Metrics metrics;
        TraceAnalysis timeline = null;
        DataLoss loss = run.dataLoss();
        List<InputDiagnosis> inputs = List.of();
        TraceModel kernels = contents.kernels();
        if (kernels == null) {
            metrics = run.metrics().orAbsent(traceMetrics, contents.noKernels());
        } else {
            TraceAnalysis t = analyzer.analyze(kernels);
            timeline = t;
            metrics = run.metrics().with(t.metrics(), traceMetrics);
            DataLoss traceLoss = t.dataLoss();
            String early = KernelCoverage.stoppedEarly(run, kernels);
            if (early != null) {
                traceLoss = traceLoss.with(DataLoss.Group.PROBE, early, 1);
            }
            loss = DataLosses.merge(loss, traceLoss);
            TraceAnalysis shown = new TraceAnalysis(t.model(), t.window(), metrics, t.breakdown(), traceLoss);
            inputs = List.of(new InputDiagnosis(shown, List.of()));
        }
        if (contents.workload() == null) {
            metrics = metrics.orAbsent(WorkloadAnalysis.metricNames(), contents.workloadProblem() != null
                    ? "the workload's events could not be read: " + contents.workloadProblem()
                    : WorkloadAnalysis.NO_WORKLOAD);
        } else {
            Metrics w = WorkloadAnalysis.analyze(contents.workload(), settings);
            metrics = metrics.with(w, WorkloadAnalysis.metricNames()).with(inputWaitAsDataLoader(metrics, w),
                    List.of("dataloader_pct", "dataloader_ms_per_step"));
            loss = DataLosses.merge(loss, DataLosses.of(contents.workload()));
        }
        ServedSteps.Result served = null;
        if (contents.load() != null && timeline != null) {
            served = ServedSteps.of(timeline, contents.load());
            metrics = metrics.with(ServedSteps.metrics(served, contents.load()), ServedSteps.metricNames());
        } else {
            metrics = metrics.orAbsent(ServedSteps.metricNames(), contents.load() != null ? "the load run has no kernel "
                    + "recordings of its server (load --serve --kernels)" : ServedSteps.NOT_SERVED);
        }
        if (contents.load() != null) {
            metrics = metrics.with(LoadAnalysis.analyze(contents.load(), settings), LoadAnalysis.metricNames());
            loss = DataLosses.merge(loss, LoadLosses.of(contents.load()));
        } else {
            Set<String> loadOnly = new LinkedHashSet<>(LoadAnalysis.metricNames());
            loadOnly.removeAll(WorkloadAnalysis.metricNames());
            metrics = metrics.orAbsent(loadOnly, contents.loadProblem() != null
                    ? "the load run could not be read: " + contents.loadProblem() : LoadAnalysis.NO_LOAD);
        }
        metrics = metrics.orAbsent(autoglm.analyse.ranks.RankAnalysis.metricNames(),
                autoglm.analyse.ranks.RankAnalysis.ONE_RANK);
        RunAnalysis withAll = new RunAnalysis(run.recording(), metrics, run.gpusUsed(), run.windowStartMs(),
                run.windowEndMs(), run.dataLoss());
        return new Diagnosis("autoglm", Version.get(), inputs, metrics, engine().evaluate(metrics), loss, withAll,
                List.of(), java.util.Map.of(), null, null, served);
    }

    /**
     * A diagnosis of the server's own profiler traces ({@code load --server-profile}) with their steps matched to the
     * load's running batch: the trace with the most steps is used, the served-step metrics added and the rules run
     * again on the whole.
     */
    public Diagnosis withServed(Diagnosis d, autoglm.model.load.LoadRecording load) {
        TraceAnalysis best = null;
        for (InputDiagnosis in : d.inputs()) {
            if (best == null || in.analysis().window().iterations() > best.window().iterations()) {
                best = in.analysis();
            }
        }
        if (best == null) {
            return d;
        }
        ServedSteps.Result served = ServedSteps.of(best, load);
        // the trace's timeline beside the load's view of the same window: the rules that need both can run
        Metrics metrics = d.metrics().with(ServedSteps.metrics(served, load), ServedSteps.metricNames())
                .with(LoadAnalysis.analyze(load, settings), LoadAnalysis.metricNames());
        return new Diagnosis(d.tool(), d.version(), d.inputs(), metrics, engine().evaluate(metrics), d.dataLoss(),
                d.run(), d.verifications(), d.overrides(), d.ranks(), d.fleet(), served);
    }

    /** The workload's input wait per batch as DataLoader time, where no trace annotation measured it. */
    private static Metrics inputWaitAsDataLoader(Metrics current, Metrics workload) {
        Metrics.Builder b = new Metrics.Builder();
        Metric pct = workload.get("input_wait_pct");
        Metric ms = workload.get("input_wait_ms_per_batch");
        if (!current.get("dataloader_pct").present() && pct.present() && ms.present()) {
            b.put("dataloader_pct", pct.value(), pct.n(), pct.spread());
            b.put("dataloader_ms_per_step", ms.value(), ms.n(), ms.spread());
        }
        return b.build();
    }

    /** Several inputs as one diagnosis (see {@link Diagnosis}); one input is itself. */
    public Diagnosis combine(List<InputDiagnosis> inputs) {
        return Combined.of(inputs, engine(), catalogue());
    }
}
