package autoglm.record.load;

import autoglm.model.load.LoadRequest;
import java.net.URI;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Drives the traffic (docs/load.md#profiles) and records every request. Closed loop (sync, concurrent:N, agent
 * sessions): a request is scheduled when its worker or session is ready. Open loop (constant, poisson, replay
 * offsets): at its arrival time, whatever the server or the client is doing; the client's lag behind the schedule
 * is kept as its wait, and latency counts from the schedule. {@link #stop} ends it early: nothing new is sent,
 * requests in flight are awaited up to the client's timeout. {@link #abort} ends it now (SIGINT, SIGTERM): every wait
 * returns, the requests in flight are recorded at once as {@link LoadRequest#INTERRUPTED} (their answers are left
 * to the process's end), and what ended before is kept.
 */
public final class LoadRunner {
    private final StreamClient client;
    private final URI endpoint;
    private final List<LoadRequest> rows = Collections.synchronizedList(new ArrayList<>());
    private final List<LoadRequest> baseline = new ArrayList<>();
    private final AtomicInteger index = new AtomicInteger();
    private final AtomicInteger cutAnswers = new AtomicInteger();
    private final long t0 = System.nanoTime();
    private volatile boolean stopped;
    private volatile long deadlineNs = Long.MAX_VALUE;
    private volatile java.util.function.Consumer<LoadRequest> onRequest = r -> { };
    private final CompletableFuture<Void> aborted = new CompletableFuture<>();
    /** Set under the lock of {@code pending} by {@link #abort}: a request registered after is recorded at once. */
    private boolean abortedFlag;
    /** Requests sent and not yet recorded, by a number of their own: whoever removes one records it. */
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong pendingIds = new AtomicLong();

    /** A request in flight: when it was sent, and where its outcome goes. */
    private record Pending(long sentNs, Consumer<Outcome> sink) {
    }

    public LoadRunner(StreamClient client, URI endpoint) {
        this.client = client;
        this.endpoint = endpoint;
    }

    /** Called with each request as it ends (warm-ups included, marked), from the thread that waited for it. */
    public void onRequest(java.util.function.Consumer<LoadRequest> listener) {
        this.onRequest = listener;
    }

    /** No request is scheduled after this many milliseconds from the start. */
    public void deadline(double durationMs) {
        deadlineNs = t0 + (long) (durationMs * 1e6);
    }

    public void stop() {
        stopped = true;
    }

    /** Ends the load now: see the class's comment. */
    public void abort() {
        synchronized (pending) {
            stopped = true;
            abortedFlag = true;
            for (Long id : pending.keySet()) {
                Pending p = pending.remove(id);
                if (p != null) {
                    p.sink().accept(Outcome.interrupted(p.sentNs()));
                }
            }
        }
        client.cancelAll(); // recorded first: the cancelled futures' outcomes find nothing left to claim
        // last: whoever waits on it wakes to every request in flight already recorded (the run is then written)
        aborted.complete(null);
    }

    /** Completes when {@link #abort} is called. */
    public CompletableFuture<Void> aborted() {
        return aborted;
    }

    /** Registers a request sent now; the number its outcome is claimed by. */
    private long register(Consumer<Outcome> sink) {
        long id = pendingIds.incrementAndGet();
        synchronized (pending) {
            if (abortedFlag) {
                sink.accept(Outcome.interrupted(System.nanoTime())); // abort() has run: recorded now, never sent
            } else {
                pending.put(id, new Pending(System.nanoTime(), sink));
            }
        }
        return id;
    }

    /** Hands {@code o} to its sink unless {@link #abort} recorded the request already; whether it did. */
    private boolean claim(long id, Outcome o) {
        Pending p = pending.remove(id);
        if (p == null) {
            return false;
        }
        p.sink().accept(o);
        return true;
    }

    /** Sends {@code p}'s body and waits until its answer ends or the load is aborted; the outcome recorded. */
    private Outcome sendAndWait(Prepared p, Consumer<Outcome> sink) {
        java.util.concurrent.atomic.AtomicReference<Outcome> recorded = new java.util.concurrent.atomic.AtomicReference<>();
        long id = register(o -> {
            recorded.set(o);
            sink.accept(o);
        });
        if (recorded.get() != null) {
            return recorded.get(); // aborted already: not sent
        }
        CompletableFuture<Outcome> f = client.send(endpoint, p.body());
        CompletableFuture.anyOf(f, aborted).join();
        if (f.isDone()) {
            claim(id, f.join());
        }
        Outcome o = recorded.get(); // claimed, or recorded by abort() before it completed `aborted`
        return o != null ? o : Outcome.interrupted(System.nanoTime());
    }

    /** Sleeps {@code nanos}, or less when the load is aborted meanwhile. */
    private void pause(long nanos) throws InterruptedException {
        if (nanos <= 0) {
            return;
        }
        try {
            aborted.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the time has passed
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public boolean stopped() {
        return stopped;
    }

    public List<LoadRequest> requests() {
        synchronized (rows) {
            List<LoadRequest> out = new ArrayList<>(rows);
            out.sort((a, b) -> Integer.compare(a.index(), b.index()));
            return out;
        }
    }

    private boolean over() {
        return stopped || System.nanoTime() >= deadlineNs;
    }

    /** Sends one request now and waits for its end. */
    public Outcome sendNow(Prepared p, boolean warmup) {
        long scheduled = System.nanoTime();
        int i = index.getAndIncrement();
        return sendAndWait(p, o -> record(i, p, warmup, scheduled, o));
    }

    /** Sends one request of the unloaded baseline now and waits for its end; kept apart from the load's. */
    public Outcome sendBaseline(Prepared p) {
        long scheduled = System.nanoTime();
        return sendAndWait(p, o -> {
            synchronized (baseline) {
                baseline.add(row(baseline.size(), p, false, scheduled, o));
            }
        });
    }

    /** The baseline's requests, in the order sent. */
    public List<LoadRequest> baseline() {
        synchronized (baseline) {
            return List.copyOf(baseline);
        }
    }

    /** Independent requests (synthetic, replay): {@code source} gives request i, null when there are no more. */
    public void runIndependent(IntFunction<Prepared> source, int count, Profile profile, boolean offsets, long seed)
            throws InterruptedException {
        if (profile.openLoop() || offsets) {
            double[] at = offsets ? null : profile.arrivalsMs(count, seed);
            List<CompletableFuture<Void>> inflight = new ArrayList<>();
            for (int k = 0; k < count && !over(); k++) {
                Prepared p = source.apply(k);
                if (p == null) {
                    break;
                }
                double offset = offsets ? p.offsetMs() : at[k];
                long scheduled = t0 + (long) (offset * 1e6);
                if (scheduled >= deadlineNs) {
                    break;
                }
                pause(scheduled - System.nanoTime());
                if (stopped) {
                    break;
                }
                int i = index.getAndIncrement();
                long id = register(o -> record(i, p, false, scheduled, o));
                inflight.add(client.send(endpoint, p.body()).thenAccept(o -> claim(id, o)));
            }
            CompletableFuture.anyOf(CompletableFuture.allOf(inflight.toArray(new CompletableFuture[0])), aborted)
                    .join();
            return;
        }
        int width = profile.kind() == Profile.Kind.SYNC ? 1 : profile.concurrency();
        AtomicInteger next = new AtomicInteger();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < width; w++) {
            Thread t = new Thread(() -> {
                while (!over()) {
                    int k = next.getAndIncrement();
                    if (k >= count) {
                        return;
                    }
                    Prepared p = source.apply(k);
                    if (p == null) {
                        return;
                    }
                    sendNow(p, false);
                }
            }, "load-worker-" + w);
            t.setDaemon(true);
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
    }

    /**
     * The agent workload: {@code sessions} phone sessions of {@code steps} steps, each a closed loop with its think
     * time; sessions start together, or at the open-loop profile's arrivals.
     */
    public void runAgent(int sessions, int steps, Profile profile, AgentFactory factory, long seed)
            throws InterruptedException {
        double[] starts = profile.openLoop() ? profile.arrivalsMs(sessions, seed) : new double[sessions];
        List<Thread> threads = new ArrayList<>();
        PromptEstimate[] firstOfSession0 = new PromptEstimate[1];
        for (int s = 0; s < sessions; s++) {
            final int session = s;
            Thread t = new Thread(() -> {
                try {
                    long startNs = t0 + (long) (starts[session] * 1e6);
                    pause(startNs - System.nanoTime());
                    AgentSession a = factory.create(session + 1);
                    Outcome previous = null;
                    for (int step = 1; step <= steps && !over(); step++) {
                        if (previous != null && previous.textCut()) {
                            cutAnswers.incrementAndGet(); // this step's history holds what was kept of it
                        }
                        Prepared p = a.next(previous, session == 0 ? null : firstOfSession0[0]);
                        if (session == 0 && step == 1) {
                            firstOfSession0[0] = a.lastEstimate();
                        }
                        previous = sendNow(p, false);
                        if (!previous.status().equals(LoadRequest.OK)) {
                            previous = null; // the phone would retry with what it has: no answer to add
                        }
                        if (step < steps) {
                            pause(a.thinkMs() * 1_000_000L);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "load-session-" + (s + 1));
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    /**
     * Agent answers whose reasoning or answer text passed {@link StreamClient#MAX_TEXT_CHARS}: the session's next step
     * re-added what was kept of them (docs/load.md#limits).
     */
    public int cutAnswers() {
        return cutAnswers.get();
    }

    /** Makes session N (1-based). */
    public interface AgentFactory {
        AgentSession create(int session);
    }

    public static AgentFactory agents(String model, int width, int height, byte[] image, long seed, boolean stream,
            double thinkMinMs, double thinkMaxMs) {
        LocalDate today = LocalDate.now();
        return session -> new AgentSession(session, model, width, height, image, seed, today, stream, thinkMinMs,
                thinkMaxMs);
    }

    private void record(int i, Prepared p, boolean warmup, long scheduledNs, Outcome o) {
        LoadRequest row = row(i, p, warmup, scheduledNs, o);
        rows.add(row);
        onRequest.accept(row);
    }

    private LoadRequest row(int i, Prepared p, boolean warmup, long scheduledNs, Outcome o) {
        int n = o.chunkNs().size();
        double[] chunks = new double[n];
        for (int k = 0; k < n; k++) {
            chunks[k] = ms(o.chunkNs().get(k));
        }
        double first = n > 0 ? chunks[0] : Double.NaN;
        double end = n > 0 ? chunks[n - 1] : Double.NaN;
        double firstText = o.firstTextNs() >= 0 ? ms(o.firstTextNs()) : Double.NaN;
        double thinkingEnd = o.answerNs() >= 0 ? ms(o.answerNs()) : Double.NaN;
        LoadRequest row = new LoadRequest(i, p.session(), p.step(), warmup, ms(scheduledNs), ms(o.sentNs()), first,
                firstText, thinkingEnd, end, o.promptTokens(), o.completionTokens(), o.completionTokens() < 0, -1,
                p.imageTokensEst(), p.repeatedPrefixTokens(), p.promptTokensEst(), o.status(), o.httpStatus(), o.error(),
                chunks, o.textChunks());
        return row;
    }

    /** Milliseconds since the start, to the microsecond: the resolution requests.csv keeps every time at. */
    private double ms(long ns) {
        return Math.round((ns - t0) / 1e3) / 1e3;
    }

    /** The runner's zero (System.nanoTime): every time of the run counts from it. */
    public long t0Ns() {
        return t0;
    }

    /** Milliseconds since the runner was made. */
    public double elapsedMs() {
        return ms(System.nanoTime());
    }
}
