package autoglm.report;

import autoglm.analyse.trace.Window;
import autoglm.model.run.GpmSample;
import autoglm.model.run.GpuSample;
import autoglm.model.run.HostSample;
import autoglm.model.run.RunRecording;
import autoglm.model.trace.Names;
import autoglm.model.trace.ApiCalls;
import autoglm.model.trace.GpuActivities;
import autoglm.model.trace.SpanTable;
import autoglm.model.trace.TraceModel;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.Writer;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Chrome-trace JSON (the JSON Object Format that ui.perfetto.dev and chrome://tracing open), one event at
 * a time: kernels, copies and memsets on "GPU N" / "stream S" tracks; CUDA API calls, CPU ops and
 * annotations on their host threads; launch-to-GPU flow arrows (Kineto's ac2g); the analysed iterations
 * on their own track; the NVML, GPM and host samples of a run as counter tracks; and the workload's steps and
 * requests of a {@code --model} run ({@link PerfettoWorkload}), and a load run's requests and its server's gauges
 * ({@link PerfettoLoad}). Timestamps are
 * microseconds from {@code originNs} (the earliest event), which the file's metadata records.
 */
public final class PerfettoExport {
    static final int HOST_PID = 1;
    static final int GPU_PID = 1000;
    static final int GPU_SAMPLES_PID = 2000;
    static final int HOST_SAMPLES_PID = 3000;
    static final long ITERATIONS_TID = 0;

    static final int WORKLOAD_PID = 4000;
    static final int LOAD_PID = 5000;

    /** What was written, by kind ({@code steps} and {@code requests}: the workload's, from a --model run). */
    public record Counts(long kernels, long copies, long memsets, long apiCalls, long cpuOps, long annotations,
            long flows, long iterations, long counterSamples, long steps, long requests, long loadRequests) {
    }

    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private long kernels;
    private long copies;
    private long memsets;
    private long apiCalls;
    private long cpuOps;
    private long annotations;
    private long flows;
    private long iterations;
    private long counterSamples;

    /** Writes the timeline of {@code model} (may be null for a run without kernels) and the samples of {@code run} (may be null). */
    public Counts write(TraceModel model, Window window, RunRecording run, Writer out) throws IOException {
        return write(model, window, run, null, out);
    }

    /** The same, with the workload's prefill and decode steps and its requests ({@code workload} may be null). */
    public Counts write(TraceModel model, Window window, RunRecording run, autoglm.model.workload.WorkloadLog workload,
            Writer out) throws IOException {
        return write(model, window, run, workload, null, out);
    }

    /** The same, with the requests of a load run and its server's gauges ({@code load} may be null: PerfettoLoad). */
    public Counts write(TraceModel model, Window window, RunRecording run, autoglm.model.workload.WorkloadLog workload,
            autoglm.model.load.LoadRecording load, Writer out) throws IOException {
        long origin = origin(model, run);
        if (load != null && load.settings().startedEpochMs() > 0) {
            origin = Math.min(origin == 0 ? Long.MAX_VALUE : origin, load.settings().startedEpochMs() * 1_000_000L);
        }
        long loadRequests = 0;
        long[] written = {0, 0};
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("displayTimeUnit", "ns");
            g.writeObjectFieldStart("otherData");
            g.writeStringField("producer", "autoglm export");
            g.writeNumberField("originNs", origin);
            g.writeStringField("source", model != null ? model.source().path() : run != null ? run.path() : "load");
            g.writeEndObject();
            g.writeArrayFieldStart("traceEvents");
            if (model != null) {
                timeline(g, model, window, origin);
            }
            if (run != null) {
                samples(g, run, origin);
            }
            if (workload != null) {
                written = PerfettoWorkload.write(g, workload, WORKLOAD_PID, origin);
            }
            if (load != null) {
                loadRequests = PerfettoLoad.write(g, load, LOAD_PID, origin);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        out.write('\n');
        out.flush();
        return new Counts(kernels, copies, memsets, apiCalls, cpuOps, annotations, flows, iterations, counterSamples,
                written[0], written[1], loadRequests);
    }

    private static long origin(TraceModel model, RunRecording run) {
        long o = Long.MAX_VALUE;
        if (model != null && model.gpu().size() + model.api().size() + model.cpuOps().size() > 0) {
            o = model.firstTs();
        }
        if (run != null) {
            o = Math.min(o, run.info().startedMs() * 1_000_000L);
        }
        return o == Long.MAX_VALUE ? 0 : o;
    }

    private void timeline(JsonGenerator g, TraceModel m, Window w, long origin) throws IOException {
        Names names = m.names();
        meta(g, "process_name", HOST_PID, 0, "Host: CPU ops, annotations, CUDA API calls");
        meta(g, "process_sort_index", HOST_PID, 0, null);
        Set<Long> threads = new LinkedHashSet<>();
        ApiCalls api = m.api();
        for (int i = 0; i < api.size(); i++) {
            threads.add(api.tid(i));
            complete(g, names.get(api.name(i)), api.isDriver(i) ? "cuda_driver" : "cuda_runtime", HOST_PID, api.tid(i),
                    api.start(i), api.dur(i), origin);
            g.writeObjectFieldStart("args");
            g.writeNumberField("correlation", api.correlation(i));
            g.writeEndObject();
            g.writeEndObject();
            apiCalls++;
        }
        cpuOps += spans(g, m.cpuOps(), names, "cpu_op", HOST_PID, origin, threads);
        annotations += spans(g, m.annotations(), names, "user_annotation", HOST_PID, origin, threads);
        for (Long t : threads) {
            meta(g, "thread_name", HOST_PID, t, "thread " + t);
        }
        GpuActivities gpu = m.gpu();
        Set<Integer> devices = new LinkedHashSet<>();
        for (GpuActivities.StreamRange sr : gpu.streams()) {
            int pid = GPU_PID + sr.device();
            if (devices.add(sr.device())) {
                meta(g, "process_name", pid, 0, "GPU " + sr.device());
                meta(g, "process_sort_index", pid, 0, null);
            }
            meta(g, "thread_name", pid, sr.stream(), "stream " + sr.stream());
            for (int r = sr.from(); r < sr.to(); r++) {
                activity(g, m, r, pid, sr.stream(), origin);
            }
        }
        SpanTable gpuAnn = m.gpuAnnotations();
        for (int i = 0; i < gpuAnn.size(); i++) {
            int dev = devices.isEmpty() ? 0 : devices.iterator().next();
            complete(g, names.get(gpuAnn.name(i)), "gpu_user_annotation", GPU_PID + dev, gpuAnn.thread(i),
                    gpuAnn.start(i), gpuAnn.dur(i), origin);
            g.writeEndObject();
            annotations++;
        }
        if (w != null && w.iterations() > 0) {
            meta(g, "thread_name", HOST_PID, ITERATIONS_TID, "iterations (autoglm: " + w.basis().text() + ")");
            for (int i = 0; i < w.iterations(); i++) {
                complete(g, w.iterationName(i), "iteration", HOST_PID, ITERATIONS_TID, w.iterationStart(i),
                        w.iterationEnd(i) - w.iterationStart(i), origin);
                g.writeEndObject();
                iterations++;
            }
        }
    }

    private void activity(JsonGenerator g, TraceModel m, int r, int pid, int stream, long origin) throws IOException {
        GpuActivities gpu = m.gpu();
        byte kind = gpu.kind(r);
        String cat = kind == GpuActivities.KERNEL ? "kernel" : kind == GpuActivities.MEMCPY ? "gpu_memcpy" : "gpu_memset";
        complete(g, m.names().get(gpu.name(r)), cat, pid, stream, gpu.start(r), gpu.dur(r), origin);
        g.writeObjectFieldStart("args");
        g.writeNumberField("device", gpu.device(r));
        g.writeNumberField("stream", stream);
        g.writeNumberField("correlation", gpu.correlation(r));
        if (gpu.bytes(r) >= 0) {
            g.writeNumberField("bytes", gpu.bytes(r));
        }
        if (!Float.isNaN(gpu.occupancyPct(r))) {
            g.writeNumberField("est. achieved occupancy %", gpu.occupancyPct(r));
        }
        g.writeEndObject();
        g.writeEndObject();
        if (kind == GpuActivities.KERNEL) {
            kernels++;
        } else if (kind == GpuActivities.MEMCPY) {
            copies++;
        } else {
            memsets++;
        }
        int launch = gpu.launch(r);
        if (launch >= 0 && m.api().firstGpu(launch) == r) {
            ApiCalls api = m.api();
            flow(g, "s", api.correlation(launch), HOST_PID, api.tid(launch), api.start(launch), origin);
            flow(g, "f", api.correlation(launch), pid, stream, gpu.start(r), origin);
            flows++;
        }
    }

    private long spans(JsonGenerator g, SpanTable t, Names names, String cat, int pid, long origin, Set<Long> threads)
            throws IOException {
        for (int i = 0; i < t.size(); i++) {
            threads.add(t.thread(i));
            complete(g, names.get(t.name(i)), cat, pid, t.thread(i), t.start(i), t.dur(i), origin);
            g.writeEndObject();
        }
        return t.size();
    }

    /** Opens an "X" event; the caller may add "args" and closes it. */
    static void complete(JsonGenerator g, String name, String cat, int pid, long tid, long startNs, long durNs,
            long origin) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "X");
        g.writeStringField("cat", cat);
        g.writeStringField("name", name == null ? "?" : name);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeNumberField("ts", micros(startNs - origin));
        g.writeNumberField("dur", micros(Math.max(0, durNs)));
    }

    private static void flow(JsonGenerator g, String ph, long id, int pid, long tid, long ns, long origin)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", ph);
        g.writeStringField("cat", "ac2g");
        g.writeStringField("name", "launch");
        g.writeNumberField("id", id);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeNumberField("ts", micros(ns - origin));
        if (ph.equals("f")) {
            g.writeStringField("bp", "e");
        }
        g.writeEndObject();
    }

    static void meta(JsonGenerator g, String what, int pid, long tid, String name) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "M");
        g.writeStringField("name", what);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        if (name == null) {
            g.writeNumberField("sort_index", pid);
        } else {
            g.writeStringField("name", name);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Opens an async ("b" or "e") event of the slice {@code id}; the caller may add "args" and closes it. */
    static void async(JsonGenerator g, String ph, String cat, String name, String id, int pid, long tid, long ns,
            long origin) throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", ph);
        g.writeStringField("cat", cat);
        g.writeStringField("name", name);
        g.writeStringField("id", id);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeNumberField("ts", micros(ns - origin));
    }

    /** One counter ("C") event: {@code value} of the track {@code name} at {@code ns}. */
    static void counterEvent(JsonGenerator g, String name, int pid, long ns, double value, long origin)
            throws IOException {
        g.writeStartObject();
        g.writeStringField("ph", "C");
        g.writeStringField("name", name);
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", 0);
        g.writeNumberField("ts", micros(ns - origin));
        g.writeObjectFieldStart("args");
        g.writeNumberField("value", value);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** A number argument, left out when NaN or infinite (JSON has neither). */
    static void finite(JsonGenerator g, String field, double v) throws IOException {
        if (!Double.isNaN(v) && !Double.isInfinite(v)) {
            g.writeNumberField(field, v);
        }
    }

    /** Nanoseconds as microseconds with three decimals, exactly (no binary rounding in the text). */
    static java.math.BigDecimal micros(long ns) {
        return java.math.BigDecimal.valueOf(ns, 3);
    }

    private void samples(JsonGenerator g, RunRecording run, long origin) throws IOException {
        Set<Integer> gpus = new LinkedHashSet<>();
        for (GpuSample s : run.gpu()) {
            gpus.add(s.gpu());
        }
        for (int gpu : gpus) {
            int pid = GPU_SAMPLES_PID + gpu;
            meta(g, "process_name", pid, 0, "GPU " + gpu + " samples (NVML, GPM)");
            counters(g, run, gpu, pid, origin);
        }
        if (!run.host().isEmpty()) {
            meta(g, "process_name", HOST_SAMPLES_PID, 0, "Host samples");
            counter(g, run.host(), HostSample::timeMs, HostSample::cpuPct, "machine CPU %", HOST_SAMPLES_PID, origin);
            counter(g, run.host(), HostSample::timeMs, HostSample::procCpuPct, "process tree CPU % of one core",
                    HOST_SAMPLES_PID, origin);
            counter(g, run.host(), HostSample::timeMs, s -> s.procRssBytes() / (1 << 20), "process tree RSS MiB",
                    HOST_SAMPLES_PID, origin);
        }
    }

    private void counters(JsonGenerator g, RunRecording run, int gpu, int pid, long origin) throws IOException {
        java.util.List<GpuSample> s = run.gpu().stream().filter(x -> x.gpu() == gpu).toList();
        counter(g, s, GpuSample::timeMs, GpuSample::utilPct, "utilization %", pid, origin);
        counter(g, s, GpuSample::timeMs, GpuSample::memUtilPct, "memory utilization %", pid, origin);
        counter(g, s, GpuSample::timeMs, x -> x.memUsedBytes() / (1 << 20), "memory used MiB", pid, origin);
        counter(g, s, GpuSample::timeMs, GpuSample::powerW, "power W", pid, origin);
        counter(g, s, GpuSample::timeMs, GpuSample::smClockMhz, "SM clock MHz", pid, origin);
        java.util.List<GpmSample> p = run.gpm().stream().filter(x -> x.gpu() == gpu).toList();
        counter(g, p, GpmSample::timeMs, GpmSample::smActivePct, "GPM SM active %", pid, origin);
        counter(g, p, GpmSample::timeMs, GpmSample::smOccupancyPct, "GPM SM occupancy %", pid, origin);
        counter(g, p, GpmSample::timeMs, GpmSample::tensorActivePct, "GPM tensor active %", pid, origin);
        counter(g, p, GpmSample::timeMs, GpmSample::dramBwPct, "GPM DRAM bandwidth %", pid, origin);
    }

    /** One counter track: a "C" event per sample with a value (NaN readings are left out). */
    private <T> void counter(JsonGenerator g, java.util.List<T> samples, ToDoubleFunction<T> t, ToDoubleFunction<T> v,
            String name, int pid, long origin) throws IOException {
        for (T s : samples) {
            double value = v.applyAsDouble(s);
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                continue;
            }
            counterEvent(g, name, pid, Math.round(t.applyAsDouble(s) * 1e6), value, origin);
            counterSamples++;
        }
    }
}
