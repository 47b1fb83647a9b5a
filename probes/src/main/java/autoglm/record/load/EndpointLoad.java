package autoglm.record.load;

import autoglm.model.load.LoadRequest;
import autoglm.model.load.LoadRecording;
import autoglm.model.load.LoadSettings;
import autoglm.read.load.LoadFiles;
import autoglm.util.BadInputException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * One load test against a running endpoint (docs/load.md): warm-up requests, then the workload under its profile
 * while the server's /metrics is scraped every 500 ms; the requests, the scrapes and the settings are written to the
 * run folder as they are at the end, also after {@link #stop} or {@link #interrupt} (SIGINT, SIGTERM: at once) or a
 * failure (then marked incomplete). The server's page is never waited for before the traffic: the scrapes run on
 * their own thread, and whether the server has metrics at all (for the automatic baseline) is asked at the start,
 * on a thread of its own, while the warm-up runs.
 */
public final class EndpointLoad {
    public static final long SCRAPE_INTERVAL_MS = 500;
    private LoadPlan plan;
    private final Consumer<String> notes;
    private volatile LoadRunner runner;
    private volatile MetricsScraper scraper;
    private volatile ServerProfiler profiler;
    private volatile boolean stopped;
    /** Completed by {@link #interrupt}: every wait of the test gives up. */
    private final java.util.concurrent.CompletableFuture<Void> interrupted = new java.util.concurrent.CompletableFuture<>();
    /** Whether the server's /metrics serves a page: asked at the start, read by the automatic baseline. */
    private java.util.concurrent.CompletableFuture<Boolean> hasMetrics;
    /** How long the traffic waits for the first scrape (its base page) before it starts without it. */
    static final long FIRST_PAGE_WAIT_MS = 1000;
    /** How long the automatic baseline waits for {@link #hasMetrics} when the warm-up did not outlast it. */
    static final long METRICS_PROBE_WAIT_MS = 1_000;
    private volatile Consumer<LoadRequest> onRequest = r -> { };
    private int serverProfile;
    /** Requests of the unloaded baseline; {@link #AUTO_BASELINE}: 5 when the server's /metrics serves no page. */
    private int baseline = AUTO_BASELINE;
    public static final int AUTO_BASELINE = -1;
    static final int AUTO_BASELINE_REQUESTS = 5;
    private volatile MeasuredWindow window = MeasuredWindow.NONE;

    /** Told when the measured traffic starts (after the warm-up) and when it has ended (also after Ctrl-C). */
    public interface MeasuredWindow {
        MeasuredWindow NONE = new MeasuredWindow() {
        };

        /** Just before the first measured request is sent. */
        default void opened() {
        }

        /** Once the last measured request has ended or been given up. */
        default void closed() {
        }
    }

    public EndpointLoad(LoadPlan plan, Consumer<String> notes) {
        this.plan = plan;
        this.notes = notes;
    }

    /** Called with each request as it ends (warm-ups included, marked): {@code --prometheus-port} serves them. */
    public EndpointLoad onRequest(Consumer<LoadRequest> listener) {
        this.onRequest = listener;
        return this;
    }

    /**
     * {@code load --baseline N}: N requests one at a time after the warm-up, before the measured load, kept apart as
     * the unloaded baseline (docs/load.md#baseline); {@link #AUTO_BASELINE} sends 5 when the server's /metrics serves
     * no page (Ollama), none otherwise.
     */
    public EndpointLoad baseline(int requests) {
        this.baseline = requests;
        return this;
    }

    /** {@code load --server-profile N}: the server's profiler around the first N measured requests (ServerProfiler). */
    public EndpointLoad serverProfile(int requests) {
        this.serverProfile = requests;
        return this;
    }

    /** {@code load --serve --kernels}: the kernel recorders are flushed at the window's edges (KernelWindow). */
    public EndpointLoad onWindow(MeasuredWindow w) {
        this.window = w;
        return this;
    }

    /** Ends the test early: nothing new is sent, requests in flight are awaited, what was measured is kept. */
    public void stop() {
        stopped = true;
        LoadRunner r = runner;
        if (r != null) {
            r.stop();
        }
    }

    /**
     * Ends the test now (SIGINT, SIGTERM; from any thread): nothing new is sent, the requests in flight are recorded
     * as interrupted without waiting for their answers ({@link LoadRunner#abort}), a scrape in progress is given up
     * and no last one taken, and {@link #run} writes what was measured and returns.
     */
    public void interrupt() {
        stopped = true;
        interrupted.complete(null);
        LoadRunner r = runner;
        if (r != null) {
            r.abort();
        }
        MetricsScraper s = scraper;
        if (s != null) {
            s.abandon();
        }
        ServerProfiler p = profiler;
        if (p != null) {
            p.abandon();
        }
    }

    /** Runs the test and writes its files into {@code folder}; {@code serveCommand} is recorded (may be empty). */
    public LoadRecording run(Path folder, List<String> serveCommand) throws IOException {
        if (plan.model() == null) {
            plan = plan.withModel(Endpoint.firstModel(plan.base(), interrupted));
            notes.accept("model " + plan.model() + " (the first of /v1/models)");
        }
        hasMetrics = baseline == AUTO_BASELINE && plan.metricsUrl() != null
                && !plan.workload().equals(LoadPlan.REPLAY) ? MetricsScraper.probe(plan.metricsUrl()) : null;
        ExecutorService pool = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "load-client");
            t.setDaemon(true);
            return t;
        });
        StreamClient client = new StreamClient(Duration.ofMillis((long) plan.timeoutMs()), pool);
        LoadRunner run = new LoadRunner(client, plan.endpoint());
        ServerProfiler profiler = serverProfile > 0 ? new ServerProfiler(plan.base(), serverProfile, run::elapsedMs) : null;
        this.profiler = profiler;
        Consumer<LoadRequest> listener = onRequest;
        run.onRequest(profiler == null ? listener : r -> {
            profiler.ended(r);
            listener.accept(r);
        });
        this.runner = run;
        long startedEpoch = System.currentTimeMillis();
        MetricsScraper scraper = plan.metricsUrl() == null ? null
                : new MetricsScraper(plan.metricsUrl(), run.t0Ns(), SCRAPE_INTERVAL_MS);
        this.scraper = scraper;
        if (interrupted.isDone()) {
            interrupt(); // a signal came before the runner, the scraper or the profiler existed
        } else if (stopped) {
            run.stop();
        }
        boolean complete = false;
        boolean opened = false;
        try {
            warmup(run);
            baseline(run);
            window.opened();
            opened = true;
            if (scraper != null) {
                scraper.start();
                if (!scraper.awaitFirst(FIRST_PAGE_WAIT_MS)) {
                    notes.accept("the server's /metrics page did not come within " + FIRST_PAGE_WAIT_MS + " ms: the "
                            + "traffic began without it, and the server's counters and histograms count from the first "
                            + "page that came, after the first requests (docs/load.md#limits)");
                }
            }
            if (!Double.isNaN(plan.durationMs())) {
                run.deadline(run.elapsedMs() + plan.durationMs());
            }
            if (profiler != null) {
                profiler.start();
                if (!profiler.started()) {
                    notes.accept("--server-profile: the server did not start its profiler: "
                            + profiler.record().answers());
                }
            }
            traffic(run);
            complete = !run.stopped();
            if (run.cutAnswers() > 0) {
                String limit = String.format(java.util.Locale.ROOT, "%,d", StreamClient.MAX_TEXT_CHARS);
                notes.accept("agent answers with more than " + limit + " characters of reasoning or of answer text: "
                        + run.cutAnswers() + "; the next step of each session re-sent only the first " + limit
                        + " (docs/load.md#limits)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (opened) {
                window.closed();
            }
            if (profiler != null) {
                finish(profiler);
            }
            if (scraper != null) {
                scraper.close();
            }
            pool.shutdownNow();
        }
        LoadRecording rec = new LoadRecording(settings(serveCommand, startedEpoch), run.requests(),
                scraper == null ? List.of() : scraper.scrapes(), scraper == null ? java.util.Map.of() : scraper.errors(),
                run.elapsedMs(), complete, run.baseline(), scraper == null ? List.of() : scraper.log());
        LoadFiles.write(folder, rec);
        if (profiler != null) {
            profiler.write(folder);
        }
        return rec;
    }

    /** Closes the server's profiling window, also after Ctrl-C or a failure (the server would go on profiling). */
    private static void finish(ServerProfiler profiler) {
        try {
            profiler.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void warmup(LoadRunner run) {
        for (int i = 0; i < plan.warmup() && !run.stopped(); i++) {
            Prepared p = switch (plan.workload()) {
                case LoadPlan.AGENT -> LoadRunner.agents(plan.model(), plan.scaledWidth(), plan.scaledHeight(),
                        plan.imageFile(), plan.seed() + 1_000_000 + i, true, plan.thinkMinMs(), plan.thinkMaxMs()).create(0)
                        .next(null, null);
                default -> synthetic().get(-1 - i);
            };
            Outcome o = run.sendNow(p, true);
            if (!o.status().equals("ok") && i == 0 && o.status().equals("refused")) {
                throw new BadInputException(plan.endpoint() + ": the connection was refused (" + o.error() + ")");
            }
        }
    }

    /** The unloaded baseline: requests drawn as the load's are (other seeds), one at a time. */
    private void baseline(LoadRunner run) {
        int n = baseline;
        if (plan.workload().equals(LoadPlan.REPLAY)) {
            if (n > 0) {
                notes.accept("--baseline " + n + ": not sent for replayed traffic (no request of the file stands for "
                        + "an unloaded one)");
            }
            return;
        }
        if (n == AUTO_BASELINE) {
            // with --no-server-metrics nothing says the server lacks metrics: no baseline unless asked for
            Boolean has = plan.metricsUrl() == null ? Boolean.TRUE : engineMetrics();
            if (has == null) {
                notes.accept("the server's /metrics has not answered yet: no unloaded baseline is measured (--baseline "
                        + "N measures one)");
            }
            n = has == null || has ? 0 : AUTO_BASELINE_REQUESTS;
            if (n > 0) {
                notes.accept("the server serves no metrics at " + plan.metricsUrl() + ": measuring an unloaded "
                        + "baseline of " + n + " requests one at a time (--baseline 0 to skip it)");
            }
        }
        for (int i = 0; i < n && !run.stopped(); i++) {
            Prepared p = switch (plan.workload()) {
                case LoadPlan.AGENT -> LoadRunner.agents(plan.model(), plan.scaledWidth(), plan.scaledHeight(),
                        plan.imageFile(), plan.seed() + 2_000_000 + i, true, plan.thinkMinMs(), plan.thinkMaxMs())
                        .create(0).next(null, null);
                default -> synthetic().get(-1_000 - i);
            };
            run.sendBaseline(p);
        }
    }

    /**
     * Whether the server's /metrics served a page when asked at the start ({@link MetricsScraper#probe}), waiting at
     * most {@link #METRICS_PROBE_WAIT_MS} more for the answer; null when it has not come.
     */
    private Boolean engineMetrics() {
        try {
            java.util.concurrent.CompletableFuture.anyOf(hasMetrics, interrupted).get(METRICS_PROBE_WAIT_MS,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // not answered yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return hasMetrics.getNow(null);
    }

    private SyntheticRequests synthetic() {
        return new SyntheticRequests(plan.model(), plan.chat(), plan.inputLen(), plan.inputSpread(), plan.outputLen(),
                plan.imageFile() != null || plan.imageWidth() > 0 ? plan.scaledWidth() : 0, plan.scaledHeight(),
                plan.imageFile(), plan.seed());
    }

    private void traffic(LoadRunner run) throws InterruptedException {
        switch (plan.workload()) {
            case LoadPlan.AGENT -> run.runAgent(plan.sessions(), plan.steps(), plan.profile(), LoadRunner.agents(
                    plan.model(), plan.scaledWidth(), plan.scaledHeight(), plan.imageFile(), plan.seed(), true,
                    plan.thinkMinMs(), plan.thinkMaxMs()),
                    plan.seed());
            case LoadPlan.REPLAY -> {
                List<Prepared> all = ReplayRequests.read(plan.replay(), plan.model(), plan.chat());
                boolean offsets = plan.profile() == null && all.stream().anyMatch(p -> !Double.isNaN(p.offsetMs()));
                int count = plan.requests() > 0 ? Math.min(plan.requests(), all.size()) : all.size();
                List<Prepared> use = new ArrayList<>(all.subList(0, count));
                run.runIndependent(k -> k < use.size() ? use.get(k) : null, count,
                        plan.profile() == null ? Profile.parse("sync") : plan.profile(), offsets, plan.seed());
            }
            default -> {
                SyntheticRequests s = synthetic();
                int count = plan.requests() > 0 ? plan.requests() : Integer.MAX_VALUE;
                run.runIndependent(s::get, count, plan.profile(), false, plan.seed());
            }
        }
    }

    private LoadSettings settings(List<String> serveCommand, long startedEpoch) {
        Profile p = plan.profile() == null ? Profile.parse("sync") : plan.profile();
        String profileText = plan.workload().equals(LoadPlan.AGENT) && !p.openLoop()
                ? plan.sessions() + " sessions" : p.toString();
        return new LoadSettings(plan.base().toString(), plan.model(), plan.chat() ? "chat" : "completions",
                plan.workload(), profileText, p.openLoop() ? p.rate() : Double.NaN,
                p.kind() == Profile.Kind.CONCURRENT ? p.concurrency() : (p.kind() == Profile.Kind.SYNC ? 1 : 0),
                p.burstiness(), plan.sessions(), plan.steps(), plan.seed(), plan.warmup(),
                plan.workload().equals(LoadPlan.SYNTHETIC) && plan.imageWidth() == 0 && plan.imageFile() == null ? 0
                        : plan.scaledWidth(), plan.scaledHeight(), plan.sloTtftMs(), plan.sloTpotMs(), plan.sloE2elMs(),
                plan.metricsUrl() == null ? "" : plan.metricsUrl().toString(), serveCommand, startedEpoch,
                plan.timeoutMs());
    }
}
