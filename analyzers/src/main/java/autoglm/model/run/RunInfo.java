package autoglm.model.run;

import java.util.List;
import java.util.Map;

/**
 * The run.json of a run folder: what was run, how it ended, where, on which GPUs, with which settings,
 * and what the probes lost. Written when the run starts (status "running", incomplete) and rewritten
 * when it ends, so a folder left by a crash or a kill still says what it is.
 */
public record RunInfo(
        int schema,
        String name,
        List<String> command,
        String workingDir,
        long startedMs,
        long endedMs,
        String status,
        boolean complete,
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

    /** The machine the run was on. */
    public record Host(String hostname, String os, String cpu, int logicalCores, long memoryBytes) {
    }

    /** Whether NVML could be used, and the driver it found. {@code reason} says why not when absent. */
    public record Nvml(boolean available, String reason, String driverVersion, String nvmlVersion,
            String cudaDriverVersion) {
        public static Nvml absent(String reason) {
            return new Nvml(false, reason, null, null, null);
        }
    }

    /** Sampling intervals in milliseconds, and whether kernels were recorded (--kernels). */
    public record Settings(double intervalMs, double gpmIntervalMs, double hostIntervalMs, boolean kernels) {
        public Settings(double intervalMs, double gpmIntervalMs, double hostIntervalMs) {
            this(intervalMs, gpmIntervalMs, hostIntervalMs, false);
        }

        public Settings withKernels(boolean on) {
            return new Settings(intervalMs, gpmIntervalMs, hostIntervalMs, on);
        }
    }

    /** CPU time the samplers used, against the run's wall time. */
    public record Overhead(double samplerCpuMs, double wallMs, long gpuSamples, long gpmSamples, long hostSamples) {
        public double cpuPctOfOneCore() {
            return wallMs > 0 ? 100 * samplerCpuMs / wallMs : Double.NaN;
        }
    }

    public RunInfo ended(long endedMs, String status, boolean complete, Integer exitCode, String note,
            Map<String, Long> dataLoss, Overhead overhead) {
        return new RunInfo(schema, name, command, workingDir, startedMs, endedMs, status, complete, exitCode, note,
                host, nvml, gpus, settings, dataLoss, overhead);
    }

    public double wallMs() {
        return endedMs > startedMs ? endedMs - startedMs : Double.NaN;
    }
}
