package autoglm.probes.run;

import autoglm.probes.GpuProbe;
import autoglm.probes.Sampler;
import autoglm.probes.host.HostProbe;
import autoglm.probes.cupti.CuptiControl;
import autoglm.probes.cupti.CuptiInjection;
import autoglm.probes.nvml.NvmlProbe;
import autoglm.samples.RunInfo;
import autoglm.samples.RunInfoJson;
import autoglm.trace.read.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a command under the probes: checks the command and the output folder before anything starts,
 * writes run.json (status running) at once, starts the command (argv as given, no shell, the terminal
 * inherited), samples until it exits, and finishes run.json with how it ended. SIGINT and SIGTERM stop
 * the command: SIGTERM is passed on at once; SIGINT, which a terminal also sends to the command itself,
 * is passed on if the command is still running 300 ms later; a command still running after the grace
 * period is sent SIGTERM, then SIGKILL. The run is kept either way and marked incomplete.
 */
public final class Profiler {
    /** The run folder, in the command's environment: the workload writes its events.jsonl there. */
    public static final String ENV_RUN_DIR = "AUTOGLM_RUN_DIR";

    /** What to run and how to sample it; {@code env} is added to the command's environment. */
    public record Request(List<String> command, String name, Path out, RunInfo.Settings settings, double graceMs,
            Path injection, Map<String, String> env) {
        public Request(List<String> command, String name, Path out, RunInfo.Settings settings, double graceMs) {
            this(command, name, out, settings, graceMs, null, Map.of());
        }

        public Request(List<String> command, String name, Path out, RunInfo.Settings settings, double graceMs,
                Path injection) {
            this(command, name, out, settings, graceMs, injection, Map.of());
        }
    }

    /** The finished run: its folder and run.json, and whether autoglm was interrupted. */
    public record Result(Path folder, RunInfo info, String interruptedBy) {
    }

    /** Opens the GPU probe for the run's settings; NvmlProbe by default. */
    public interface GpuProbeFactory {
        GpuProbe open(RunInfo.Settings settings) throws NvmlProbe.Unavailable;
    }

    private final GpuProbeFactory gpuFactory;
    private final Consumer<String> notes;
    private volatile String interruptedBy;
    private volatile Process process;
    private volatile CuptiControl cupti;

    /** {@code notes} receives one-line messages for the user (the driver is missing, a signal arrived). */
    public Profiler(GpuProbeFactory gpuFactory, Consumer<String> notes) {
        this.gpuFactory = gpuFactory;
        this.notes = notes;
    }

    public static Profiler withNvml(Consumer<String> notes) {
        return new Profiler(settings -> NvmlProbe.open(settings.intervalMs() >= 100), notes);
    }

