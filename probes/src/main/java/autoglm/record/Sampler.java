package autoglm.record;

import autoglm.record.host.HostProbe;
import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuInfo;
import autoglm.model.run.GpuSample;
import autoglm.model.run.HostSample;
import autoglm.model.run.RunInfo;
import autoglm.read.run.SampleCsv;
import autoglm.record.SampleWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Samples every GPU (NVML every interval, GPM every gpm interval) and the host (every host interval) on
 * one background thread, appending each sample to the run folder's CSV files as it is taken and flushing
 * them about once a second. A failed NVML call leaves its value empty and is counted as data loss; an
 * error of one probe never stops the others. A sample that cannot be written (a full disk) stops
 * sampling at once: {@link #writeFailure} says why, and the run is incomplete. {@link #tick} is the whole
 * of one round, so tests can drive it with recorded time and readings.
 */
public final class Sampler implements AutoCloseable {
    private final GpuProbe gpu;
    private final HostProbe host;
    private final RunInfo.Settings settings;
    private final Supplier<Set<Long>> pids;
    private final List<GpuInfo> gpus;
    private final SampleWriter<GpuSample> gpuOut;
    private final SampleWriter<GpmSample> gpmOut;
    private final SampleWriter<HostSample> hostOut;
    private final Map<String, Long> loss = new LinkedHashMap<>();
    private final double[] lastGpm;
    private final int gpmEvery;
    private final int hostEvery;
    private final int flushEvery;
    private long ticks;
    private ScheduledExecutorService executor;
    private volatile ScheduledFuture<?> task;
    private double cpuMs;
    private volatile String writeFailure;
    private volatile java.util.function.Consumer<String> onWriteFailure = why -> { };
    private volatile SampleListener listener = SampleListener.NONE;

    public Sampler(Path dir, GpuProbe gpu, HostProbe host, RunInfo.Settings settings, Supplier<Set<Long>> pids)
            throws IOException {
        this.gpu = gpu;
        this.host = host;
        this.settings = settings;
        this.pids = pids;
        this.gpus = gpu == null ? List.of() : gpu.gpus();
        this.gpuOut = gpu == null ? null : new SampleWriter<>(dir, SampleCsv.GPU);
        this.gpmOut = gpu == null || gpus.stream().noneMatch(GpuInfo::gpmSupported) ? null
                : new SampleWriter<>(dir, SampleCsv.GPM);
        this.hostOut = host == null ? null : new SampleWriter<>(dir, SampleCsv.HOST);
        this.lastGpm = new double[gpus.size()];
        java.util.Arrays.fill(lastGpm, Double.NaN);
        this.gpmEvery = Math.max(1, (int) Math.round(settings.gpmIntervalMs() / settings.intervalMs()));
        this.hostEvery = Math.max(1, (int) Math.round(settings.hostIntervalMs() / settings.intervalMs()));
        this.flushEvery = Math.max(1, (int) Math.round(1000 / settings.intervalMs()));
    }

    /** Starts sampling on a background thread, the first round now. */
    public void start() {
        if (host != null) {
            host.start(now());
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "autoglm-sampler");
            t.setDaemon(true);
            return t;
        });
        long nanos = Math.round(settings.intervalMs() * 1e6);
        task = executor.scheduleAtFixedRate(() -> tick(now()), 0, nanos, TimeUnit.NANOSECONDS);
    }

    private static double now() {
        return System.currentTimeMillis();
    }

    /** One round: every GPU, GPM and the host when their turn comes. Never throws. */
    public void tick(double timeMs) {
        if (writeFailure != null) {
            return;
        }
        Set<Long> tree = pids.get();
        for (int i = 0; i < gpus.size(); i++) {
            try {
                ProbeRead<GpuSample> r = gpu.read(i, tree, timeMs);
                count(r.errors(), i);
                if (!written(gpuOut, r.sample())) {
                    return;
                }
                tell(() -> listener.gpu(r.sample()));
                if (gpmOut != null && gpus.get(i).gpmSupported() && ticks % gpmEvery == 0) {
                    double interval = Double.isNaN(lastGpm[i]) ? settings.gpmIntervalMs() : timeMs - lastGpm[i];
                    ProbeRead<GpmSample> g = gpu.readGpm(i, timeMs, interval);
                    if (g != null) {
                        count(g.errors(), i);
                        if (!written(gpmOut, g.sample())) {
                            return;
                        }
                        tell(() -> listener.gpm(g.sample()));
                    }
                    lastGpm[i] = timeMs;
                }
            } catch (RuntimeException e) {
                lose("GPU " + gpus.get(i).index() + " sample: " + e);
            }
        }
        // the host's first reading comes one host interval after its baseline (start): CPU shares are
        // deltas, and a reading right after the baseline would divide by almost no time
        if (host != null && ticks > 0 && ticks % hostEvery == 0) {
            HostSample h = null;
            try {
                h = host.read(timeMs, tree);
            } catch (RuntimeException e) {
                lose("host sample: " + e);
            }
            if (h != null && !written(hostOut, h)) {
                return;
            }
            if (h != null) {
                HostSample sample = h;
                tell(() -> listener.host(sample));
            }
        }
        ticks++;
        if (ticks % flushEvery == 0) {
            flush();
        }
    }

    /** Tells the listener each sample from now on, once it is written. */
    public void listen(SampleListener listener) {
        this.listener = listener;
    }

    private void tell(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            lose("sample listener: " + e);
        }
    }

    /** Writes one sample; false (and sampling stopped) when it cannot be written. */
    private <T> boolean written(SampleWriter<T> out, T sample) {
        try {
            out.write(sample);
            return true;
        } catch (IOException e) {
            writeFailed(e);
            return false;
        }
    }

    /** The first write that failed stops sampling: nothing more can be kept, and the run is incomplete. */
    private void writeFailed(IOException e) {
        if (writeFailure == null) {
            String why = autoglm.util.SafeFiles.reason(e);
            writeFailure = (why.contains("No space left") ? "disk full (" + why + ")" : why);
            lose("writing samples: " + writeFailure);
            ScheduledFuture<?> t = task;
            if (t != null) {
                t.cancel(false);
            }
            onWriteFailure.accept(writeFailure);
        }
    }

    /** Called once, on the sampler's thread, when the first write fails (the profiler marks run.json then). */
    public void onWriteFailure(java.util.function.Consumer<String> action) {
        this.onWriteFailure = action;
    }

    /** Why samples stopped being written (a full disk), or null while every sample was written. */
    public String writeFailure() {
        return writeFailure;
    }

    private void count(Map<String, String> errors, int gpuIndex) {
        for (Map.Entry<String, String> e : errors.entrySet()) {
            lose(e.getKey() + ": " + e.getValue() + " (GPU " + gpus.get(gpuIndex).index() + ")");
        }
    }

    private synchronized void lose(String what) {
        loss.merge(what, 1L, Long::sum);
    }

    private void flush() {
        try {
            if (gpuOut != null) {
                gpuOut.flush();
            }
            if (gpmOut != null) {
                gpmOut.flush();
            }
            if (hostOut != null) {
                hostOut.flush();
            }
        } catch (IOException e) {
            writeFailed(e);
        }
    }

    /** Stops the background thread after one last round, and notes the CPU time it used. */
    public void stop() {
        if (executor == null) {
            return;
        }
        task.cancel(false);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Future<Long> last = executor.submit(() -> {
            tick(now());
            return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : -1L;
        });
        try {
            long ns = last.get(10, TimeUnit.SECONDS);
            cpuMs = ns < 0 ? Double.NaN : ns / 1e6;
        } catch (Exception e) {
            cpuMs = Double.NaN;
        }
        executor.shutdownNow();
        executor = null;
    }

    public synchronized Map<String, Long> dataLoss() {
        return new LinkedHashMap<>(loss);
    }

    public RunInfo.Overhead overhead(double wallMs) {
        return new RunInfo.Overhead(cpuMs, wallMs, gpuOut == null ? 0 : gpuOut.rows(), gpmOut == null ? 0 : gpmOut.rows(),
                hostOut == null ? 0 : hostOut.rows());
    }

    @Override
    public void close() throws IOException {
        stop();
        for (SampleWriter<?> w : new SampleWriter<?>[] {gpuOut, gpmOut, hostOut}) {
            if (w != null) {
                try {
                    w.close();
                } catch (IOException e) {
                    writeFailed(e);
                }
            }
        }
    }
}
