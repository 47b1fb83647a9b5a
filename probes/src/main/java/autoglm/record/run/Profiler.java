package autoglm.record.run;

import autoglm.record.GpuProbe;
import autoglm.record.Sampler;
import autoglm.record.host.HostProbe;
import autoglm.record.cupti.CuptiControl;
import autoglm.record.cupti.CuptiInjection;
import autoglm.record.nvml.NvmlProbe;
import autoglm.model.run.RunInfo;
import autoglm.read.run.RunInfoJson;
import autoglm.util.BadInputException;
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
 * inherited) in a process group of its own (util-linux's {@code setsid}, which execs the command in
 * place, so its pid is the command's and leads the group), samples until it exits, and finishes run.json
 * with how it ended. SIGINT and SIGTERM stop the command: they are passed on at once to the whole group
 * (the terminal's Ctrl-C reaches only autoglm's own group); a command still running after the grace period
 * gets SIGTERM, then SIGKILL, again group-wide; once the command has exited, any process of its group still
 * there (a background job of a shell script) gets SIGTERM and, 2 s later, SIGKILL, so nothing it started
 * outlives an interrupted autoglm. The run is kept either way and marked incomplete. Without setsid the
 * command runs in autoglm's group and only it is signalled (a note says so).
 */
public final class Profiler {
    /** The run folder, in the command's environment: the workload writes its events.jsonl there. */
    public static final String ENV_RUN_DIR = "AUTOGLM_RUN_DIR";

    /** What to run and how to sample it; {@code env} is added to the command's environment. */
    public record Request(List<String> command, String name, Path out, RunInfo.Settings settings, double graceMs,
            Path injection, Map<String, String> env, String logFile) {
        public Request(List<String> command, String name, Path out, RunInfo.Settings settings, double graceMs) {
            this(command, name, out, settings, graceMs, null, Map.of(), null);
        }

        public Request(List<String> command, String name, Path out, RunInfo.Settings settings, double graceMs,
                Path injection) {
            this(command, name, out, settings, graceMs, injection, Map.of(), null);
        }

        public Request(List<String> command, String name, Path out, RunInfo.Settings settings, double graceMs,
                Path injection, Map<String, String> env) {
            this(command, name, out, settings, graceMs, injection, env, null);
        }
    }

    /**
     * The finished run: its folder and run.json, whether autoglm was interrupted, and why samples or
     * run.json could not be written (a full disk), or null.
     */
    public record Result(Path folder, RunInfo info, String interruptedBy, String writeFailure) {
    }

    /** Opens the GPU probe for the run's settings; NvmlProbe by default. */
    public interface GpuProbeFactory {
        GpuProbe open(RunInfo.Settings settings) throws NvmlProbe.Unavailable;
    }

    private final GpuProbeFactory gpuFactory;
    private final Consumer<String> notes;
    private volatile String interruptedBy;
    private volatile Process process;
    /** The command's process group (its pid), or 0 when it shares autoglm's group (no setsid). */
    private volatile long group;
    private volatile CuptiControl cupti;
    /** The caller is done with the command (a server after the load): it is stopped, and that is a normal end. */
    private volatile boolean stopRequested;
    private volatile String stopIncomplete;
    private volatile java.util.function.Consumer<Path> startListener = p -> { };
    private volatile Runnable interruptListener = () -> { };
    private volatile autoglm.record.SampleListener sampleListener = autoglm.record.SampleListener.NONE;

    /** Told every sample once it is written (the Prometheus endpoint serves them live). */
    public void onSample(autoglm.record.SampleListener listener) {
        this.sampleListener = listener;
    }

    /** Told the run folder once the command has started (a load writes its own files there). */
    public void onStart(java.util.function.Consumer<Path> listener) {
        this.startListener = listener;
    }

    /** Told when autoglm gets SIGINT or SIGTERM while the command runs. */
    public void onInterrupt(Runnable listener) {
        this.interruptListener = listener;
    }

    /**
     * Ends the command because its caller is done with it (a server after the load): SIGTERM to its process group,
     * SIGKILL 5 s later if it is still there. The run is then complete, not interrupted.
     */
    public void stop() {
        stop(null);
    }

    /** The same, but the run is incomplete, with {@code whyIncomplete} in run.json (a server that never got ready). */
    public void stop(String whyIncomplete) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return; // it ended on its own (a server that died): that end is what run.json says
        }
        stopIncomplete = whyIncomplete;
        stopRequested = true;
        flushKernels();
        signal(Signals.SIGTERM);
    }

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
        String folderName = RunName.folder(startLocal, req.name() != null ? req.name() : RunName.of(req.command()));

        GpuProbe gpu = null;
        RunInfo.Nvml nvml;
        try {
            gpu = gpuFactory.open(req.settings());
            nvml = gpu.driver();
        } catch (NvmlProbe.Unavailable e) {
            nvml = RunInfo.Nvml.absent(e.getMessage());
            notes.accept(e.getMessage() + ": GPU sampling is off, host sampling goes on, GPU rules will not be applicable");
        }
        HostProbe host = new HostProbe();
        Path folder;
        try {
            folder = createUnique(out, folderName);
        } catch (IOException e) {
            closeAll(null, host, gpu);
            throw new BadInputException("--out " + out + ": cannot create a run folder in it ("
                    + autoglm.util.SafeFiles.reason(e) + ")");
        }
        long startMs = System.currentTimeMillis();
        RunInfo info = new RunInfo(RunInfo.SCHEMA, folder.getFileName().toString(), List.copyOf(req.command()),
                Path.of("").toAbsolutePath().toString(), startMs, 0, RunInfo.RUNNING, false, null,
                "autoglm stopped before the run ended", new RunInfo.Host(host.hostname(), host.osName(), host.cpuName(),
                        host.logicalCores(), host.memoryBytes()), nvml, gpu == null ? List.of() : gpu.gpus(),
                req.settings(), Map.of(), null);
        try {
            RunInfoJson.write(info, folder.resolve(autoglm.read.run.RunFolder.RUN_JSON));
        } catch (IOException e) {
            closeAll(null, host, gpu);
            deleteFolder(folder);
            throw new BadInputException("cannot write the run folder " + folder + ": " + autoglm.util.SafeFiles.reason(e));
        }

        List<String> argv = new ArrayList<>(req.command());
        argv.set(0, req.command().get(0).contains("/") ? req.command().get(0) : program.toString());
        Path setsid = setsid();
        if (setsid != null) {
            // --wait: should setsid have to fork (it does when already a group leader), it still waits
            argv.addAll(0, List.of(setsid.toString(), "--wait"));
        } else {
            notes.accept("setsid (util-linux) not found: the command runs in autoglm's process group, and what it "
                    + "starts in the background is not stopped with it");
        }
        ProcessTree tree = new ProcessTree();
        Sampler sampler;
        try {
            sampler = new Sampler(folder, gpu, host, req.settings(), tree::pids);
            sampler.listen(sampleListener);
            Path runJson = folder.resolve(autoglm.read.run.RunFolder.RUN_JSON);
            sampler.onWriteFailure(why -> {
                // at once, not only at the end: should autoglm be killed now, run.json already says why
                notes.accept("samples cannot be written: " + why + ": sampling stopped; the command runs on, the run "
                        + "will be incomplete");
                try {
                    RunInfoJson.write(info.ended(0, RunInfo.RUNNING, false, null, "samples could not be written: " + why
                            + ", so sampling stopped early", Map.of("writing samples: " + why, 1L), null), runJson);
                } catch (IOException e) {
                    // run.json keeps "running" and "complete": false from the start
                }
            });
        } catch (IOException e) {
            closeAll(null, host, gpu);
            deleteFolder(folder);
            throw new BadInputException("cannot write the run folder " + folder + ": " + e.getMessage());
        }
        try (Signals signals = new Signals(this::onSignal)) {
            try {
                ProcessBuilder pb = new ProcessBuilder(argv).inheritIO();
                if (req.logFile() != null) {
                    // the command's output goes to a file of the run folder (a server's log), not the terminal
                    pb.redirectErrorStream(true).redirectOutput(folder.resolve(req.logFile()).toFile());
                }
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
            group = setsid != null ? process.pid() : 0;
            startListener.accept(folder);
            int code;
            try {
                sampler.start();
                code = waitFor(req.graceMs());
            } catch (RuntimeException | Error e) {
                // autoglm itself failed: stop the command, keep what was sampled, say so in run.json
                signal(Signals.SIGKILL);
                process.destroyForcibly();
                closeAll(sampler, host, gpu);
                RunInfoJson.write(info.ended(System.currentTimeMillis(), RunInfo.INTERRUPTED, false, null,
                        "autoglm failed while the command ran (" + e + ") and stopped it", sampler.dataLoss(), null),
                        folder.resolve(autoglm.read.run.RunFolder.RUN_JSON));
                throw e;
            }
            long endMs = System.currentTimeMillis();
            if (interruptedBy != null || stopRequested) {
                stopGroup();
            }
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
            } else if (stopRequested) {
                status = RunInfo.EXITED;
                note = stopIncomplete != null ? "autoglm stopped the command: " + stopIncomplete + "; it exited with code "
                        + code : "autoglm stopped the command when it was done with it (SIGTERM); it exited with code " + code;
            } else if (code == 0) {
                status = RunInfo.EXITED;
                note = "the command exited with code 0";
            } else {
                status = RunInfo.FAILED;
                note = "the command exited with code " + code + exitMeaning(code);
            }
            String writeFailure = sampler.writeFailure();
            if (writeFailure != null) {
                note = note + "; samples could not be written: " + writeFailure + ", so sampling stopped early";
            }
            Map<String, Long> loss = new LinkedHashMap<>(sampler.dataLoss());
            RunInfo done = info.ended(endMs, status, why == null && (code == 0 || (stopRequested && stopIncomplete == null))
                    && writeFailure == null, code,
                    note, loss,
                    sampler.overhead(endMs - startMs));
            try {
                RunInfoJson.write(done, folder.resolve(autoglm.read.run.RunFolder.RUN_JSON));
            } catch (IOException e) {
                // run.json keeps "running" (incomplete) from the start of the run
                String why2 = autoglm.util.SafeFiles.reason(e);
                writeFailure = writeFailure != null ? writeFailure : why2;
                notes.accept("cannot update run.json (" + why2 + "): it still says the run is running (incomplete)");
            }
            return new Result(folder, done, why, writeFailure);
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
            interruptListener.run();
        }
        Process p = process;
        if (p == null) {
            return;
        }
        if (name.equals("TERM")) {
            flushKernels();
            signal(Signals.SIGTERM);
        } else {
            signal(Signals.SIGINT);
        }
    }

    /** Sends a signal to the command's group, or to the command alone when it has none of its own. */
    private void signal(int sig) {
        Process p = process;
        if (p == null) {
            return;
        }
        long g = group;
        if (g > 0 && Signals.killGroup(g, sig)) {
            return;
        }
        if (sig == Signals.SIGKILL) {
            p.destroyForcibly();
        } else if (sig == Signals.SIGTERM) {
            p.destroy();
        } else {
            Signals.kill(p.pid(), sig);
        }
    }

    /**
     * After an interrupted command has exited: what is left of its process group gets SIGTERM, and SIGKILL
     * if still there 2 s later. Returns when the group is empty (or after the SIGKILL).
     */
    private void stopGroup() {
        long g = group;
        if (g <= 0 || !Signals.groupAlive(g)) {
            return;
        }
        notes.accept("the command has exited, but processes it started are still running: sending them SIGTERM");
        Signals.killGroup(g, Signals.SIGTERM);
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (Signals.groupAlive(g) && System.nanoTime() < deadline) {
            sleep(20);
        }
        if (Signals.groupAlive(g)) {
            notes.accept("processes of the command ignored SIGTERM: sending SIGKILL");
            Signals.killGroup(g, Signals.SIGKILL);
            deadline = System.nanoTime() + 2_000_000_000L;
            while (Signals.groupAlive(g) && System.nanoTime() < deadline) {
                sleep(20);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** util-linux's setsid, or null when this system has none. */
    private static Path setsid() {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/sbin", "/sbin"}) {
            Path p = Path.of(dir, "setsid");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Asks the kernel recorders of the running command to write what they hold and waits up to {@code timeoutMs}
     * for each to answer ({@code load --serve --kernels}: at the edges of the load window); false when there is no
     * recorder yet or one did not answer.
     */
    public boolean flushKernels(long timeoutMs) {
        CuptiControl c = cupti;
        return c != null && c.flush(timeoutMs);
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
            if (stopRequested && interruptedBy == null) {
                long now = System.currentTimeMillis();
                if (interruptedAt == 0) {
                    interruptedAt = now;
                } else if (!escalated && now - interruptedAt > 5000) {
                    notes.accept("the command ignored SIGTERM: sending SIGKILL");
                    signal(Signals.SIGKILL);
                    escalated = true;
                }
            }
            if (interruptedBy != null) {
                long now = System.currentTimeMillis();
                if (interruptedAt == 0) {
                    interruptedAt = now;
                } else if (!escalated && now - interruptedAt > graceMs) {
                    notes.accept("the command is still running " + Math.round(graceMs / 1000) + " s after the signal: sending SIGTERM");
                    flushKernels();
                    signal(Signals.SIGTERM);
                    escalated = true;
                } else if (escalated && now - interruptedAt > graceMs + 5000) {
                    notes.accept("the command ignored SIGTERM: sending SIGKILL");
                    flushKernels();
                    signal(Signals.SIGKILL);
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
            throw new BadInputException("--out " + out + ": cannot create the folder (" + autoglm.util.SafeFiles.reason(e)
                    + ")");
        }
        if (!Files.isDirectory(out)) {
            throw new BadInputException("--out " + out + ": not a folder");
        }
        if (!Files.isWritable(out)) {
            throw new BadInputException("--out " + out + ": not writable");
        }
        return out;
    }

    /**
     * Creates the run folder NAME, or NAME-2, NAME-3... when taken: each try is one atomic mkdir, so runs
     * started in the same second (in this process or others) each get a folder of their own.
     */
    static Path createUnique(Path out, String name) throws IOException {
        for (int i = 1; i < 10_000; i++) {
            Path p = out.resolve(i == 1 ? name : name + "-" + i);
            try {
                return Files.createDirectory(p);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // taken: the next suffix
            }
        }
        throw new IOException("10,000 run folders named " + name + " already exist");
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
