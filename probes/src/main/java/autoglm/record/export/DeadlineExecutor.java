package autoglm.record.export;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads of a {@code com.sun.net.httpserver} server, each exchange with a deadline. The JDK's server hands a
 * connection to its executor once the connection's first bytes arrive; the task then reads the request with blocking
 * reads that have no timeout of their own (the JDK's {@code sun.net.httpserver.maxReqTime} is read once per JVM, and
 * only if no server was made before), so one client that sends half a request holds a thread for good, and as many as
 * there are threads stop every scrape. Here an exchange that is not done {@code deadlineMs} after it was handed over
 * (waiting for a thread included) has its thread interrupted: the socket channel it blocks on is closed by the
 * interrupt ({@link java.nio.channels.ClosedByInterruptException}), the JDK closes the connection, and the thread
 * takes the next exchange. An exchange that waited past its deadline for a thread is ended at its first read.
 */
class DeadlineExecutor extends ThreadPoolExecutor {
    private final long deadlineNanos;
    /** Threads running an exchange, to the nanoTime of its deadline; guarded by itself. */
    private final Map<Thread, Long> running = new HashMap<>();
    /** Threads the watchdog interrupted during their exchange; guarded by {@link #running}. */
    private final java.util.Set<Thread> interrupted = new java.util.HashSet<>();
    private final ScheduledExecutorService watchdog;
    /** On a pool thread, after its exchange: whether the deadline cut it short. */
    private final ThreadLocal<Boolean> cut = ThreadLocal.withInitial(() -> Boolean.FALSE);

    DeadlineExecutor(int threads, long deadlineMs, String name) {
        super(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        this.deadlineNanos = TimeUnit.MILLISECONDS.toNanos(deadlineMs);
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-deadlines");
            t.setDaemon(true);
            return t;
        });
        long tick = Math.max(10, Math.min(250, deadlineMs / 4));
        watchdog.scheduleWithFixedDelay(this::cutOverdue, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** An exchange handed over now: its deadline starts. */
    @Override
    public void execute(Runnable command) {
        super.execute(new Timed(command, System.nanoTime() + deadlineNanos));
    }

    @Override
    protected void beforeExecute(Thread t, Runnable r) {
        long due = r instanceof Timed timed ? timed.due : Long.MAX_VALUE;
        synchronized (running) {
            running.put(t, due);
        }
        cut.set(Boolean.FALSE);
        if (due != Long.MAX_VALUE && System.nanoTime() - due >= 0) {
            cut.set(Boolean.TRUE);
            t.interrupt();
        }
    }

    @Override
    protected void afterExecute(Runnable r, Throwable t) {
        Thread self = Thread.currentThread();
        boolean wasCut;
        synchronized (running) {
            running.remove(self);
            wasCut = interrupted.remove(self);
        }
        Thread.interrupted();          // the next exchange starts clear (the pool clears it too)
        if (wasCut) {
            cut.set(Boolean.TRUE);
        }
    }

    /** On a pool thread, in afterExecute: whether the exchange just run was cut short by its deadline. */
    boolean cutShort() {
        return cut.get();
    }

    @Override
    protected void terminated() {
        watchdog.shutdownNow();
    }

    private void cutOverdue() {
        long now = System.nanoTime();
        synchronized (running) {
            for (Map.Entry<Thread, Long> e : running.entrySet()) {
                if (now - e.getValue() >= 0) {
                    e.setValue(Long.MAX_VALUE);      // once
                    interrupted.add(e.getKey());
                    e.getKey().interrupt();
                }
            }
        }
    }

    private record Timed(Runnable task, long due) implements Runnable {
        @Override
        public void run() {
            task.run();
        }
    }
}
