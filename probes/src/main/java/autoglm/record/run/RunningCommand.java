package autoglm.record.run;

import autoglm.record.Sampler;
import autoglm.record.cupti.CuptiControl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A command {@link Profiler#start started} under the probes: its run folder, how it ends, and what its caller may ask
 * of it while it runs (stop it, flush its kernel recorders). A thread of its own waits for it; SIGINT and SIGTERM to
 * autoglm are passed on at once to its process group, and a command still running after the grace period gets
 * SIGTERM, then SIGKILL 5 s later; a command the caller stops gets SIGTERM, then SIGKILL 5 s later. However it ends
 * (autoglm failing included), the same clean-up runs: the group reaped or killed, the probes closed, run.json finished.
 */
public final class RunningCommand {
    /** From the caller's stop (SIGTERM), or the SIGTERM ending an interrupted command's grace, to SIGKILL. */
    private static final long KILL_AFTER_MS = 5000;

    /** An end asked of the command: by a signal to autoglm (INT, TERM), or by the caller (stop, null), and when. */
    private record End(String signal, String whyIncomplete, long atMs) {
    }

    private final Path folder;
    private final RunProbes probes;
    private final Sampler sampler;
    private final RunJsonLifecycle runJson;
    private final CuptiControl cupti;
    private final double graceMs;
    private final Consumer<String> notes;
    private final AtomicReference<End> end = new AtomicReference<>();
    private final CompletableFuture<String> interrupted = new CompletableFuture<>();
    private final CompletableFuture<Profiler.Result> result = new CompletableFuture<>();
    /** Set once, when the command has started: a signal before then is only recorded (the wait acts on it). */
    private volatile ProcessGroup group;

    RunningCommand(Path folder, RunProbes probes, Sampler sampler, RunJsonLifecycle runJson, CuptiControl cupti,
            double graceMs, Consumer<String> notes) {
        this.folder = folder;
        this.probes = probes;
        this.sampler = sampler;
        this.runJson = runJson;
        this.cupti = cupti;
        this.graceMs = graceMs;
        this.notes = notes;
    }

    /** The run folder (the command's environment names it in {@link Profiler#ENV_RUN_DIR}). */
    public Path folder() {
        return folder;
    }

    /**
     * Completes with the signal ("INT" or "TERM") when autoglm first gets SIGINT or SIGTERM while the command runs,
     * before the signal is passed on to the command; does not complete otherwise.
     */
    public CompletionStage<String> interrupted() {
        return interrupted.minimalCompletionStage();
    }

    /** The signal autoglm got while the command ran ("INT", "TERM"), or null. */
    public String interruptedBy() {
        return interrupted.getNow(null);
    }

    /** Completes once the command has exited and the run folder is finished (exceptionally when autoglm failed). */
    public CompletableFuture<Profiler.Result> result() {
        return result.copy();
    }

    /** Waits for {@link #result()}; should the waiting thread be interrupted, that counts as SIGINT. */
    public Profiler.Result await() throws IOException {
        boolean interruptedHere = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interruptedHere = true;
                    onSignal("INT");
                } catch (ExecutionException e) {
                    throw rethrown(e.getCause());
                }
            }
        } finally {
            if (interruptedHere) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static IOException rethrown(Throwable c) {
        if (c instanceof RuntimeException r) {
            throw r;
        }
        if (c instanceof Error err) {
            throw err;
        }
        return c instanceof IOException io ? io : new IOException(c);
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
        ProcessGroup g = group;
        if (g == null || !g.alive()) {
            return; // it ended on its own (a server that died): that end is what run.json says
        }
        long now = System.currentTimeMillis();
        end.updateAndGet(e -> e != null && e.signal() != null ? e
                : new End(null, whyIncomplete, e != null ? e.atMs() : now));
        flushKernels();
        g.signal(Signals.SIGTERM);
    }

    /**
     * Asks the kernel recorders of the running command to write what they hold and waits up to {@code timeoutMs}
     * for each to answer ({@code load --serve --kernels}: at the edges of the load window); false when there is no
     * recorder or one did not answer.
     */
    public boolean flushKernels(long timeoutMs) {
        return cupti != null && cupti.flush(timeoutMs);
    }

    /** Before a signal that skips the command's exit handlers: the kernel recorders write what they hold. */
    private void flushKernels() {
        if (cupti != null && !cupti.flush(1000)) {
            notes.accept("a kernel recorder did not answer the flush request within 1 s: its last second of "
                    + "records may be lost");
        }
    }

    /** SIGINT or SIGTERM to autoglm: recorded (the first noted, completing {@link #interrupted()}), passed on. */
    void onSignal(String name) {
        long now = System.currentTimeMillis();
        End was = end.getAndUpdate(e -> e != null && e.signal() != null ? e : new End(name, null, now));
        if (was == null || was.signal() == null) {
            notes.accept("got SIG" + name + ": stopping the command; the run is kept and marked incomplete");
            interrupted.complete(name);
        }
        ProcessGroup g = group;
        if (g == null) {
            return;
        }
        if (name.equals("TERM")) {
            flushKernels();
            g.signal(Signals.SIGTERM);
        } else {
            g.signal(Signals.SIGINT);
        }
    }

    /** The command has started in {@code g}: sampling starts, and a thread waits for it until the run is finished. */
    void started(ProcessGroup g, Signals signals) {
        group = g;
        try {
            sampler.start();
        } catch (RuntimeException | Error e) {
            settle(g, signals, 0, e);
            throw e;
        }
        Thread waiter = new Thread(() -> watch(g, signals), "autoglm-command");
        waiter.start();
    }

    private void watch(ProcessGroup g, Signals signals) {
        try {
            int code;
            try {
                code = awaitExit(g);
            } catch (RuntimeException | Error e) {
                settle(g, signals, 0, e);
                throw e;
            }
            result.complete(settle(g, signals, code, null));
        } catch (Throwable t) {
            result.completeExceptionally(t);
        }
    }

    /** Waits for the command; once an end is asked, gives it its time, then SIGTERM (after a signal), then SIGKILL. */
    private int awaitExit(ProcessGroup g) {
        boolean termSent = false;
        boolean killSent = false;
        while (true) {
            try {
                OptionalInt code = g.exitWithin(50);
                if (code.isPresent()) {
                    return code.getAsInt();
                }
            } catch (InterruptedException e) {
                onSignal("INT");
            }
            End e = end.get();
            if (e == null || killSent) {
                continue;
            }
            long since = System.currentTimeMillis() - e.atMs();
            if (e.signal() == null ? since > KILL_AFTER_MS : termSent && since > graceMs + KILL_AFTER_MS) {
                notes.accept("the command ignored SIGTERM: sending SIGKILL");
                if (e.signal() != null) {
                    flushKernels();
                }
                g.signal(Signals.SIGKILL);
                killSent = true;
            } else if (e.signal() != null && !termSent && since > graceMs) {
                notes.accept("the command is still running " + Math.round(graceMs / 1000)
                        + " s after the signal: sending SIGTERM");
                flushKernels();
                g.signal(Signals.SIGTERM);
                termSent = true;
            }
        }
    }

    /**
     * The one way a started run ends: the command's group reaped (or killed, when autoglm itself failed), the probes
     * closed, run.json finished, autoglm's signal handlers given back. Returns the result, or null after a failure
     * (which it has recorded in run.json, or attached to {@code failure} when even that could not be written).
     */
    private Profiler.Result settle(ProcessGroup g, Signals signals, int code, Throwable failure) {
        try (signals) {
            long endMs = System.currentTimeMillis();
            if (failure != null) {
                g.kill();
            } else if (end.get() != null) {
                g.reapLeftovers();
            }
            probes.close();
            if (cupti != null) {
                cupti.cleanUp();
            }
            if (failure != null) {
                try {
                    runJson.failed(failure, sampler.dataLoss());
                } catch (IOException w) {
                    failure.addSuppressed(w);
                }
                return null;
            }
            End e = end.get();
            String signal = e == null ? null : e.signal();
            RunJsonLifecycle.Exit exit = new RunJsonLifecycle.Exit(code, signal, e != null && signal == null,
                    e == null ? null : e.whyIncomplete());
            RunJsonLifecycle.Finished f = runJson.finish(endMs, exit, sampler.writeFailure(), sampler.dataLoss(),
                    sampler.overhead(endMs - runJson.startedMs()));
            return new Profiler.Result(folder, f.info(), signal, f.writeFailure());
        }
    }
}
