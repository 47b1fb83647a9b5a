package autoglm.diagnose;

import autoglm.Version;
import autoglm.analyse.AnalysisSettings;
import autoglm.analyse.Metric;
import autoglm.analyse.MetricCatalog;
import autoglm.analyse.Metrics;
import autoglm.analyse.RunAnalysis;
import autoglm.analyse.SampleAnalyzer;
import autoglm.read.run.RunFolder;
import autoglm.model.run.RunRecording;
import autoglm.analyse.Spread;
import autoglm.analyse.Stats;
import autoglm.analyse.TraceAnalysis;
import autoglm.analyse.TraceAnalyzer;
import autoglm.rules.Finding;
import autoglm.rules.RuleCatalogue;
import autoglm.rules.RuleEngine;
import autoglm.rules.ThresholdOverrides;
import autoglm.model.trace.DataLoss;
import autoglm.read.TraceLoader;
import autoglm.model.trace.TraceModel;
import autoglm.analyse.WorkloadAnalysis;
import autoglm.model.workload.WorkloadLog;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads, analyses and judges trace files: the whole of {@code autoglm diagnose} but the printing. */
public final class Diagnoser {
    /** Why a trace has no system metrics. */
    public static final String NO_SAMPLES = "a trace carries no NVML or host samples (autoglm profile records them)";
    /** Why a run has no timeline metrics. */
    public static final String NO_TRACE = "no kernel recording in this run: profile with --kernels, or diagnose a torch.profiler trace";

    private final RuleEngine engine;
    private final TraceAnalyzer analyzer;

    public Diagnoser(RuleCatalogue catalogue, ThresholdOverrides overrides, AnalysisSettings settings) {
        this.engine = new RuleEngine(catalogue, overrides);
        this.analyzer = new TraceAnalyzer(settings);
    }

    /** The bundled rules with their default thresholds and analysis settings. */
    public static Diagnoser withDefaults() {
        return new Diagnoser(RuleCatalogue.bundled(), ThresholdOverrides.none(), autoglm.analyse.AnalysisSettings.defaults());
    }

    public Diagnosis diagnose(List<Path> files) {
        return diagnose(files, autoglm.model.trace.LoadProgress.NONE);
    }

    /** As {@link #diagnose(List)}, telling {@code progress} how the reading goes. */
    public Diagnosis diagnose(List<Path> files, autoglm.model.trace.LoadProgress progress) {
        List<InputDiagnosis> inputs = new ArrayList<>();
        for (Path f : files) {
            TraceModel model = TraceLoader.load(f, progress);
            inputs.add(diagnose(model));
        }
        return combine(inputs);
    }

    public InputDiagnosis diagnose(TraceModel model) {
        TraceAnalysis a = analyzer.analyze(model);
        TraceAnalysis analysis = new TraceAnalysis(a.model(), a.window(), a.metrics().orAbsent(
                SampleAnalyzer.metricNames(), NO_SAMPLES).orAbsent(WorkloadAnalysis.metricNames(),
                WorkloadAnalysis.NO_WORKLOAD), a.breakdown(), a.dataLoss());
        return new InputDiagnosis(analysis, engine.evaluate(analysis.metrics()));
    }

    /** Diagnoses a run folder without a kernel recording: the rules on its samples' metrics. */
    public Diagnosis diagnoseRun(Path folder) {
        return diagnoseRun(RunFolder.read(folder));
    }

    public Diagnosis diagnoseRun(RunRecording recording) {
        return diagnoseRun(recording, null, NO_TRACE);
    }

    /**
     * Diagnoses a run: the system rules on its samples and, when {@code kernels} is given (the run's CUPTI
     * recording read into a model), the timeline rules on its kernels, all ranked together. Without kernels
     * the timeline metrics are absent with {@code noKernels} as the reason.
     */
    public Diagnosis diagnoseRun(RunRecording recording, TraceModel kernels, String noKernels) {
        return diagnoseRun(recording, kernels, noKernels, null);
    }

