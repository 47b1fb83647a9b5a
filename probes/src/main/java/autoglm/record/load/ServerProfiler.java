package autoglm.record.load;

import autoglm.model.load.LoadRequest;
import autoglm.read.load.ServerProfileFile;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * {@code load --server-profile N}: the server's own profiler around a short window of the load (docs/load.md). vLLM
 * and SGLang, and {@code autoglm serve}, start torch.profiler on {@code POST /start_profile} and write its trace on
 * {@code POST /stop_profile}. The window opens when the measured traffic starts and closes once N measured requests
 * have ended (or the load ends first); its edges and when the server had written its trace, in the load's own
 * milliseconds (requests.csv's clock), and each answer are kept in server-profile.json, so that the requests inside
 * it can be told from those outside it.
 */
public final class ServerProfiler {
    private final URI base;
    private final int requests;
    private final DoubleSupplier clockMs;
    /** The whole answer of /start_profile or /stop_profile (the server writes its trace before it answers). */
    public static final long DEADLINE_MS = 120_000;
    /** After a signal: how long /stop_profile is waited for (it was sent; the server stops profiling on its own). */
    public static final long STOP_AFTER_SIGNAL_MS = 5_000;
    /** Larger answers are cut off (the first 2,000 characters are kept). */
    public static final long MAX_ANSWER_BYTES = 1L << 20;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final java.util.concurrent.CompletableFuture<Void> abandoned = new java.util.concurrent.CompletableFuture<>();
    private final AtomicInteger ended = new AtomicInteger();
    private volatile double startMs = Double.NaN;
    private volatile double stopMs = Double.NaN;
    private volatile double writtenMs = Double.NaN;
    private volatile Thread stopping;
    private final List<String> answers = new ArrayList<>();

    /** Profiles the server at {@code base} over {@code requests} measured requests; {@code clockMs}: the load's clock. */
    public ServerProfiler(URI base, int requests, DoubleSupplier clockMs) {
        this.base = base;
        this.requests = requests;
        this.clockMs = clockMs;
    }

    /** Opens the window: the server starts its profiler. */
    public void start() {
        String answer = post("/start_profile");
        if (answer.startsWith("200")) {
            startMs = clockMs.getAsDouble();
        }
    }

    /** A request of the load ended: the window closes (on another thread) once enough measured ones have. */
    public void ended(LoadRequest r) {
        if (!r.warmup() && !Double.isNaN(startMs) && ended.incrementAndGet() == requests) {
            Thread t = new Thread(this::stop, "server-profile-stop");
            t.setDaemon(true);
            stopping = t;
            t.start();
        }
    }

    /**
     * Closes the window now if it is still open, and waits for the server's answer (after {@link #abandon}, at most
     * {@link #STOP_AFTER_SIGNAL_MS}).
     */
    public void finish() throws InterruptedException {
        Thread t = stopping;
        if (t == null && !Double.isNaN(startMs)) {
            t = new Thread(this::stop, "server-profile-stop");
            t.setDaemon(true);
            t.start();
        }
        if (t != null) {
            t.join(abandoned.isDone() ? STOP_AFTER_SIGNAL_MS : DEADLINE_MS + 1_000);
        }
    }

    /** A signal ends the load: /start_profile is given up if it has not answered, finish waits briefly. */
    public void abandon() {
        abandoned.complete(null);
    }

    private synchronized void stop() {
        if (!Double.isNaN(stopMs)) {
            return;
        }
        stopMs = clockMs.getAsDouble();
        post("/stop_profile");
        writtenMs = clockMs.getAsDouble();
    }

    private String post(String path) {
        String answer;
        try {
            // /stop_profile is sent even after a signal (the server would go on profiling): only its wait is cut
            autoglm.util.BoundedHttp http = new autoglm.util.BoundedHttp(client);
            autoglm.util.BoundedHttp.Answer r = (path.equals("/start_profile") ? http.abandonedWhen(abandoned) : http)
                    .post(base.resolve(path), Duration.ofMillis(DEADLINE_MS), MAX_ANSWER_BYTES);
            String body = r.body().length() > 2000 ? r.body().substring(0, 2000) : r.body();
            answer = r.status() + " " + body.strip();
        } catch (IOException e) {
            answer = "error " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = "error interrupted";
        }
        synchronized (answers) {
            answers.add(path + " -> " + answer);
        }
        return answer;
    }

    /** Whether the server started its profiler. */
    public boolean started() {
        return !Double.isNaN(startMs);
    }

    /** The window and the server's answers, as server-profile.json keeps them. */
    public ServerProfileFile record() {
        List<String> said;
        synchronized (answers) {
            said = List.copyOf(answers);
        }
        // written_ms: when /stop_profile answered, the server had written its trace (what it costs the requests then
        // is neither inside the window nor outside it)
        return new ServerProfileFile(requests, known(startMs), known(stopMs), known(writtenMs),
                Math.min(ended.get(), requests), said);
    }

    private static Double known(double ms) {
        return Double.isNaN(ms) ? null : ms;
    }

    /** Writes server-profile.json into the run folder. */
    public void write(Path folder) throws IOException {
        record().write(folder);
    }
}
