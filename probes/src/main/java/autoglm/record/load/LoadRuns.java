package autoglm.record.load;

import autoglm.diagnose.Diagnosed;
import autoglm.diagnose.Diagnoser;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadRequest;
import autoglm.model.run.RunInfo;
import autoglm.record.export.PrometheusExport;
import autoglm.record.run.Signals;
import autoglm.record.workload.ServeLaunch;
import autoglm.record.workload.WorkloadPackage;
import autoglm.report.RunFolderFiles;
import autoglm.util.BadInputException;
import autoglm.util.SafeText;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Loads of one endpoint, each into a run folder of its own under {@code out}, diagnosed, its report.html written
 * ({@link RunFolderFiles}), and judged: whether it ran to its end, was interrupted, or failed (the server failed or
 * went away, no request succeeded). Against a server that runs already, or, given the server's command
 * ({@link #serve}), with the server started under the probes for each load and stopped after. What {@code autoglm
 * load} does for one load, a sweep ({@link LoadSweep}) and each re-run of --verify ({@link LoadVerify}).
 */
public final class LoadRuns {
    private final Path out;
    private final Diagnoser diagnoser;
    private final Consumer<String> notes;
    private List<String> command = List.of();
    private String python;
    private double readyTimeoutMs = 600_000;
    private Path injection;
    private int serverProfile;
    private int baseline = EndpointLoad.AUTO_BASELINE;
    private PrometheusExport export;
    private Function<String, AutoCloseable> whileServed = name -> () -> { };

    public LoadRuns(Path out, Diagnoser diagnoser, Consumer<String> notes) {
        this.out = out;
        this.diagnoser = diagnoser;
        this.notes = notes;
    }

    /**
     * Starts the server with {@code command} (argv; {@code autoglm serve ...} runs the reference server with
     * {@code python}, null to find one) under the probes for every load, waiting up to {@code readyTimeoutMs} for it to
     * answer.
     */
    public LoadRuns serve(List<String> command, String python, double readyTimeoutMs) {
        this.command = List.copyOf(command);
        this.python = python;
        this.readyTimeoutMs = readyTimeoutMs;
        return this;
    }

    /** The CUPTI library injected into the served server (load --kernels); null for none. */
    public LoadRuns kernels(Path injection) {
        this.injection = injection;
        return this;
    }

    /** Profiles the server with its own torch.profiler over the first {@code n} measured requests; 0 for none. */
    public LoadRuns serverProfile(int n) {
        this.serverProfile = n;
        return this;
    }

    /** Requests of the unloaded baseline, or {@link EndpointLoad#AUTO_BASELINE}. */
    public LoadRuns baseline(int n) {
        this.baseline = n;
        return this;
    }

    /** The Prometheus endpoint told of each run, its samples and its requests (load --prometheus-port); or null. */
    public LoadRuns export(PrometheusExport export) {
        this.export = export;
        return this;
    }

    /** Opened (with the run's name) while a served load runs, closed after: the CLI's progress in the title. */
    public LoadRuns whileServed(Function<String, AutoCloseable> open) {
        this.whileServed = open;
        return this;
    }

    /** The server's command, empty against a server that runs already. */
    public List<String> command() {
        return command;
    }

    public boolean served() {
        return !command.isEmpty();
    }

    Consumer<String> notes() {
        return notes;
    }

    /** One load named {@code name}: served with the server's command when one was given, else against the server. */
    public LoadRun run(LoadPlan plan, String name) throws IOException {
        return served() ? run(plan, command, name) : unserved(plan, name);
    }

    /** Against a server that runs already. */
    private LoadRun unserved(LoadPlan plan, String name) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("autoglm", "load", plan.base().toString()));
        LoadFolder folder = LoadFolder.create(out, name, cmd);
        EndpointLoad test = new EndpointLoad(plan, notes).serverProfile(serverProfile).baseline(baseline);
        if (export != null) {
            export.run(folder.path().getFileName().toString());
            test.onRequest(export::request);
        }
        String[] signal = new String[1];
        LoadRecording rec;
        try (Signals signals = new Signals(s -> {
            signal[0] = s;
            notes.accept("got SIG" + s + ": stopping the load now; requests in flight are cut short (counted as "
                    + "interrupted)");
            test.interrupt();
        })) {
            rec = test.run(folder.path(), List.of());
        } catch (RuntimeException e) {
            folder.finish(RunInfo.FAILED, false, "the load failed: " + line(e));
            throw e;
        }
        String gone = wentAway(rec);
        gone = gone != null ? gone : noneSucceeded(rec);
        if (signal[0] != null) {
            folder.finish(RunInfo.INTERRUPTED, false, "autoglm got SIG" + signal[0] + " and stopped the load early");
        } else if (gone != null) {
            folder.finish(RunInfo.FAILED, false, gone);
        } else {
            folder.finish(RunInfo.EXITED, rec.complete(), "the load ran to its end");
        }
        notes.accept("run kept in " + folder.path());
        return finish(folder.path(), rec, gone, signal[0]);
    }

    private static String line(Throwable e) {
        String m = e.getMessage();
        return SafeText.oneLine(m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
    }

    /** "no request succeeded (http-404 x3; the first: ...)" when every measured request failed, else null. */
    public static String noneSucceeded(LoadRecording rec) {
        if (rec.measured().isEmpty() || rec.measured().stream().anyMatch(LoadRequest::ok)) {
            return null;
        }
        Map<String, Long> kinds = new TreeMap<>();
        rec.measured().forEach(r -> kinds.merge(r.status(), 1L, Long::sum));
        String first = rec.measured().get(0).error();
        return "no request succeeded (" + kinds.toString().replaceAll("[{}]", "").replace("=", " x")
                + (first == null ? "" : "; the first: " + first) + ")";
    }

    /** Why the server is taken to have gone away or hung during the load (refused, reset, timed out), or null. */
    public static String wentAway(LoadRecording rec) {
        long lost = rec.requests().stream().filter(r -> r.status().equals("refused") || r.status().equals("reset")
                || r.status().equals("timeout")).count();
        return lost == 0 ? null : "the server went away or stopped answering during the load (" + lost + " of "
                + rec.requests().size() + " requests refused, reset or timed out)";
    }

    /** The server started with {@code cmd} under the probes, the load into its run folder. */
    LoadRun run(LoadPlan plan, List<String> cmd, String name) throws IOException {
        List<String> argv = cmd;
        Map<String, String> env = Map.of();
        if (ServeLaunch.isAutoglmServe(cmd)) {
            try {
                ServeLaunch l = ServeLaunch.of(cmd.subList(2, cmd.size()), python, System.getenv());
                argv = l.argv();
                env = l.env();
            } catch (WorkloadPackage.Unavailable e) {
                throw new BadInputException("--serve autoglm serve: " + e.getMessage());
            }
        }
        Path staging = null;
        if (serverProfile > 0) {
            // the server writes its traces here (vLLM's and SGLang's variables; autoglm serve reads vLLM's); they are
            // moved into the run folder once it exists and the load has ended
            staging = Files.createDirectories(out.resolve(".server-profile-" + name + "-" + System.nanoTime()))
                    .toAbsolutePath();
            Map<String, String> e = new HashMap<>(env);
            e.put("VLLM_TORCH_PROFILER_DIR", staging.toString());
            e.put("SGLANG_TORCH_PROFILER_DIR", staging.toString());
            env = e;
        }
        ServedLoad.Extras extras = (export == null ? ServedLoad.Extras.NONE : new ServedLoad.Extras(
                f -> export.run(f.getFileName().toString()), export, export::request, 0, null))
                .withServerProfile(serverProfile).withInjection(injection).withBaseline(baseline);
        ServedLoad.Result r;
        try (AutoCloseable watching = whileServed.apply(name)) {
            r = ServedLoad.run(argv, env, name, out, new RunInfo.Settings(100, 100, 200), plan, readyTimeoutMs, notes,
                    extras);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        notes.accept("run kept in " + r.folder());
        if (staging != null) {
            collect(staging, r.folder());
        }
        String problem = r.problem();
        if (problem == null && r.server().info().exitCode() != null && !r.server().info().complete()) {
            problem = "the server failed during the load (" + r.server().info().note() + ")";
        }
        return finish(r.folder(), r.load(), problem, r.interruptedBy());
    }

    /** Moves every file of {@code staging} into {@code folder}/server-profile/ and removes {@code staging}. */
    private static void collect(Path staging, Path folder) throws IOException {
        Path into = Files.createDirectories(folder.resolve("server-profile"));
        try (Stream<Path> s = Files.list(staging)) {
            for (Path p : s.toList()) {
                Files.move(p, into.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.deleteIfExists(staging);
    }

    /** The folder diagnosed and its report written; the load's outcome. */
    private LoadRun finish(Path folder, LoadRecording rec, String problem, String interruptedBy) {
        if (problem == null && rec != null) {
            problem = noneSucceeded(rec);
        }
        Diagnosed d = diagnoser.diagnoseRun(folder, notes);
        LoadRecording read = d.run() != null && d.run().load() != null ? d.run().load() : rec;
        RunFolderFiles.write(folder, d.diagnosis(), null, read);
        return new LoadRun(folder, d, read, problem, interruptedBy);
    }
}