    /**
     * As above, with the workload's events when the run was {@code profile --model}: the workload rules on
     * their metrics, and the input-wait share standing in for DataLoader time when no trace measured it.
     */
    public Diagnosis diagnoseRun(RunRecording recording, TraceModel kernels, String noKernels, WorkloadLog workload) {
        RunAnalysis run = new SampleAnalyzer().analyze(recording);
        java.util.Set<String> traceMetrics = new java.util.LinkedHashSet<>(MetricCatalog.all().keySet());
        traceMetrics.removeAll(SampleAnalyzer.metricNames());
        traceMetrics.removeAll(WorkloadAnalysis.metricNames());
        Metrics metrics;
        DataLoss loss = run.dataLoss();
        List<InputDiagnosis> inputs = List.of();
        if (kernels == null) {
            metrics = run.metrics().orAbsent(traceMetrics, noKernels == null ? NO_TRACE : noKernels);
        } else {
            TraceAnalysis t = analyzer.analyze(kernels);
            metrics = run.metrics().with(t.metrics(), traceMetrics);
            DataLoss traceLoss = t.dataLoss();
            String early = KernelCoverage.stoppedEarly(run, kernels);
            if (early != null) {
                traceLoss = traceLoss.with(DataLoss.Group.PROBE, early, 1);
            }
            loss = merge(loss, traceLoss);
            TraceAnalysis shown = new TraceAnalysis(t.model(), t.window(), metrics, t.breakdown(), traceLoss);
            inputs = List.of(new InputDiagnosis(shown, List.of()));
        }
        if (workload == null) {
            metrics = metrics.orAbsent(WorkloadAnalysis.metricNames(), WorkloadAnalysis.NO_WORKLOAD);
        } else {
            Metrics w = WorkloadAnalysis.analyze(workload);
            metrics = metrics.with(w, WorkloadAnalysis.metricNames()).with(inputWaitAsDataLoader(metrics, w),
                    java.util.List.of("dataloader_pct", "dataloader_ms_per_step"));
            loss = merge(loss, workloadLoss(workload));
        }
        RunAnalysis withAll = new RunAnalysis(run.recording(), metrics, run.gpusUsed(), run.windowStartMs(),
                run.windowEndMs(), run.dataLoss());
        return new Diagnosis("autoglm", Version.get(), inputs, metrics, engine.evaluate(metrics), loss, withAll);
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

    private static DataLoss workloadLoss(WorkloadLog w) {
        DataLoss loss = DataLoss.empty();
        if (w.malformed() > 0) {
            loss = loss.with(DataLoss.Group.MALFORMED, "workload event lines that are not JSON (cut by a kill?)",
                    w.malformed());
        }
        if (w.unknown() > 0) {
            loss = loss.with(DataLoss.Group.SKIPPED, "workload events of unknown kinds", w.unknown());
        }
        long warm = w.steps().stream().filter(WorkloadLog.Step::warmup).count();
        if (warm > 0) {
            loss = loss.with(DataLoss.Group.EXCLUDED, "warm-up steps of the workload (not measured)", warm);
        }
        if (w.end() == null) {
            loss = loss.with(DataLoss.Group.PROBE, w.error() != null ? "the workload failed: " + w.error().message()
                    : "the workload wrote no end event (killed?)", 1);
        } else if (!"ok".equals(w.end().status())) {
            loss = loss.with(DataLoss.Group.PROBE, "the workload was " + w.end().status()
                    + (w.end().signal() == null ? "" : " by " + w.end().signal()), 1);
        }
        return loss;
    }

    private static DataLoss merge(DataLoss a, DataLoss b) {
        DataLoss total = a;
        for (DataLoss.Group g : DataLoss.Group.values()) {
            for (Map.Entry<String, Long> e : b.get(g).entrySet()) {
                total = total.with(g, e.getKey(), e.getValue());
            }
        }
        return total;
    }

    public static Diagnosis combine(List<InputDiagnosis> inputs) {
        if (inputs.size() == 1) {
            InputDiagnosis only = inputs.get(0);
            return new Diagnosis("autoglm", Version.get(), List.copyOf(inputs), only.analysis().metrics(),
                    only.findings(), only.analysis().dataLoss());
        }
        return new Diagnosis("autoglm", Version.get(), List.copyOf(inputs), averaged(inputs), worstPerRule(inputs),
                summedLoss(inputs));
    }

    private static Metrics averaged(List<InputDiagnosis> inputs) {
        Metrics.Builder b = new Metrics.Builder();
        for (String name : MetricCatalog.all().keySet()) {
            double[] v = new double[inputs.size()];
            int n = 0;
            String reason = null;
            for (InputDiagnosis in : inputs) {
                Metric m = in.analysis().metrics().get(name);
                if (m.present() && !m.isText()) {
                    v[n++] = m.value();
                } else if (reason == null && !m.present()) {
                    reason = m.reason();
                }
            }
            if (n > 0) {
                Spread s = Stats.spread(v, n);
                b.put(name, Stats.mean(v, n), n, s);
            } else if (reason != null) {
                b.absent(name, reason);
            }
        }
        return b.build();
    }

    private static List<Finding> worstPerRule(List<InputDiagnosis> inputs) {
        Map<String, Finding> worst = new LinkedHashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            String label = label(inputs.get(i), i);
            for (Finding f : inputs.get(i).findings()) {
                Finding tagged = new Finding(f.rule(), f.title(), f.topic(), f.severity(), f.score(), f.evidence(),
                        f.thresholds(), f.summary().isEmpty() ? f.summary() : "[" + label + "] " + f.summary(),
                        f.explanation(), f.fix(), f.gain(), f.reason() == null ? null : "[" + label + "] " + f.reason());
                Finding prev = worst.get(f.rule());
                if (prev == null || RuleEngine.RANKING.compare(tagged, prev) < 0) {
                    worst.put(f.rule(), tagged);
                }
            }
        }
        List<Finding> out = new ArrayList<>(worst.values());
        out.sort(RuleEngine.RANKING);
        return out;
    }

    private static String label(InputDiagnosis in, int index) {
        Integer rank = in.analysis().model().rank();
        return rank != null ? "rank " + rank : "input " + (index + 1);
    }

    private static DataLoss summedLoss(List<InputDiagnosis> inputs) {
        DataLoss total = DataLoss.empty();
        for (InputDiagnosis in : inputs) {
            total = merge(total, in.analysis().dataLoss());
        }
        return total;
    }
}
