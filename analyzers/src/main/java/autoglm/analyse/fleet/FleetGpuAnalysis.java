package autoglm.analyse.fleet;

import autoglm.analyse.Metric;
import autoglm.analyse.MetricFamily;
import autoglm.analyse.Metrics;
import autoglm.analyse.samples.GpmSampleMetrics;
import autoglm.analyse.samples.GpuSampleMetrics;
import autoglm.analyse.samples.SampleAnalyzer;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.GpuSample;
import autoglm.model.run.RunInfo;
import autoglm.model.run.RunRecording;
import autoglm.read.prometheus.GpuFleetReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The GPUs of a fleet read back from Prometheus (docs/fleet.md#gpus): each instance's samples give the metrics a run
 * folder's give (docs/analyses.md#samples), with two differences. Every GPU the exporter publishes counts, over the
 * whole window (a serving node's GPUs are in use whether busy or not: an idle one is what the system rules should
 * see); and each sample covers the step before it. Across instances: how unevenly their GPUs throttle.
 */
public final class FleetGpuAnalysis {
    public static final String NO_PROFILING = "the exporter publishes no profiling series (DCGM_FI_PROF_*: DCGM's "
            + "profiling metrics are off, or the GPU has none)";
    public static final String NO_HOST = "Prometheus holds no per-thread host samples";

    /** One instance as analysed. */
    public record Node(GpuFleetReader.Instance instance, Metrics metrics) {
    }

    /** The instances and the fleet's GPU metrics. */
    public record Result(List<Node> nodes, Metrics fleet) {
    }

    private FleetGpuAnalysis() {
    }

    public static Set<String> metricNames() {
        return MetricFamily.names(MetricFamily.FLEET_GPU);
    }

    public static Result analyze(List<GpuFleetReader.Instance> instances, double stepMs) {
        List<Node> nodes = new ArrayList<>();
        for (GpuFleetReader.Instance in : instances) {
            nodes.add(new Node(in, metrics(in, stepMs)));
        }
        Metrics.Builder b = new Metrics.Builder();
        b.put("fleet_gpu_instances", nodes.size(), nodes.size());
        List<Node> busy = nodes.stream().filter(n -> n.metrics().get("clock_throttled_pct").present()).toList();
        if (busy.size() < 2) {
            b.absentAll(nodes.isEmpty() ? "Prometheus holds no DCGM exporter or autoglm GPU series in the window"
                    : "fewer than two GPU instances were busy with clock reasons to compare", "fleet_throttled_max_pct",
                    "fleet_throttled_min_pct", "fleet_throttle_gap_pct", "fleet_throttled_instance",
                    "fleet_throttled_reasons");
            return new Result(nodes, b.build());
        }
        Node most = busy.get(0);
        Node least = busy.get(0);
        for (Node n : busy) {
            most = throttled(n) > throttled(most) ? n : most;
            least = throttled(n) < throttled(least) ? n : least;
        }
        int n = busy.size();
        b.put("fleet_throttled_max_pct", throttled(most), n);
        b.put("fleet_throttled_min_pct", throttled(least), n);
        // its count is the samples behind the two shares compared, the fewer of them
        b.put("fleet_throttle_gap_pct", throttled(most) - throttled(least), Math.min(
                most.metrics().get("clock_throttled_pct").n(), least.metrics().get("clock_throttled_pct").n()));
        b.text("fleet_throttled_instance", most.instance().instance(), n);
        Metric reasons = most.metrics().get("clock_reasons");
        b.text("fleet_throttled_reasons", reasons.present() && reasons.items() != null && !reasons.items().isEmpty()
                ? String.join(", ", reasons.items().stream().map(Metric.Item::label).toList()) : "none", n);
        return new Result(nodes, b.build());
    }

    private static double throttled(Node n) {
        return n.metrics().get("clock_throttled_pct").value();
    }

    /** One instance's GPU metrics over the whole window, every GPU counted. */
    static Metrics metrics(GpuFleetReader.Instance in, double stepMs) {
        Metrics.Builder out = new Metrics.Builder();
        Map<Integer, List<GpuSample>> byGpu = new TreeMap<>();
        for (GpuSample s : in.gpu()) {
            byGpu.computeIfAbsent(s.gpu(), k -> new ArrayList<>()).add(s);
        }
        List<Integer> used = new ArrayList<>(byGpu.keySet());
        double first = in.gpu().stream().mapToDouble(GpuSample::timeMs).min().orElse(0);
        double last = in.gpu().stream().mapToDouble(GpuSample::timeMs).max().orElse(0);
        double from = first - stepMs;
        List<GpuInfo> gpus = new ArrayList<>();
        for (GpuFleetReader.Gpu g : in.gpus().values()) {
            gpus.add(new GpuInfo(g.index(), g.model(), g.uuid(), Double.NaN, null, 0, 0, Double.NaN, Double.NaN,
                    Double.NaN, !in.gpm().isEmpty()));
        }
        RunInfo info = new RunInfo(RunInfo.SCHEMA, in.instance(), List.of(), "", (long) from, (long) last,
                RunInfo.EXITED, true, null, null, new RunInfo.Host(in.hostname(), "", "", 0, 0),
                new RunInfo.Nvml(true, null, null, null, null), gpus, new RunInfo.Settings(stepMs, stepMs, stepMs),
                Map.of(), null);
        GpuSampleMetrics.gpuMetrics(out, byGpu, used, stepMs, from, last, from, last, info);
        if (in.gpm().isEmpty()) {
            out.absentAll(NO_PROFILING, SampleAnalyzer.GPM_METRICS);
            out.absent("pcie_link_gbps", "the PCIe link generation and width are not in the exporter's series");
        } else {
            GpmSampleMetrics.gpmMetrics(out, new RunRecording(in.instance(), info, in.gpu(), in.gpm(), List.of(),
                    Map.of()), used, from, last, info);
        }
        if (!out.has("pcie_rx_gbps")) {
            out.absentAll(NO_PROFILING, "pcie_tx_gbps", "pcie_rx_gbps", "pcie_link_pct");
        }
        out.absentAll(NO_HOST, SampleAnalyzer.HOST_METRICS);
        return out.build();
    }
}
