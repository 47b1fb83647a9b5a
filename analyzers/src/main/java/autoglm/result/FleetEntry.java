package autoglm.result;

import autoglm.diagnose.FleetTable;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The instances of a fleet diagnosis (docs/formats.md#fleet): the Prometheus read, the selectors, the window (UTC)
 * and step, each serving replica and each GPU instance with its metrics and findings.
 */
public record FleetEntry(String prometheus, String selector, String gpuSelector, String start, String end, Double stepS,
        List<Instance> instances, List<GpuInstance> gpuInstances) {

    public record Instance(String instance, String job, String model, Double requests, Map<String, MetricEntry> metrics,
            List<FindingEntry> findings) {
    }

    public record GpuInstance(String instance, String job, String hostname, String source, Integer gpus,
            Map<String, MetricEntry> metrics, List<FindingEntry> findings) {
    }

    public static FleetEntry of(FleetTable t) {
        return new FleetEntry(t.prometheus(), t.selector(), t.gpuSelector(),
                Instant.ofEpochMilli((long) t.startMs()).toString(), Instant.ofEpochMilli((long) t.endMs()).toString(),
                t.stepMs() / 1000,
                t.rows().stream().map(r -> new Instance(r.instance(), r.job(), r.model(), r.requests(),
                        ResultFile.metrics(r.metrics()), FindingEntry.of(r.findings()))).toList(),
                t.nodes().stream().map(n -> new GpuInstance(n.instance(), n.job(), n.hostname(), n.source(), n.gpus(),
                        ResultFile.metrics(n.metrics()), FindingEntry.of(n.findings()))).toList());
    }
}
