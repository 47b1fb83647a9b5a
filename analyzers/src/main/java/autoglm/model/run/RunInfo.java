package autoglm.model.run;

import autoglm.util.FiniteOrNull;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run.json of a run folder: what was run, how it ended, where, on which GPUs, with which settings,
 * and what the probes lost. Written when the run starts (status "running", incomplete) and rewritten
 * when it ends, so a folder left by a crash or a kill still says what it is.
 *
 * <p>This record (with {@link GpuInfo}) is run.json's one declaration (docs/formats.md): autoglm.read.run.RunInfoJson
 * writes it with Jackson and reads it back through autoglm.util.StrictBinding (an unknown key is refused). Numbers
 * not known are NaN here and null in the file ({@link RunJsonNumbers}); "started", "ended" and
 * "samplerCpuPctOfOneCore" are written for people and ignored when read (the Unix times and CPU time give them).
 * A key left out, or null, reads as before this record declared the file: an object or list as an empty one, a
 * number as NaN or 0, a boolean as false.
 */
@JsonPropertyOrder({"schema", "name", "command", "workingDir", "started", "startedUnixMs", "ended", "endedUnixMs",
    "status", "complete", "exitCode", "note", "host", "nvml", "gpus", "settings", "dataLoss", "overhead"})
@JsonIgnoreProperties(value = {"started", "ended"}, allowGetters = true)
public record RunInfo(
        int schema,
        String name,
        List<String> command,
        String workingDir,
        @JsonProperty("startedUnixMs") @JsonDeserialize(using = RunJsonNumbers.NullAsZero.class) long startedMs,
        @JsonProperty("endedUnixMs") @JsonSerialize(using = RunJsonNumbers.ZeroAsNull.class)
        @JsonDeserialize(using = RunJsonNumbers.NullAsZero.class) long endedMs,
        String status,
        @JsonSetter(nulls = Nulls.AS_EMPTY) boolean complete,
        Integer exitCode,
        String note,
        Host host,
        Nvml nvml,
        List<GpuInfo> gpus,
        Settings settings,
        Map<String, Long> dataLoss,
        Overhead overhead) {

    public static final int SCHEMA = 1;

    /** The run is still going, or autoglm was stopped before it could finish the folder. */
    public static final String RUNNING = "running";
    /** The command exited with code 0. */
    public static final String EXITED = "exited";
    /** The command exited with another code, or was killed by a signal it did not get from autoglm. */
    public static final String FAILED = "failed";
    /** autoglm was interrupted (Ctrl-C, SIGTERM) and stopped the command. */
    public static final String INTERRUPTED = "interrupted";

    /** A file that leaves out (or nulls) host, nvml, gpus, settings or dataLoss reads as empty ones; a null loss, 0. */
    public RunInfo {
        host = host != null ? host : new Host(null, null, null, 0, 0);
        nvml = nvml != null ? nvml : new Nvml(false, null, null, null, null);
        gpus = gpus != null ? gpus : List.of();
        settings = settings != null ? settings : new Settings(Double.NaN, Double.NaN, Double.NaN, false);
        dataLoss = dataLoss != null ? dataLoss : Map.of();
        if (dataLoss.values().stream().anyMatch(v -> v == null)) {
            Map<String, Long> zeros = new LinkedHashMap<>();
            dataLoss.forEach((k, v) -> zeros.put(k, v == null ? 0L : v));
            dataLoss = zeros;
        }
    }

    /** The machine the run was on. */
    public record Host(String hostname, String os, String cpu, @JsonSetter(nulls = Nulls.AS_EMPTY) int logicalCores,
            @JsonSetter(nulls = Nulls.AS_EMPTY) long memoryBytes) {
    }

    /** Whether NVML could be used, and the driver it found. {@code reason} says why not when absent. */
    public record Nvml(@JsonSetter(nulls = Nulls.AS_EMPTY) boolean available, String reason, String driverVersion,
            String nvmlVersion, String cudaDriverVersion) {
        public static Nvml absent(String reason) {
            return new Nvml(false, reason, null, null, null);
        }
    }

    /** Sampling intervals in milliseconds, and whether kernels were recorded (--kernels). */
    public record Settings(
            @JsonSerialize(using = FiniteOrNull.class)
            @JsonDeserialize(using = RunJsonNumbers.NullAsNan.class) double intervalMs,
            @JsonSerialize(using = FiniteOrNull.class)
            @JsonDeserialize(using = RunJsonNumbers.NullAsNan.class) double gpmIntervalMs,
            @JsonSerialize(using = FiniteOrNull.class)
            @JsonDeserialize(using = RunJsonNumbers.NullAsNan.class) double hostIntervalMs,
            @JsonSetter(nulls = Nulls.AS_EMPTY) boolean kernels) {
        public Settings(double intervalMs, double gpmIntervalMs, double hostIntervalMs) {
            this(intervalMs, gpmIntervalMs, hostIntervalMs, false);
        }

        public Settings withKernels(boolean on) {
            return new Settings(intervalMs, gpmIntervalMs, hostIntervalMs, on);
        }
    }

    /** CPU time the samplers used, against the run's wall time. */
    @JsonPropertyOrder({"samplerCpuMs", "wallMs", "samplerCpuPctOfOneCore", "gpuSamples", "gpmSamples", "hostSamples"})
    @JsonIgnoreProperties(value = {"samplerCpuPctOfOneCore"}, allowGetters = true)
    public record Overhead(
            @JsonSerialize(using = FiniteOrNull.class)
            @JsonDeserialize(using = RunJsonNumbers.NullAsNan.class) double samplerCpuMs,
            @JsonSerialize(using = FiniteOrNull.class)
            @JsonDeserialize(using = RunJsonNumbers.NullAsNan.class) double wallMs,
            @JsonSetter(nulls = Nulls.AS_EMPTY) long gpuSamples, @JsonSetter(nulls = Nulls.AS_EMPTY) long gpmSamples,
            @JsonSetter(nulls = Nulls.AS_EMPTY) long hostSamples) {
        @JsonProperty("samplerCpuPctOfOneCore")
        @JsonSerialize(using = FiniteOrNull.class)
        public double cpuPctOfOneCore() {
            return wallMs > 0 ? 100 * samplerCpuMs / wallMs : Double.NaN;
        }
    }

    public RunInfo ended(long endedMs, String status, boolean complete, Integer exitCode, String note,
            Map<String, Long> dataLoss, Overhead overhead) {
        return new RunInfo(schema, name, command, workingDir, startedMs, endedMs, status, complete, exitCode, note,
                host, nvml, gpus, settings, dataLoss, overhead);
    }

    /** run.json's "started": the start as an ISO-8601 instant. */
    @JsonProperty("started")
    String started() {
        return Instant.ofEpochMilli(startedMs).toString();
    }

    /** run.json's "ended": the end as an ISO-8601 instant, null while the run has not ended. */
    @JsonProperty("ended")
    String ended() {
        return endedMs > 0 ? Instant.ofEpochMilli(endedMs).toString() : null;
    }

    public double wallMs() {
        return endedMs > startedMs ? endedMs - startedMs : Double.NaN;
    }
}
