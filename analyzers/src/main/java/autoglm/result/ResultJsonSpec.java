package autoglm.result;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The result JSON of {@code diagnose}/{@code profile --format json} (schema 1, docs/formats.md), bound with
 * {@link autoglm.util.StrictBinding}: every object refuses keys not named here. Only the breakdown's families,
 * types, streams and copies tables (which gate and compare do not read) and a finding's evidence, thresholds and
 * gain (its own schema, checked by the report that wrote it) are kept as trees.
 */
record ResultJsonSpec(String tool, String version, Integer schema, Map<String, Double> overrides, List<InputSpec> inputs,
        RunSpec run,
        Map<String, MetricSpec> metrics, String findingsOrder, List<FindingSpec> findings, JsonNode gainOverlaps,
        BreakdownSpec breakdown,
        DataLossSpec dataLoss, List<VerifySpec> verify, JsonNode ranks, JsonNode fleet) {

    record InputSpec(String path, String format, Long fileBytes, Long jsonBytes, Long events, Integer rank,
            String timeBase, String displayTimeUnit, List<DeviceSpec> devices, IterationsSpec iterations,
            Map<String, MetricSpec> metrics, List<FindingSpec> findings, DataLossSpec dataLoss) {
    }

    record DeviceSpec(Integer id, String name, String computeCapability, Integer sms, Long memoryBytes) {
    }

    record IterationsSpec(String basis, Integer count, String dropped, Integer device, String anchor) {
    }

    record DataLossSpec(Long lost, Map<String, Long> malformed, Map<String, Long> unmatched,
            Map<String, Long> excluded, Map<String, Long> skipped, Map<String, Long> probe) {
    }

    record RunSpec(String path, String name, List<String> command, String status, Boolean complete, Integer exitCode,
            String note, String started, String ended, RunHostSpec host, RunNvmlSpec nvml, List<RunGpuSpec> gpus,
            RunSettingsSpec settings, RunSamplesSpec samples, RunWindowSpec window, Double samplerCpuPctOfOneCore) {
    }

    record RunHostSpec(String hostname, String os, String cpu, Integer logicalCores, Long memoryBytes) {
    }

    record RunNvmlSpec(Boolean available, String reason, String driverVersion, String cudaDriverVersion) {
    }

    record RunGpuSpec(Integer index, String name, String uuid, Double memoryTotalBytes, String computeCapability,
            Boolean gpmSupported, Boolean used) {
    }

    record RunSettingsSpec(Double intervalMs, Double gpmIntervalMs, Double hostIntervalMs) {
    }

    record RunSamplesSpec(Long gpu, Long gpm, Long host) {
    }

    record RunWindowSpec(Double startUnixMs, Double endUnixMs) {
    }

    record VerifySpec(String rule, Map<String, String> knobs, String status, String reason, String run,
            Boolean changesWork, String workChange, Integer runs, Map<String, ComparisonSpec> metrics) {
    }

    record ComparisonSpec(MetricSpec before, MetricSpec after, Double factor, Double speedup, Double difference,
            Double welchP,
            Boolean withinNoise, Boolean lowerIsBetter, Boolean work) {
    }

    /** {@code value} is a tree: a number, null, or text such as "NaN" that gate judges as a bad value. */
    /** {@code items}: the typed parts of a breakdown metric (its {@code text} is the same on one line). */
    record MetricSpec(String unit, JsonNode value, Boolean bad, String reason, String text, JsonNode items, Long n,
            Double min, Double p50, Double p95, Double p99, Double max, Double stdev) {
    }

    record FindingSpec(String rule, String title, String topic, String severity, Double score, JsonNode evidence,
            JsonNode thresholds, String summary, String explanation, String fix, JsonNode gain, String reason,
            JsonNode count) {
    }

    record BreakdownSpec(Long kernelCount, Double kernelTimeMs, List<KernelSpec> kernels, JsonNode families,
            JsonNode types, JsonNode streams, JsonNode copies, List<OpSpec> ops, JsonNode sequences) {
    }

    record OpSpec(String op, Long activities, Double gpuMs, Double launchMs, Double sharePct) {
    }

    record KernelSpec(String name, String family, Long count, Double totalMs, Double meanUs, Double minUs, Double maxUs,
            Double stdevUs, Double sharePct) {
    }
}
