package autoglm.record.load;

import autoglm.model.load.LoadRecording;
import autoglm.model.run.RunInfo;
import autoglm.record.SampleListener;
import autoglm.record.run.Profiler;
import autoglm.record.run.RunningCommand;
import autoglm.util.BadInputException;
import autoglm.util.BoundedHttp;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * {@code autoglm load --serve -- CMD...} (docs/load.md#serve): starts the server under the probes (its argv, never a
 * shell; NVML/GPM and host sampled; its output kept as server.log in the run folder), waits until /health or
 * /v1/models answers 200, runs the load test into the same run folder, then stops the server (SIGTERM to its
 * process group, SIGKILL 5 s later). A server that exits or never becomes ready is bad input, its run kept.
 */
public final class ServedLoad {
    public static final String LOG = "server.log";
    /** One look at /health or /v1/models while the server starts: the whole answer. */
    static final long READY_LOOK_MS = 2_000;
    /** Larger answers to those looks are not ready. */
    static final long READY_MAX_BYTES = 4L << 20;

    /** The run: its folder, how the server's run ended, and the load (null when it never ran: {@code problem}). */
    public record Result(Path folder, Profiler.Result server, LoadRecording load, String problem,
            String interruptedBy) {
    }

    private ServedLoad() {
    }

    public static Result run(List<String> argv, Map<String, String> env, String name, Path out,
            RunInfo.Settings settings, LoadPlan plan, double readyTimeoutMs, Consumer<String> notes) throws IOException {
        return run(argv, env, name, out, settings, plan, readyTimeoutMs, notes, Extras.NONE);
    }

    /**
     * What else the run does as it goes: who hears of it ({@code --prometheus-port}: the run folder once made, each
     * sample of the server's GPU and host, each request as it ends), the server's profiling window
     * ({@code --server-profile N}: N measured requests, 0 for none), and the CUPTI library injected into the server
     * ({@code --kernels}; null for none).
     */
    public record Extras(Consumer<Path> folder, autoglm.record.SampleListener samples,
            Consumer<autoglm.model.load.LoadRequest> requests, int serverProfile, Path injection, int baseline) {
        public static final Extras NONE = new Extras(f -> { }, null, r -> { }, 0, null, EndpointLoad.AUTO_BASELINE);

        public Extras(Consumer<Path> folder, autoglm.record.SampleListener samples,
                Consumer<autoglm.model.load.LoadRequest> requests, int serverProfile, Path injection) {
            this(folder, samples, requests, serverProfile, injection, EndpointLoad.AUTO_BASELINE);
        }

        public Extras withServerProfile(int n) {
            return new Extras(folder, samples, requests, n, injection, baseline);
        }

        public Extras withInjection(Path library) {
            return new Extras(folder, samples, requests, serverProfile, library, baseline);
        }

        /** load --baseline: requests of the unloaded baseline, or EndpointLoad.AUTO_BASELINE. */
        public Extras withBaseline(int n) {
            return new Extras(folder, samples, requests, serverProfile, injection, n);
        }
    }

    /** As above, with {@code extras}: who is told of the folder, the samples and the requests; profiling; kernels. */
    public static Result run(List<String> argv, Map<String, String> env, String name, Path out,
            RunInfo.Settings settings, LoadPlan plan, double readyTimeoutMs, Consumer<String> notes,
            Extras extras) throws IOException {
        EndpointLoad test = new EndpointLoad(plan, notes);
        test.onRequest(extras.requests());
        test.serverProfile(extras.serverProfile());
        test.baseline(extras.baseline());
        RunningCommand server;
        try {
            server = Profiler.withNvml(notes).start(new Profiler.Request(argv, name, out,
                    settings.withKernels(extras.injection() != null), 10_000, extras.injection(), env, LOG),
                    extras.samples() != null ? extras.samples() : SampleListener.NONE);
        } catch (IOException e) {
            throw new BadInputException("--serve: the server could not be started: " + e.getMessage());
        }
        // before the server gets the signal: its streams end as interrupted, not as resets
        server.interrupted().thenRun(test::interrupt);
        Path folder = server.folder();
        extras.folder().accept(folder);
        KernelWindow kernels = extras.injection() != null ? new KernelWindow(server, notes) : null;
        if (kernels != null) {
            test.onWindow(kernels);
        }
        notes.accept("server started; its output goes to " + folder.resolve(LOG));
        String problem = awaitReady(plan.base(), readyTimeoutMs, server.result());
        LoadRecording load = null;
        RuntimeException failure = null;
        try {
            if (problem == null && server.interruptedBy() == null) {
                notes.accept("server ready at " + plan.base() + ": load running");
                load = test.run(folder, argv);
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            if (load != null) {
                server.stop();
            } else {
                server.stop(problem != null ? problem : failure != null ? "the load failed: " + failure.getMessage()
                        : "interrupted before the load ran");
            }
        }
        Profiler.Result r;
        try {
            r = server.result().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            throw new IOException("the server's run did not finish: " + e);
        }
        if (kernels != null) {
            kernels.cut(folder); // the server has exited: its recordings are whole
        }
        if (failure != null) {
            throw failure;
        }
        if (load == null && problem == null) {
            problem = "interrupted before the server was ready";
        }
        return new Result(folder, r, load, problem, r.interruptedBy());
    }

    /** Null once /health or /v1/models answers 200; else why not (the server exited, or the time ran out). */
    static String awaitReady(URI base, double timeoutMs, CompletableFuture<?> server) {
        // each look bounded as a whole (a /health that answers a byte a second is not ready), and given up when the
        // server exits
        BoundedHttp http = new BoundedHttp(BoundedHttp.client(Duration.ofSeconds(2))).abandonedWhen(server);
        long deadline = System.nanoTime() + (long) (timeoutMs * 1e6);
        while (System.nanoTime() < deadline) {
            if (server.isDone()) {
                return "the server exited before it was ready (see " + LOG + " in the run folder)";
            }
            for (String path : new String[] {"/health", "/v1/models"}) {
                try {
                    BoundedHttp.Answer r = http.text(base.resolve(path), Duration.ofMillis(READY_LOOK_MS),
                            READY_MAX_BYTES);
                    if (r.status() == 200) {
                        return null;
                    }
                } catch (IOException e) {
                    // not listening yet
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return "interrupted while waiting for the server";
                }
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while waiting for the server";
            }
        }
        return "the server was not ready within " + Math.round(timeoutMs / 1000) + " s (neither /health nor /v1/models "
                + "answered 200; see " + LOG + ")";
    }
}