    public Result run(Request req) throws IOException {
        Path program = CommandResolver.resolve(req.command().get(0));
        String injected = System.getenv(CuptiInjection.ENV_INJECTION);
        if (req.injection() != null && injected != null && !injected.isEmpty()) {
            throw new BadInputException("--kernels: " + CuptiInjection.ENV_INJECTION + " is already set (" + injected
                    + "): another tool (Nsight Systems?) injects into CUDA; unset it or profile without --kernels");
        }
        Path out = prepareOut(req.out());
        LocalDateTime startLocal = LocalDateTime.now();
        Path folder = uniqueFolder(out, RunName.folder(startLocal, req.name() != null ? req.name()
                : RunName.of(req.command())));

        GpuProbe gpu = null;
        RunInfo.Nvml nvml;
        try {
            gpu = gpuFactory.open(req.settings());
            nvml = gpu.driver();
        } catch (NvmlProbe.Unavailable e) {
            nvml = RunInfo.Nvml.absent(e.getMessage());
            notes.accept(e.getMessage() + ": GPU sampling is off, host sampling goes on, GPU rules will be not applicable");
        }
        HostProbe host = new HostProbe();
        long startMs = System.currentTimeMillis();
        RunInfo info = new RunInfo(RunInfo.SCHEMA, folder.getFileName().toString(), List.copyOf(req.command()),
                Path.of("").toAbsolutePath().toString(), startMs, 0, RunInfo.RUNNING, false, null,
                "autoglm stopped before the run ended", new RunInfo.Host(host.hostname(), host.osName(), host.cpuName(),
                        host.logicalCores(), host.memoryBytes()), nvml, gpu == null ? List.of() : gpu.gpus(),
                req.settings(), Map.of(), null);
        Files.createDirectory(folder);
        RunInfoJson.write(info, folder.resolve(autoglm.samples.RunFolder.RUN_JSON));

        List<String> argv = new ArrayList<>(req.command());
        argv.set(0, req.command().get(0).contains("/") ? req.command().get(0) : program.toString());
        ProcessTree tree = new ProcessTree();
        Sampler sampler;
        try {
            sampler = new Sampler(folder, gpu, host, req.settings(), tree::pids);
        } catch (IOException e) {
            closeAll(null, host, gpu);
            deleteFolder(folder);
            throw new BadInputException("cannot write the run folder " + folder + ": " + e.getMessage());
        }
        try (Signals signals = new Signals(this::onSignal)) {
            try {
                ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
                pb.environment().putAll(req.env());
                pb.environment().put(ENV_RUN_DIR, folder.toAbsolutePath().toString());
                if (req.injection() != null) {
                    pb.environment().put(CuptiInjection.ENV_INJECTION, req.injection().toString());
                    pb.environment().put(CuptiInjection.ENV_DIR, folder.toAbsolutePath().toString());
                    cupti = new CuptiControl(folder);
                }
                process = pb.start();
            } catch (IOException e) {
                closeAll(sampler, host, gpu);
                deleteFolder(folder);
                throw new BadInputException("cannot start " + req.command().get(0) + ": " + e.getMessage());
            }
            tree.root = process.toHandle();
            int code;
            try {
                sampler.start();
                code = waitFor(req.graceMs());
            } catch (RuntimeException | Error e) {
                // autoglm itself failed: stop the command, keep what was sampled, say so in run.json
                process.destroyForcibly();
                closeAll(sampler, host, gpu);
                RunInfoJson.write(info.ended(System.currentTimeMillis(), RunInfo.INTERRUPTED, false, null,
                        "autoglm failed while the command ran (" + e + ") and stopped it", sampler.dataLoss(), null),
                        folder.resolve(autoglm.samples.RunFolder.RUN_JSON));
                throw e;
            }
            long endMs = System.currentTimeMillis();
            closeAll(sampler, host, gpu);
            if (cupti != null) {
                cupti.cleanUp();
            }
            String why = interruptedBy;
            String status;
            String note;
            if (why != null) {
                status = RunInfo.INTERRUPTED;
                note = "autoglm got SIG" + why + " and stopped the command, which then exited with code " + code
                        + exitMeaning(code);
            } else if (code == 0) {
                status = RunInfo.EXITED;
                note = "the command exited with code 0";
            } else {
                status = RunInfo.FAILED;
                note = "the command exited with code " + code + exitMeaning(code);
            }
            Map<String, Long> loss = new LinkedHashMap<>(sampler.dataLoss());
            RunInfo done = info.ended(endMs, status, why == null && code == 0, code, note, loss,
                    sampler.overhead(endMs - startMs));
            RunInfoJson.write(done, folder.resolve(autoglm.samples.RunFolder.RUN_JSON));
            return new Result(folder, done, why);
        }
    }

    /** Stops the sampler (it writes its last round) and closes the probes; errors are the sampler's data loss. */
    private static void closeAll(Sampler sampler, HostProbe host, GpuProbe gpu) {
        if (sampler != null) {
            try {
                sampler.close();
            } catch (IOException e) {
                // the rows written so far are on disk; run.json counts the loss
            }
        }
        host.close();
        if (gpu != null) {
            gpu.close();
        }
    }

