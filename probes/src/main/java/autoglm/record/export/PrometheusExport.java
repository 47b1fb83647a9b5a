package autoglm.record.export;

import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuSample;
import autoglm.model.run.HostSample;
import autoglm.record.SampleListener;
import autoglm.rules.Finding;
import autoglm.rules.Severity;
import autoglm.util.BadInputException;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;

/**
 * autoglm as a Prometheus target: an HTTP endpoint ({@code /metrics}, the exposition format, made by the Prometheus
 * Java client) serving the samples of a run as they are taken, the requests of a load as they end, and the findings
 * once they are made. Names follow
 * Prometheus's conventions: base units in the name (ratios 0-1, bytes, hertz, watts, celsius), {@code _total} for
 * counters; every series carries {@code host} and {@code run}, a GPU's also {@code gpu} (its index) and {@code uuid}.
 * A value the probe could not read is not served (its series is dropped until it can be read again), never 0. The
 * names are listed in docs/fleet.md.
 */
public final class PrometheusExport implements SampleListener, AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final String host;
    private volatile String run;
    private final HTTPServer server;
    private final String hostname;

    private final Gauge gpuUtil = gpuGauge("autoglm_gpu_utilization_ratio",
            "share of the last sample period in which a kernel ran on the GPU (NVML utilization.gpu / 100)");
    private final Gauge gpuMemUtil = gpuGauge("autoglm_gpu_memory_utilization_ratio",
            "share of the sample period in which device memory was read or written (NVML utilization.memory / 100)");
    private final Gauge gpuMemUsed = gpuGauge("autoglm_gpu_memory_used_bytes", "device memory in use");
    private final Gauge gpuMemTotal = gpuGauge("autoglm_gpu_memory_total_bytes", "device memory in all");
    private final Gauge gpuPower = gpuGauge("autoglm_gpu_power_watts", "power draw");
    private final Gauge gpuSmClock = gpuGauge("autoglm_gpu_sm_clock_hertz", "SM clock");
    private final Gauge gpuMemClock = gpuGauge("autoglm_gpu_memory_clock_hertz", "memory clock");
    private final Gauge gpuTemp = gpuGauge("autoglm_gpu_temperature_celsius", "GPU temperature");
    private final Gauge gpuThrottle = gpuGauge("autoglm_gpu_clock_event_reasons",
            "NVML clock event (throttle) reasons, the bit mask as a number (0: none)");
    private final Gauge gpuProcMem = gpuGauge("autoglm_gpu_process_tree_memory_bytes",
            "device memory of the profiled command's processes");
    private final Gauge smActive = gpuGauge("autoglm_gpu_sm_active_ratio", "GPM: share of SM cycles with a warp resident");
    private final Gauge smOccupancy = gpuGauge("autoglm_gpu_sm_occupancy_ratio", "GPM: warps resident per SM, of the most");
    private final Gauge tensorActive = gpuGauge("autoglm_gpu_tensor_active_ratio", "GPM: share of cycles the tensor pipes ran");
    private final Gauge dramActive = gpuGauge("autoglm_gpu_dram_active_ratio", "GPM: share of DRAM bandwidth used");
    private final Gauge hostCpu = hostGauge("autoglm_host_cpu_utilization_ratio", "the machine's CPU use, of all its cores");
    private final Gauge procCpu = hostGauge("autoglm_process_tree_cpu_cores",
            "CPU used by the profiled command's processes, in cores (1: one core busy)");
    private final Gauge procRss = hostGauge("autoglm_process_tree_resident_memory_bytes",
            "resident memory of the profiled command's processes");
    private final Gauge hostMemUsed = hostGauge("autoglm_host_memory_used_bytes", "the machine's memory in use");
    private final Gauge hostMemTotal = hostGauge("autoglm_host_memory_total_bytes", "the machine's memory in all");
    private final Counter samples = Counter.builder().name("autoglm_samples_total")
            .help("samples taken, by kind (gpu, gpm, host)").labelNames("host", "run", "kind").register(registry);
    private final Gauge ruleScore = Gauge.builder().name("autoglm_rule_score")
            .help("a rule's score, 0-100 (info from 25, warning from 75), once the run is diagnosed")
            .labelNames("host", "run", "rule").register(registry);
    /** Exchanges begun on the HTTP server, numbered in the order they began. */
    private final java.util.concurrent.atomic.AtomicLong begun = new java.util.concurrent.atomic.AtomicLong();
    /** Scrapes answered: exchanges that collected the registry (a GET of /metrics), once done. */
    private final java.util.concurrent.atomic.AtomicLong scrapes = new java.util.concurrent.atomic.AtomicLong();
    /** On the HTTP server's thread: the number of the exchange it runs, and whether that exchange collected. */
    private final ThreadLocal<Long> exchange = new ThreadLocal<>();
    private final ThreadLocal<Boolean> collected = new ThreadLocal<>();
    /** Guards {@link #awaitAfter} and {@link #answeredSince}: scrapes of exchanges begun after awaitAfter. */
    private final Object waits = new Object();
    private long awaitAfter = Long.MAX_VALUE;
    private long answeredSince;
    private final Gauge ruleSeverity = Gauge.builder().name("autoglm_rule_severity")
            .help("a rule's severity once the run is diagnosed: 0 ok, 1 info, 2 warning (not applicable: no series)")
            .labelNames("host", "run", "rule").register(registry);

    // what autoglm load's client saw of each measured request (docs/load.md's definitions; warm-ups are left out)
    private final Counter loadRequests = Counter.builder().name("autoglm_load_requests_total")
            .help("measured requests ended, by status (ok, or the error kind: refused, timeout, http-CODE, ...)")
            .labelNames("host", "run", "status").register(registry);
    private final Counter loadPromptTokens = Counter.builder().name("autoglm_load_prompt_tokens_total")
            .help("prompt tokens of the measured requests that ended ok, as the server's usage counted them")
            .labelNames("host", "run").register(registry);
    private final Counter loadOutputTokens = Counter.builder().name("autoglm_load_output_tokens_total")
            .help("output tokens of the measured requests that ended ok (the server's usage, else the chunks that carried text)")
            .labelNames("host", "run").register(registry);
    private final Histogram loadTtft = histogram("autoglm_load_time_to_first_token_seconds",
            "TTFT of each measured request that ended ok: its first chunk with choices minus its scheduled send (docs/load.md)", 0.001, 0.005, 0.01, 0.02,
            0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160, 640, 2560);
    private final Histogram loadItl = histogram("autoglm_load_inter_token_latency_seconds",
            "ITL: each gap between consecutive chunks with choices of a measured request that ended ok", 0.001, 0.0025,
            0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80);
    private final Histogram loadE2e = histogram("autoglm_load_e2e_request_latency_seconds",
            "end-to-end latency of each measured request that ended ok: its last chunk with choices minus its scheduled send", 0.05, 0.1, 0.3,
            0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680);

    // what the GLM workload of profile --model reports as it runs (its events.jsonl; warm-up steps left out)
    private final Counter workloadSteps = Counter.builder().name("autoglm_workload_steps_total")
            .help("forward passes of the workload, by phase (prefill, decode)").labelNames("host", "run", "phase")
            .register(registry);
    private final Counter workloadTokens = Counter.builder().name("autoglm_workload_tokens_total")
            .help("real (unpadded) tokens the workload's forward passes processed, by phase")
            .labelNames("host", "run", "phase").register(registry);
    private final Histogram workloadStep = Histogram.builder().name("autoglm_workload_step_seconds")
            .help("time of each forward pass of the workload, by phase").classicOnly()
            .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10)
            .labelNames("host", "run", "phase").register(registry);
    private final Counter workloadRequests = Counter.builder().name("autoglm_workload_requests_total")
            .help("requests the workload finished").labelNames("host", "run").register(registry);
    private final Histogram workloadTtft = histogram("autoglm_workload_time_to_first_token_seconds",
            "TTFT of each request the workload finished, queue included", 0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08,
            0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80, 160);
    private final Histogram workloadTpot = histogram("autoglm_workload_time_per_output_token_seconds",
            "TPOT of each request the workload finished", 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2,
            0.5, 1);

    /** Threads answering scrapes: more than a few stalled clients need to hold them all before the deadline. */
    static final int EXCHANGE_THREADS = 16;
    /** How long one exchange (reading the request, writing the answer) may take before its connection is closed. */
    static final long EXCHANGE_DEADLINE_MS = 10_000;

    private PrometheusExport(String address, String run, long exchangeDeadlineMs) throws IOException {
        this.host = hostName();
        this.run = run;
        Address a = Address.parse(address);
        this.hostname = a.host();
        registry.register(new ScrapeCounter());
        this.server = HTTPServer.builder().hostname(a.host()).port(a.port()).registry(registry)
                .executorService(new Answers(exchangeDeadlineMs)).buildAndStart();
    }

    /**
     * The HTTP server's threads (EXCHANGE_THREADS, daemons), each exchange cut EXCHANGE_DEADLINE_MS after the JDK
     * handed it over ({@link DeadlineExecutor}: a client that sends half a request, or stops reading its answer, holds
     * a thread that long at most, so real scrapes go on while stalled clients are open). A scrape counts once its
     * exchange is done, its answer written (not when its deadline cut it), so that {@link #awaitScrapes} never closes
     * the endpoint under a scrape still being answered; and for {@link #awaitScrapes} only where the exchange began
     * after the wait did, so that every collection it made holds what was served before the wait (the findings).
     */
    private final class Answers extends DeadlineExecutor {
        Answers(long deadlineMs) {
            super(EXCHANGE_THREADS, deadlineMs, "autoglm-prometheus");
        }

        @Override
        protected void beforeExecute(Thread t, Runnable r) {
            super.beforeExecute(t, r);
            exchange.set(begun.incrementAndGet());
            collected.remove();
        }

        @Override
        protected void afterExecute(Runnable r, Throwable t) {
            super.afterExecute(r, t);
            Long number = exchange.get();
            boolean scrape = Boolean.TRUE.equals(collected.get()) && !cutShort();
            exchange.remove();
            collected.remove();
            if (!scrape || number == null) {
                return;
            }
            scrapes.incrementAndGet();
            synchronized (waits) {
                if (number > awaitAfter) {
                    answeredSince++;
                }
                waits.notifyAll();
            }
        }
    }

    /**
     * autoglm_exporter_scrapes_total: the scrapes this endpoint served, the one reading it included; counting them is
     * how {@link #awaitScrapes} knows what Prometheus has seen (promhttp_metric_handler_requests_total in Go's client).
     * A scrape is counted once answered ({@link Answers}).
     */
    private final class ScrapeCounter implements io.prometheus.metrics.model.registry.Collector {
        @Override
        public io.prometheus.metrics.model.snapshots.MetricSnapshot collect() {
            collected.set(Boolean.TRUE);
            long n = scrapes.get() + 1;
            return io.prometheus.metrics.model.snapshots.CounterSnapshot.builder().name("autoglm_exporter_scrapes")
                    .help("scrapes this endpoint answered, this one included")
                    .dataPoint(io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot.builder()
                            .value(n).labels(io.prometheus.metrics.model.snapshots.Labels.of("host", host, "run", run))
                            .build())
                    .build();
        }

        @Override
        public String getPrometheusName() {
            return "autoglm_exporter_scrapes_total";
        }
    }

    /**
     * Waits until the endpoint has answered {@code more} scrapes that began after this call, at most {@code timeoutMs};
     * how many it answered. Prometheus scrapes a target one scrape after another and stores each before the next, so
     * of N answered the first N - 1 are stored for certain.
     */
    public long awaitScrapes(long more, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        synchronized (waits) {
            awaitAfter = begun.get();
            answeredSince = 0;
            while (answeredSince < more) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    break;
                }
                waits.wait(left);
            }
            long got = answeredSince;
            awaitAfter = Long.MAX_VALUE;
            return got;
        }
    }

    /**
     * Serves on {@code address}, [HOST:]PORT (HOST 127.0.0.1 when left out; 0.0.0.0 for every interface, which a
     * Prometheus on another machine needs); {@code run} labels every series until {@link #run(String)} changes it.
     */
    public static PrometheusExport start(String address, String run) {
        return start(address, run, EXCHANGE_DEADLINE_MS);
    }

    /** As {@link #start(String, String)}, each exchange cut after {@code exchangeDeadlineMs} (tests). */
    static PrometheusExport start(String address, String run, long exchangeDeadlineMs) {
        try {
            return new PrometheusExport(address, run, exchangeDeadlineMs);
        } catch (IOException e) {
            throw new BadInputException("--prometheus-port " + address + ": cannot serve there (" + e.getMessage() + ")");
        }
    }

    /** The port served (the one asked for, or the one chosen for port 0). */
    public int port() {
        return server.getPort();
    }

    /** Where Prometheus scrapes it: http://HOST:PORT/metrics. */
    public String url() {
        return "http://" + (hostname.contains(":") ? "[" + hostname + "]" : hostname) + ":" + port() + "/metrics";
    }

    /** The run's name, once its folder is made. */
    public void run(String name) {
        this.run = name;
    }

    @Override
    public void gpu(GpuSample s) {
        String[] l = {host, run, String.valueOf(s.gpu()), s.gpuUuid() == null ? "" : s.gpuUuid()};
        set(gpuUtil, kept(s.utilPct()) / 100, l);
        set(gpuMemUtil, kept(s.memUtilPct()) / 100, l);
        set(gpuMemUsed, kept(s.memUsedBytes()), l);
        set(gpuMemTotal, kept(s.memTotalBytes()), l);
        set(gpuPower, kept(s.powerW()), l);
        set(gpuSmClock, kept(s.smClockMhz()) * 1e6, l);
        set(gpuMemClock, kept(s.memClockMhz()) * 1e6, l);
        set(gpuTemp, kept(s.tempC()), l);
        set(gpuThrottle, s.clockReasons() < 0 ? Double.NaN : s.clockReasons(), l);
        set(gpuProcMem, kept(s.procMemBytes()), l);
        samples.labelValues(host, run, "gpu").inc();
    }

    @Override
    public void gpm(GpmSample s) {
        String[] l = {host, run, String.valueOf(s.gpu()), s.gpuUuid() == null ? "" : s.gpuUuid()};
        set(smActive, kept(s.smActivePct()) / 100, l);
        set(smOccupancy, kept(s.smOccupancyPct()) / 100, l);
        set(tensorActive, kept(s.tensorActivePct()) / 100, l);
        set(dramActive, kept(s.dramBwPct()) / 100, l);
        samples.labelValues(host, run, "gpm").inc();
    }

    @Override
    public void host(HostSample s) {
        String[] l = {host, run};
        set(hostCpu, kept(s.cpuPct()) / 100, l);
        set(procCpu, kept(s.procCpuPct()) / 100, l);
        set(procRss, kept(s.procRssBytes()), l);
        set(hostMemUsed, kept(s.hostMemUsedBytes()), l);
        set(hostMemTotal, kept(s.hostMemTotalBytes()), l);
        samples.labelValues(host, run, "host").inc();
    }

    /**
     * A request of {@code autoglm load} as it ends: counted by status; an ok one's tokens and its TTFT, each ITL and
     * its end-to-end latency observed, as docs/load.md defines them (from the scheduled send, so that a client that
     * falls behind shows), with the times requests.csv keeps. Warm-ups are not served.
     */
    public void request(autoglm.model.load.LoadRequest r) {
        if (r.warmup()) {
            return;
        }
        loadRequests.labelValues(host, run, r.status()).inc();
        if (!r.ok()) {
            return;
        }
        if (r.promptTokens() >= 0) {
            loadPromptTokens.labelValues(host, run).inc(r.promptTokens());
        }
        if (r.outputTokens() >= 0) {
            loadOutputTokens.labelValues(host, run).inc(r.outputTokens());
        }
        if (!Double.isNaN(r.firstMs())) {
            loadTtft.labelValues(host, run).observe(r.ttftMs() / 1000);
        }
        if (!Double.isNaN(r.endMs())) {
            loadE2e.labelValues(host, run).observe(r.e2elMs() / 1000);
        }
        double[] c = r.chunkMs();
        for (int i = 1; c != null && i < c.length; i++) {
            loadItl.labelValues(host, run).observe((c[i] - c[i - 1]) / 1000);
        }
    }

    /**
     * An event of the workload's events.jsonl as it is written (docs/formats.md): a step counted by phase with its
     * tokens and time (warm-up steps left out), a finished request's TTFT and TPOT observed; others ignored.
     */
    public void workload(com.fasterxml.jackson.databind.JsonNode e) {
        String kind = e.path("event").asText();
        if (kind.equals("step") && !e.path("warmup").asBoolean(false)) {
            String phase = e.path("phase").asText("unknown");
            workloadSteps.labelValues(host, run, phase).inc();
            if (e.path("real_tokens").isNumber()) {
                workloadTokens.labelValues(host, run, phase).inc(e.path("real_tokens").asDouble());
            }
            if (e.path("ms").isNumber()) {
                workloadStep.labelValues(host, run, phase).observe(e.path("ms").asDouble() / 1000);
            }
        } else if (kind.equals("request")) {
            workloadRequests.labelValues(host, run).inc();
            if (e.path("ttft_ms").isNumber()) {
                workloadTtft.labelValues(host, run).observe(e.path("ttft_ms").asDouble() / 1000);
            }
            if (e.path("tpot_ms").isNumber()) {
                workloadTpot.labelValues(host, run).observe(e.path("tpot_ms").asDouble() / 1000);
            }
        }
    }

    /** The findings of the diagnosis: a score and a severity per rule that applied; the others have no series. */
    public void findings(List<Finding> findings) {
        for (Finding f : findings) {
            String[] l = {host, run, f.rule()};
            if (f.severity() == Severity.NOT_APPLICABLE) {
                ruleScore.remove(l);
                ruleSeverity.remove(l);
                continue;
            }
            ruleScore.labelValues(l).set(f.score());
            ruleSeverity.labelValues(l).set(f.severity() == Severity.WARNING ? 2 : f.severity() == Severity.INFO ? 1 : 0);
        }
    }

    /** The value as the run folder keeps it (autoglm.util.CsvCells.number: 3 decimals), so that the two agree exactly. */
    private static double kept(double v) {
        String s = autoglm.util.CsvCells.number(v);
        return s.isEmpty() ? Double.NaN : Double.parseDouble(s);
    }

    private static void set(Gauge g, double v, String[] labels) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            g.remove(labels);
        } else {
            g.labelValues(labels).set(v);
        }
    }

    private Gauge gpuGauge(String name, String help) {
        return Gauge.builder().name(name).help(help).labelNames("host", "run", "gpu", "uuid").register(registry);
    }

    private Histogram histogram(String name, String help, double... bounds) {
        return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(bounds)
                .labelNames("host", "run").register(registry);
    }

    private Gauge hostGauge(String name, String help) {
        return Gauge.builder().name(name).help(help).labelNames("host", "run").register(registry);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String h = System.getenv("HOSTNAME");
            return h == null ? "unknown" : h;
        }
    }

    @Override
    public void close() {
        server.close();
    }

    /** [HOST:]PORT. */
    record Address(String host, int port) {
        static Address parse(String s) {
            int colon = s.lastIndexOf(':');
            String h = colon < 0 ? "127.0.0.1" : s.substring(0, colon);
            String p = colon < 0 ? s : s.substring(colon + 1);
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 0 || port > 65535 || h.isEmpty()) {
                throw new BadInputException("--prometheus-port takes [HOST:]PORT (PORT 0-65535), not '" + s + "'");
            }
            return new Address(h, port);
        }
    }
}
