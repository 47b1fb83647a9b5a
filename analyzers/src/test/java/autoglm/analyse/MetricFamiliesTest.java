package autoglm.analyse;

import autoglm.analyse.fleet.FleetAnalysis;
import autoglm.analyse.fleet.FleetGpuAnalysis;
import autoglm.analyse.load.LoadAnalysis;
import autoglm.analyse.load.ServedSteps;
import autoglm.analyse.samples.SampleAnalyzer;
import autoglm.analyse.trace.TraceAnalysis;
import autoglm.analyse.trace.TraceAnalyzer;
import autoglm.analyse.workload.WorkloadAnalysis;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import autoglm.Fixtures;
import autoglm.analyse.ranks.RankAnalysis;
import autoglm.diagnose.Diagnoser;
import autoglm.model.load.LoadRecording;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.RunContents;
import autoglm.model.run.RunRecording;
import autoglm.model.trace.TraceModel;
import autoglm.read.TraceLoader;
import autoglm.read.cupti.CuptiLoader;
import autoglm.read.prometheus.FleetReader;
import autoglm.read.prometheus.GpuFleetReader;
import autoglm.read.run.RunReader;
import autoglm.read.workload.WorkloadEvents;
import autoglm.verify.ProfilerCost;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metric families ({@link MetricCatalog}, {@link MetricFamily}) are what the analyses compute, on every input of
 * testdata/: each analysis returns exactly the metrics of its families, each present or absent with a reason; and
 * every declared metric is present in the analysis of some input, but for those {@link #NOT_IN_TESTDATA} names with
 * the data they need. A metric that testdata starts to cover must leave that list; one declared but computed by
 * nothing fails.
 */
class MetricFamiliesTest {
    /** Declared metrics no input of testdata/ gives a value, with the data they need. */
    static final Map<String, String> NOT_IN_TESTDATA = notInTestdata();

    @TempDir
    static Path tmp;

    private static List<Output> outputs;

    /** One analysis of one input: the metrics it gave, and those its families declare (null: not checked). */
    record Output(String analysis, String input, Set<String> declared, Metrics metrics, boolean counts) {
    }

    private static Map<String, String> notInTestdata() {
        Map<String, String> m = new LinkedHashMap<>();
        String collectives = "ranks of a data- or tensor-parallel job (collectives between the ranks): HTA's two-rank "
                + "traces are pipeline stages that exchange only send/receive";
        m.put("straggler_ratio", collectives);
        m.put("straggler_rank", collectives);
        m.put("straggler_gain_pct", collectives);
        m.put("proc_gpu_mem_peak_bytes", "per-process NVML readings that match the profiled command's processes: "
                + "the H100 replay was recorded in a container, where NVML reports the host's process ids");
        m.put("load_slo_tpot_ms", "a load run with --slo tpot=: testdata's load runs set no TPOT SLO");
        m.put("load_slo_miss_tpot_pct", "a load run with --slo tpot=: testdata's load runs set no TPOT SLO");
        String profile = "a load run with --server-profile (the profiler's window beside the requests): testdata has "
                + "none; the family is checked on a window laid over a load run, not counted";
        m.put("server_profile_cost_pct", profile);
        m.put("server_profile_tpot_inside_ms", profile);
        m.put("server_profile_tpot_outside_ms", profile);
        m.put("server_profile_cost_p", profile);
        String vision = "served steps of a vision model whose timeline names its vision encoder (autoglm serve "
                + "--kernels of GLM-4.1V on a GPU)";
        m.put("served_vision_prefill_pct", vision);
        m.put("served_vision_ms", vision);
        String longSteps = "served steps of which some run over 3x the median (prefills among decodes): the H100 "
                + "recording holds eager decode passes of even length";
        m.put("served_long_step_ms", longSteps);
        m.put("served_long_step_factor", longSteps);
        m.put("served_long_steps_beside", longSteps);
        m.put("served_itl_gaps_in_long_steps_pct", longSteps);
        String together = "a load run recorded together with its server's kernels (load --serve --kernels on a GPU): "
                + "testdata pairs the agent load with an H100 recording made five days earlier, so no step has a batch";
        for (String n : List.of("served_steps", "served_kernels_per_step", "served_batch_low", "served_batch_high",
                "served_step_ms_low_batch", "served_step_ms_high_batch", "served_busy_pct_low_batch",
                "served_busy_pct_high_batch")) {
            m.put(n, together);
        }
        return m;
    }

    @Test
    void everyFamilyHasMetricsAndEveryMetricAFamily() {
        for (MetricFamily f : MetricFamily.values()) {
            assertTrue(!f.names().isEmpty(), f + " declares no metric");
        }
        Set<String> inFamilies = MetricFamily.names(MetricFamily.values());
        assertEquals(List.copyOf(MetricCatalog.all().keySet()), List.copyOf(inFamilies), "in catalogue order");
    }

    @Test
    void everyAnalysisReturnsExactlyTheMetricsOfItsFamilies() {
        for (Output o : outputs()) {
            Set<String> got = o.metrics().all().keySet();
            for (String name : got) {
                assertTrue(MetricCatalog.contains(name), o.analysis() + " of " + o.input() + " returns " + name
                        + ", which the catalogue does not declare");
            }
            if (o.declared() != null) {
                assertEquals(new TreeSet<>(o.declared()), new TreeSet<>(got), o.analysis() + " of " + o.input()
                        + ": the metrics its families declare, each present or absent with a reason");
            }
            for (Metric m : o.metrics().all().values()) {
                assertTrue(m.present() || (m.reason() != null && !m.reason().isBlank()),
                        o.analysis() + " of " + o.input() + ": " + m.name() + " is absent without a reason");
            }
        }
    }

    @Test
    void everyDeclaredMetricIsComputedOnSomeInputOfTestdata() {
        Set<String> present = new TreeSet<>();
        Map<String, String> why = new LinkedHashMap<>();
        for (Output o : outputs()) {
            for (Metric m : o.metrics().all().values()) {
                if (m.present() && o.counts()) {
                    present.add(m.name());
                } else if (!m.present() && (o.declared() == null || o.declared().contains(m.name()))) {
                    why.merge(m.name(), o.analysis() + " of " + o.input() + ": " + m.reason(),
                            (had, next) -> had.startsWith("Diagnoser") ? next : had);
                }
            }
        }
        Set<String> never = new LinkedHashSet<>(MetricCatalog.all().keySet());
        never.removeAll(present);
        StringBuilder reasons = new StringBuilder();
        never.forEach(n -> reasons.append("\n  ").append(n).append(" (absent in ").append(why.get(n)).append(')'));
        assertEquals(NOT_IN_TESTDATA.keySet(), never, "declared metrics no analysis of testdata/ computes (those "
                + "NOT_IN_TESTDATA lists with the data they need):" + reasons);
    }

    private static synchronized List<Output> outputs() {
        if (outputs == null) {
            try {
                outputs = analyse();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return outputs;
    }

    private static List<Output> analyse() throws IOException {
        List<Output> out = new ArrayList<>();
        Path root = Fixtures.root();
        TraceAnalyzer traces = new TraceAnalyzer(AnalysisSettings.defaults());
        Set<String> trace = MetricFamily.names(MetricFamily.TRACE, MetricFamily.TRACE_GPU,
                MetricFamily.TRACE_INPUT_GROWTH);
        List<Path> traceFiles = new ArrayList<>();
        traceFiles.addAll(files(root.resolve("testdata/traces")));
        traceFiles.addAll(files(root.resolve("testdata/hta")).stream().filter(p -> p.toString().endsWith(".json.gz"))
                .toList());
        List<Path> ranks = files(root.resolve("testdata/hta/ranks"));
        traceFiles.addAll(ranks);
        for (Path t : traceFiles) {
            out.add(new Output("TraceAnalyzer", t.getFileName().toString(), trace,
                    traces.analyze(TraceLoader.load(t)).metrics(), true));
        }
        // the H100 CUPTI recording (profile --kernels)
        Path cupti = gunzip(root.resolve("testdata/cupti/glm8-eager-decode-31passes.bin.gz"), "cupti-4242.bin");
        TraceModel kernels = CuptiLoader.load(List.of(cupti)).model();
        TraceAnalysis cuptiAnalysis = traces.analyze(kernels);
        out.add(new Output("TraceAnalyzer", "CUPTI recording", trace, cuptiAnalysis.metrics(), true));
        // the ranks of HTA's two-rank job, compared
        out.add(new Output("Diagnoser (ranks)", "testdata/hta/ranks", null,
                Diagnoser.withDefaults().diagnose(ranks).metrics(), true));
        Set<String> ranked = Diagnoser.withDefaults().diagnose(ranks).metrics().all().keySet();
        assertTrue(ranked.containsAll(RankAnalysis.metricNames()), "the ranks' metrics: " + ranked);
        // a profiled run's samples (NVML, GPM)
        RunRecording replay = RunReader.read(root.resolve("testdata/runs/h100-replay"), n -> { }).recording();
        out.add(new Output("SampleAnalyzer", "testdata/runs/h100-replay", SampleAnalyzer.metricNames(),
                new SampleAnalyzer().analyze(replay).metrics(), true));
        // the workload's events
        for (Path w : files(root.resolve("testdata/workload"))) {
            out.add(new Output("WorkloadAnalysis", w.getFileName().toString(), WorkloadAnalysis.metricNames(),
                    WorkloadAnalysis.analyze(WorkloadEvents.read(w)), true));
        }
        // load runs: the client's view, the server's /metrics, the host's samples
        List<FleetReader.Instance> replicas = new ArrayList<>();
        LoadRecording agent = null;
        for (Path folder : files(root.resolve("testdata/load"))) {
            String name = folder.getFileName().toString();
            RunContents run = RunReader.read(folder, n -> { });
            LoadRecording load = run.load();
            out.add(new Output("LoadAnalysis", name, LoadAnalysis.metricNames(), LoadAnalysis.analyze(load), true));
            out.add(new Output("SampleAnalyzer", name, SampleAnalyzer.metricNames(),
                    new SampleAnalyzer().analyze(run.recording()).metrics(), true));
            // each load run's server as one replica of a fleet, as Prometheus would have scraped it
            replicas.add(new FleetReader.Instance(name, "vllm", load.settings().model(), load.scrapes()));
            if (name.equals("agent-glm-tiny")) {
                agent = load;
            }
        }
        out.add(new Output("FleetAnalysis", "the load runs as replicas", FleetAnalysis.metricNames(),
                FleetAnalysis.analyze(replicas).fleet(), true));
        // the H100 replay as two GPU nodes (as tools/fleet_replay.py replays it into Prometheus)
        Map<Integer, GpuFleetReader.Gpu> gpus = new LinkedHashMap<>();
        for (GpuInfo g : replay.info().gpus()) {
            gpus.put(g.index(), new GpuFleetReader.Gpu(g.index(), g.uuid(), g.name()));
        }
        List<GpuFleetReader.Instance> nodes = List.of(
                new GpuFleetReader.Instance("node-a:9400", "dcgm", "node-a", "dcgm", gpus, replay.gpu(), replay.gpm()),
                new GpuFleetReader.Instance("node-b:9400", "dcgm", "node-b", "dcgm", gpus, replay.gpu(), replay.gpm()));
        out.add(new Output("FleetGpuAnalysis", "testdata/runs/h100-replay as two nodes", FleetGpuAnalysis.metricNames(),
                FleetGpuAnalysis.analyze(nodes, replay.info().settings().intervalMs()).fleet(), true));
        // served steps: the agent load with the H100 recording beside it (as ServedRunTest)
        out.add(new Output("ServedSteps", "agent-glm-tiny with the CUPTI recording", ServedSteps.metricNames(),
                ServedSteps.metrics(ServedSteps.of(cuptiAnalysis, agent), agent), true));
        // the profiler's cost needs a load --server-profile run, which testdata lacks: the family is checked on a
        // window laid over the agent load, and its values are not counted as computed from testdata
        double first = agent.requests().stream().mapToDouble(r -> r.scheduledMs()).min().orElseThrow();
        double last = agent.requests().stream().mapToDouble(r -> r.scheduledMs()).max().orElseThrow();
        double third = (last - first) / 3;
        out.add(new Output("ProfilerCost", "a window over agent-glm-tiny", Set.copyOf(ProfilerCost.METRICS),
                ProfilerCost.of(agent.requests(), first + third, first + 2 * third, first + 2 * third).metrics(),
                false));
        return out;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().endsWith(".md")).sorted().toList();
        }
    }

    private static Path gunzip(Path gz, String name) throws IOException {
        Path out = tmp.resolve(name);
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            Files.copy(in, out);
        }
        return out;
    }
}