    private static String exitMeaning(int code) {
        return code > 128 && code < 160 ? " (killed by signal " + (code - 128) + ")" : "";
    }

    private void onSignal(String name) {
        if (interruptedBy == null) {
            interruptedBy = name;
            notes.accept("got SIG" + name + ": stopping the command; the run is kept and marked incomplete");
        }
        Process p = process;
        if (p == null) {
            return;
        }
        if (name.equals("TERM")) {
            flushKernels();
            p.destroy();
        } else {
            Thread t = new Thread(() -> {
                try {
                    if (!p.waitFor(300, TimeUnit.MILLISECONDS)) {
                        Signals.kill(p.pid(), Signals.SIGINT);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "autoglm-forward-sigint");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Before a signal that skips the command's exit handlers: the kernel recorders write what they hold. */
    private void flushKernels() {
        CuptiControl c = cupti;
        if (c != null && !c.flush(1000)) {
            notes.accept("a kernel recorder did not answer the flush request within 1 s: its last second of "
                    + "records may be lost");
        }
    }

    /** Waits for the command; once interrupted, gives it the grace period, then SIGTERM, then SIGKILL. */
    private int waitFor(double graceMs) {
        Process p = process;
        boolean escalated = false;
        long interruptedAt = 0;
        while (true) {
            try {
                if (p.waitFor(50, TimeUnit.MILLISECONDS)) {
                    return p.exitValue();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                onSignal("INT");
            }
            if (interruptedBy != null) {
                long now = System.currentTimeMillis();
                if (interruptedAt == 0) {
                    interruptedAt = now;
                } else if (!escalated && now - interruptedAt > graceMs) {
                    notes.accept("the command is still running " + Math.round(graceMs / 1000) + " s after the signal: sending SIGTERM");
                    flushKernels();
                    p.destroy();
                    escalated = true;
                } else if (escalated && now - interruptedAt > graceMs + 5000) {
                    notes.accept("the command ignored SIGTERM: sending SIGKILL");
                    flushKernels();
                    p.destroyForcibly();
                    interruptedAt = Long.MAX_VALUE / 2;
                }
            }
        }
    }

    /** Creates the output folder if needed and checks it can be written, before anything runs. */
    static Path prepareOut(Path out) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot create the folder (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
        }
        if (!Files.isDirectory(out)) {
            throw new BadInputException("--out " + out + ": not a folder");
        }
        if (!Files.isWritable(out)) {
            throw new BadInputException("--out " + out + ": not writable");
        }
        return out;
    }

    private static Path uniqueFolder(Path out, String name) {
        Path p = out.resolve(name);
        for (int i = 2; Files.exists(p); i++) {
            p = out.resolve(name + "-" + i);
        }
        return p;
    }

    private static void deleteFolder(Path folder) {
        try (Stream<Path> s = Files.walk(folder)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: the folder holds only run.json at this point
        }
    }

    /**
     * The command's process and its descendants, refreshed at most once a second: listing descendants
     * walks all of /proc (0.6 ms), too dear for every round; a process started in between is seen at
     * the next refresh.
     */
    static final class ProcessTree {
        /** The command's process, set once it has started. */
        volatile ProcessHandle root;
        private volatile Set<Long> pids = Set.of();
        private volatile long refreshed;

        Set<Long> pids() {
            ProcessHandle root = this.root;
            if (root == null) {
                return Set.of();
            }
            long now = System.nanoTime();
            if (now - refreshed > 1_000_000_000L || pids.isEmpty()) {
                Set<Long> s = new HashSet<>();
                if (root.isAlive()) {
                    s.add(root.pid());
                }
                root.descendants().forEach(h -> s.add(h.pid()));
                pids = s;
                refreshed = now;
            }
            return pids;
        }
    }
}
