package autoglm.record.run;

import autoglm.model.run.RunInfo;
import autoglm.record.GpuProbe;
import autoglm.record.Sampler;
import autoglm.record.SampleListener;
import autoglm.record.cupti.CuptiControl;
import autoglm.record.cupti.CuptiInjection;
import autoglm.record.nvml.NvmlProbe;
import autoglm.util.BadInputException;
import autoglm.util.SafeFiles;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Runs a command under the probes: checks the command and the output folder before anything starts, makes the run
 * folder and its run.json (status running: {@link RunJsonLifecycle}), starts the command (argv as given, no shell,
 * the terminal inherited) in a process group of its own ({@link ProcessGroup}), samples until it exits, and finishes
 * run.json with how it ended ({@link RunningCommand}). SIGINT and SIGTERM stop the command; the run is kept either
 * way and marked incomplete. Nothing is left behind by a run that could not start: its folder is removed.
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

    /** {@code notes} receives one-line messages for the user (the driver is missing, a signal arrived). */
    public Profiler(GpuProbeFactory gpuFactory, Consumer<String> notes) {
        this.gpuFactory = gpuFactory;
        this.notes = notes;
    }

    public static Profiler withNvml(Consumer<String> notes) {
        return new Profiler(settings -> NvmlProbe.open(settings.intervalMs() >= 100), notes);
    }

    /** Runs the command to its end: {@link #start} and {@link RunningCommand#await}. */
    public Result run(Request req) throws IOException {
        return start(req, SampleListener.NONE).await();
    }

    /** The same, each sample told to {@code samples} once written (the Prometheus endpoint serves them live). */
    public Result run(Request req, SampleListener samples) throws IOException {
        return start(req, samples).await();
    }

    /**
     * Starts the command and returns once it runs (its run folder made, sampling started); {@code samples} is told the
     * run's name ({@link SampleListener#run}), then each sample once written. Bad input (the command, --out, the run
     * folder) is refused before anything runs, and a folder made for a command that could not start is removed.
     */
    public RunningCommand start(Request req, SampleListener samples) throws IOException {
        Path program = CommandResolver.resolve(req.command().get(0));
        String injected = System.getenv(CuptiInjection.ENV_INJECTION);
        if (req.injection() != null && injected != null && !injected.isEmpty()) {
            throw new BadInputException("--kernels: " + CuptiInjection.ENV_INJECTION + " is already set (" + injected
                    + "): another tool (Nsight Systems?) injects into CUDA; unset it or profile without --kernels");
        }
        Path out = prepareOut(req.out());
        String name = req.name() != null ? req.name() : RunName.of(req.command());
        String folderName = RunName.folder(LocalDateTime.now(), name);
        RunProbes probes = RunProbes.open(gpuFactory, req.settings(), notes);
        Path folder = null;
        Signals signals = null;
        boolean started = false;
        try {
            folder = createFolder(out, folderName);
            RunJsonLifecycle runJson;
            Sampler sampler;
            ProcessTree tree = new ProcessTree();
            try {
                runJson = RunJsonLifecycle.begin(folder, probes.starting(folder.getFileName().toString(),
                        req.command(), System.currentTimeMillis(), req.settings()), notes);
            } catch (IOException e) {
                throw new BadInputException("cannot write the run folder " + folder + ": " + SafeFiles.reason(e));
            }
            try {
                sampler = probes.sampler(folder, req.settings(), tree::pids);
            } catch (IOException e) {
                throw new BadInputException("cannot write the run folder " + folder + ": " + e.getMessage());
            }
            sampler.listen(samples);
            sampler.onWriteFailure(runJson::samplesLost);
            ProcessBuilder pb = processBuilder(req, program, folder);
            CuptiControl cupti = req.injection() != null ? new CuptiControl(folder) : null;
            RunningCommand run = new RunningCommand(folder, probes, sampler, runJson, cupti, req.graceMs(), notes);
            signals = new Signals(run::onSignal);
            ProcessGroup group;
            try {
                group = ProcessGroup.start(pb, notes);
            } catch (IOException e) {
                throw new BadInputException("cannot start " + req.command().get(0) + ": " + e.getMessage());
            }
            started = true;
            tree.root(group.handle());
            samples.run(folder.getFileName().toString());
            run.started(group, signals);
            return run;
        } finally {
            if (!started) {
                // nothing ran: nothing is kept
                if (signals != null) {
                    signals.close();
                }
                probes.close();
                if (folder != null) {
                    deleteFolder(folder);
                }
            }
        }
    }

    /** The command's argv (a bare name as found on PATH), environment and output. */
    private static ProcessBuilder processBuilder(Request req, Path program, Path folder) {
        List<String> argv = new ArrayList<>(req.command());
        argv.set(0, req.command().get(0).contains("/") ? req.command().get(0) : program.toString());
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
        }
        return pb;
    }

    /** Creates the output folder if needed and checks it can be written, before anything runs. */
    static Path prepareOut(Path out) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot create the folder (" + SafeFiles.reason(e) + ")");
        }
        if (!Files.isDirectory(out)) {
            throw new BadInputException("--out " + out + ": not a folder");
        }
        if (!Files.isWritable(out)) {
            throw new BadInputException("--out " + out + ": not writable");
        }
        return out;
    }

    private static Path createFolder(Path out, String name) {
        try {
            return createUnique(out, name);
        } catch (IOException e) {
            throw new BadInputException("--out " + out + ": cannot create a run folder in it (" + SafeFiles.reason(e)
                    + ")");
        }
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
            } catch (FileAlreadyExistsException e) {
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
}
