package autoglm.analysis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every metric the analyses can produce: its name, unit and meaning. Rules may only refer to these
 * names (checked when the catalogue loads); docs/metrics.md is generated from this list.
 */
public final class MetricCatalog {
    /** A metric's declared unit and one-line meaning. */
    public record Definition(String name, Unit unit, String description) {
    }

    private static final Map<String, Definition> DEFINITIONS = new LinkedHashMap<>();

    static {
        def("trace_span_ms", Unit.MILLISECONDS, "wall time from the first to the last timed event of the trace");
        def("steps", Unit.COUNT, "iterations analysed: complete ProfilerStep#N annotations, else forward passes");
        def("step_time_ms", Unit.MILLISECONDS, "CPU-side duration of an iteration (mean; spread over iterations)");
        def("step_trend_pct", Unit.PERCENT_PER_STEP, "linear trend of iteration time against its index, relative to the mean");
        def("step_trend_r2", Unit.COUNT, "coefficient of determination of that linear fit (0..1)");
        def("gpu_span_ms", Unit.MILLISECONDS, "HTA kernel time: first GPU activity start to last end, in the window, busiest device");
        def("gpu_busy_pct", Unit.PERCENT, "share of the GPU span with any kernel, memcpy or memset running (HTA temporal breakdown)");
        def("gpu_idle_pct", Unit.PERCENT, "share of the GPU span with nothing running (HTA idle time)");
        def("gpu_compute_pct", Unit.PERCENT, "share of the GPU span with a computation kernel running (HTA compute time)");
        def("gpu_non_compute_pct", Unit.PERCENT, "share of the GPU span busy only with memory or communication work (HTA non-compute time)");
        def("idle_host_wait_pct", Unit.PERCENT, "share of per-stream idle time where the next launch came after the GPU ran dry (HTA host wait)");
        def("idle_kernel_wait_pct", Unit.PERCENT, "share of per-stream idle time in gaps shorter than the consecutive-kernel delay (HTA kernel wait)");
        def("idle_other_pct", Unit.PERCENT, "share of per-stream idle time of neither kind (HTA other)");
        def("kernels", Unit.COUNT, "kernels in the window");
        def("kernels_per_step", Unit.COUNT, "kernels per iteration");
        def("kernel_us", Unit.MICROSECONDS, "kernel duration (median; spread over kernels)");
        def("launch_cpu_us", Unit.MICROSECONDS, "CPU time of the launching runtime/driver call (median; HTA launch stats)");
        def("launch_delay_us", Unit.MICROSECONDS, "time from a launch call's start to its GPU activity's start (median; HTA launch delay)");
        def("short_kernel_pct", Unit.PERCENT, "kernels that ran shorter than their launch call took (HTA short kernels)");
        def("small_kernel_pct", Unit.PERCENT, "kernels shorter than analysis.small_kernel_us");
        def("small_kernel_time_pct", Unit.PERCENT, "share of kernel time spent in kernels shorter than analysis.small_kernel_us");
        def("occupancy_pct", Unit.PERCENT, "duration-weighted mean of Kineto's estimated achieved occupancy");
        def("low_blocks_time_pct", Unit.PERCENT, "share of kernel time in kernels with fewer than one block per SM");
        def("gemm_time_pct", Unit.PERCENT, "share of kernel time in GEMM (matrix multiply) kernels");
        def("simt_gemm_pct", Unit.PERCENT, "share of kernel time in GEMM kernels that run on CUDA cores (no tensor cores)");
        def("gemm_tensor_core_pct", Unit.PERCENT, "share of GEMM time in kernels that use tensor cores");
        def("compute_capability", Unit.VERSION, "compute capability of the busiest device (deviceProperties)");
        def("memcpy_count", Unit.COUNT, "memory copies in the window");
        def("memcpy_ms", Unit.MILLISECONDS, "GPU time of memory copies in the window");
        def("memcpy_bytes", Unit.BYTES, "bytes moved by memory copies in the window");
        def("pageable_memcpy_count", Unit.COUNT, "copies to or from pageable host memory");
        def("pageable_memcpy_bytes", Unit.BYTES, "bytes moved by pageable copies");
        def("pageable_memcpy_ms", Unit.MILLISECONDS, "GPU time of pageable copies");
        def("pageable_memcpy_gbps", Unit.GB_PER_SECOND, "bandwidth achieved by pageable copies (bytes / copy time)");
        def("pageable_memcpy_pct", Unit.PERCENT, "share of the GPU span spent in pageable copies");
        def("pageable_memcpy_per_step", Unit.PER_STEP, "pageable copies per iteration");
        def("pinned_memcpy_gbps", Unit.GB_PER_SECOND, "bandwidth achieved by host copies of 1 MiB or more from or to pinned memory");
        def("memset_count", Unit.COUNT, "memsets in the window");
        def("host_syncs_per_step", Unit.PER_STEP, "calls per iteration that block the host on the GPU (device/stream/event syncs, synchronous copies)");
        def("host_sync_ms_per_step", Unit.MILLISECONDS, "host time per iteration spent blocked in those calls");
        def("host_sync_bubble_pct", Unit.PERCENT, "share of the GPU span idle right after blocking calls until the next GPU work (at most analysis.long_gap_ms per call)");
        def("sync_calls", Unit.TEXT, "which blocking calls were seen, most frequent first");
        def("dataloader_pct", Unit.PERCENT, "share of iteration time inside enumerate(DataLoader)... annotations");
        def("dataloader_ms_per_step", Unit.MILLISECONDS, "time per iteration inside enumerate(DataLoader)... annotations");
        def("host_blocked_pct", Unit.PERCENT, "share of the GPU span idle in gaps longer than analysis.long_gap_ms while the host ran ops that launch nothing (or no op), DataLoader time excluded");
        def("host_blocked_ms", Unit.MILLISECONDS, "total of that idle time");
        def("host_blocked_ops", Unit.TEXT, "top-level CPU ops that ran during those gaps, by time");
        def("input_growth_steps", Unit.COUNT, "longest run of consecutive iterations whose input grows by exactly one token each");
        def("input_len_first", Unit.COUNT, "input length at the start of that run");
        def("input_len_last", Unit.COUNT, "input length at the end of that run");
        def("input_growth_basis", Unit.TEXT, "where the input length was read");
        def("comm_time_pct", Unit.PERCENT, "share of GPU busy time with a communication (NCCL) kernel running");
        def("comm_overlap_pct", Unit.PERCENT, "share of communication time overlapped by computation kernels");
    }

    private MetricCatalog() {
    }

    private static void def(String name, Unit unit, String description) {
        DEFINITIONS.put(name, new Definition(name, unit, description));
    }

    public static Definition get(String name) {
        return DEFINITIONS.get(name);
    }

    public static boolean contains(String name) {
        return DEFINITIONS.containsKey(name);
    }

    public static Map<String, Definition> all() {
        return Collections.unmodifiableMap(DEFINITIONS);
    }

    public static Unit unit(String name) {
        Definition d = DEFINITIONS.get(name);
        if (d == null) {
            throw new IllegalArgumentException("metric '" + name + "' is not in the catalogue");
        }
        return d.unit();
    }
}
