package autoglm.analyse;

import static autoglm.analyse.MetricFamily.FLEET;
import static autoglm.analyse.MetricFamily.FLEET_GPU;
import static autoglm.analyse.MetricFamily.FLEET_IDLE;
import static autoglm.analyse.MetricFamily.FLEET_IMBALANCE;
import static autoglm.analyse.MetricFamily.FLEET_STRAGGLER;
import static autoglm.analyse.MetricFamily.LOAD;
import static autoglm.analyse.MetricFamily.LOAD_LATENCY_SHARES;
import static autoglm.analyse.MetricFamily.LOAD_SCRAPE_COST;
import static autoglm.analyse.MetricFamily.LOAD_SESSIONS;
import static autoglm.analyse.MetricFamily.QUEUE_EVIDENCE;
import static autoglm.analyse.MetricFamily.RANKS;
import static autoglm.analyse.MetricFamily.SAMPLES;
import static autoglm.analyse.MetricFamily.SAMPLES_GPM;
import static autoglm.analyse.MetricFamily.SAMPLES_GPU;
import static autoglm.analyse.MetricFamily.SAMPLES_HOST;
import static autoglm.analyse.MetricFamily.SERVED;
import static autoglm.analyse.MetricFamily.SERVER;
import static autoglm.analyse.MetricFamily.SERVER_PROFILE;
import static autoglm.analyse.MetricFamily.TRACE;
import static autoglm.analyse.MetricFamily.TRACE_GPU;
import static autoglm.analyse.MetricFamily.TRACE_INPUT_GROWTH;
import static autoglm.analyse.MetricFamily.WORKLOAD;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every metric the analyses can produce, declared once: its family ({@link MetricFamily}: which analysis computes
 * it), name, unit and meaning. The order here is the order of every report. Rules may only refer to these names
 * (checked when the rule catalogue loads); the analyses take their lists of names from the families; docs/metrics.md
 * is generated from this list ({@code autoglm rules --metrics --format markdown}).
 */
public final class MetricCatalog {
    /** A metric's declared unit, one-line meaning and families (the first is the one it is listed under). */
    public record Definition(String name, Unit unit, String description, List<MetricFamily> families) {
        public Definition {
            families = List.copyOf(families);
            if (families.isEmpty()) {
                throw new IllegalArgumentException("metric " + name + " has no family");
            }
        }

        /** The family it is listed under. */
        public MetricFamily family() {
            return families.get(0);
        }
    }

    private static final Map<String, Definition> DEFINITIONS = new LinkedHashMap<>();

    static {
        def(TRACE, "trace_span_ms", Unit.MILLISECONDS, "wall time from the first to the last timed event of the trace");
        def(TRACE, "steps", Unit.COUNT, "iterations analysed: complete ProfilerStep#N annotations, else forward passes");
        def(TRACE, "step_time_ms", Unit.MILLISECONDS, "CPU-side duration of an iteration (mean; spread over iterations)");
        def(TRACE, "step_trend_pct", Unit.PERCENT_PER_STEP, "linear trend of iteration time against its index, relative to the mean");
        def(TRACE, "step_trend_r2", Unit.COUNT, "coefficient of determination of that linear fit (0..1)");
        def(TRACE_GPU, "gpu_span_ms", Unit.MILLISECONDS, "HTA kernel time: first GPU activity start to last end, in the window, busiest device");
        def(TRACE_GPU, "gpu_busy_pct", Unit.PERCENT, "share of the GPU span with any kernel, memcpy or memset running (HTA temporal breakdown)");
        def(TRACE_GPU, "gpu_idle_pct", Unit.PERCENT, "share of the GPU span with nothing running (HTA idle time)");
        def(TRACE_GPU, "gpu_compute_pct", Unit.PERCENT, "share of the GPU span with a computation kernel running (HTA compute time)");
        def(TRACE_GPU, "gpu_non_compute_pct", Unit.PERCENT, "share of the GPU span busy only with memory or communication work (HTA non-compute time)");
        def(TRACE_GPU, "idle_host_wait_pct", Unit.PERCENT, "share of per-stream idle time where the next launch came after the GPU ran dry (HTA host wait)");
        def(TRACE_GPU, "idle_kernel_wait_pct", Unit.PERCENT, "share of per-stream idle time in gaps shorter than the consecutive-kernel delay (HTA kernel wait)");
        def(TRACE_GPU, "idle_other_pct", Unit.PERCENT, "share of per-stream idle time of neither kind (HTA other)");
        def(TRACE_GPU, "kernels", Unit.COUNT, "kernels in the window, communication (NCCL) kernels included");
        def(TRACE_GPU, "kernels_per_step", Unit.COUNT, "computation kernels per iteration (communication kernels left out)");
        def(TRACE_GPU, "kernel_us", Unit.MICROSECONDS, "computation kernel duration (median; spread over those kernels; communication kernels left out)");
        def(TRACE_GPU, "launch_cpu_us", Unit.MICROSECONDS, "CPU time of the launching runtime/driver call, over the launched activities other than communication kernels (median; after HTA launch stats)");
        def(TRACE_GPU, "launch_delay_us", Unit.MICROSECONDS, "time from a launch call's start to its GPU activity's start, over the launched activities other than communication kernels (median; after HTA launch delay)");
        def(TRACE_GPU, "short_kernel_pct", Unit.PERCENT, "computation kernels that ran shorter than their launch call took, calls up to analysis.launch_runtime_cutoff_us (after HTA short kernels; communication kernels left out)");
        def(TRACE_GPU, "small_kernel_pct", Unit.PERCENT, "computation kernels shorter than analysis.small_kernel_us (communication kernels left out)");
        def(TRACE_GPU, "small_kernel_time_pct", Unit.PERCENT, "share of computation-kernel time spent in computation kernels shorter than analysis.small_kernel_us");
        def(TRACE_GPU, "occupancy_pct", Unit.PERCENT, "duration-weighted mean of Kineto's estimated achieved occupancy over computation kernels (communication kernels left out)");
        def(TRACE_GPU, "low_blocks_time_pct", Unit.PERCENT, "share of computation-kernel time in computation kernels with fewer than one block per SM (communication kernels left out)");
        def(TRACE_GPU, "gemm_time_pct", Unit.PERCENT, "share of kernel time in GEMM (matrix multiply) kernels");
        def(TRACE_GPU, "simt_gemm_pct", Unit.PERCENT, "share of kernel time in GEMM kernels that run on CUDA cores (no tensor cores)");
        def(TRACE_GPU, "gemm_tensor_core_pct", Unit.PERCENT, "share of GEMM time in kernels that use tensor cores");
        def(TRACE_GPU, "compute_capability", Unit.VERSION, "compute capability of the busiest device (deviceProperties)");
        def(TRACE_GPU, "memcpy_count", Unit.COUNT, "memory copies in the window");
        def(TRACE_GPU, "memcpy_ms", Unit.MILLISECONDS, "GPU time of memory copies in the window");
        def(TRACE_GPU, "memcpy_bytes", Unit.BYTES, "bytes moved by memory copies in the window");
        def(TRACE_GPU, "pageable_memcpy_count", Unit.COUNT, "copies to or from pageable host memory");
        def(TRACE_GPU, "pageable_memcpy_bytes", Unit.BYTES, "bytes moved by pageable copies");
        def(TRACE_GPU, "pageable_memcpy_ms", Unit.MILLISECONDS, "GPU time of pageable copies");
        def(TRACE_GPU, "pageable_memcpy_gbps", Unit.GB_PER_SECOND, "bandwidth achieved by pageable copies (bytes / copy time)");
        def(TRACE_GPU, "pageable_memcpy_pct", Unit.PERCENT, "share of the GPU span spent in pageable copies");
        def(TRACE_GPU, "pageable_memcpy_per_step", Unit.PER_STEP, "pageable copies per iteration");
        def(TRACE_GPU, "pinned_memcpy_gbps", Unit.GB_PER_SECOND, "bandwidth achieved by host copies of 1 MiB or more from or to pinned memory");
        def(TRACE_GPU, "memset_count", Unit.COUNT, "memsets in the window");
        def(TRACE_GPU, "host_syncs_per_step", Unit.PER_STEP, "calls per iteration that block the host on the GPU (device/stream/event syncs, synchronous copies)");
        def(TRACE_GPU, "host_sync_ms_per_step", Unit.MILLISECONDS, "host time per iteration spent blocked in those calls");
        def(TRACE_GPU, "host_sync_bubble_pct", Unit.PERCENT, "share of the GPU span idle right after blocking calls until the next GPU work (at most analysis.long_gap_ms per call)");
        def(TRACE_GPU, "sync_calls", Unit.TEXT, "which blocking calls were seen, most frequent first");
        def(TRACE, "dataloader_pct", Unit.PERCENT, "share of iteration time inside enumerate(DataLoader)... annotations");
        def(TRACE, "dataloader_ms_per_step", Unit.MILLISECONDS, "time per iteration inside enumerate(DataLoader)... annotations");
        def(TRACE_GPU, "host_blocked_pct", Unit.PERCENT, "share of the GPU span idle in gaps longer than analysis.long_gap_ms while the host ran ops that launch nothing (or no op), DataLoader time excluded");
        def(TRACE_GPU, "host_blocked_ms", Unit.MILLISECONDS, "total of that idle time");
        def(TRACE_GPU, "host_blocked_ops", Unit.TEXT, "top-level CPU ops that ran during those gaps, by time");
        def(TRACE_INPUT_GROWTH, "input_growth_steps", Unit.COUNT, "longest run of consecutive iterations whose input grows by exactly one token each");
        def(TRACE_INPUT_GROWTH, "input_len_first", Unit.COUNT, "input length at the start of that run");
        def(TRACE_INPUT_GROWTH, "input_len_last", Unit.COUNT, "input length at the end of that run");
        def(TRACE_INPUT_GROWTH, "input_growth_basis", Unit.TEXT, "where the input length was read: the op, input and dimension of Input Dims, or GPU time per iteration");
        def(TRACE_INPUT_GROWTH, "input_growth_slope_us", Unit.MICROSECONDS, "without shapes: least-squares slope of GPU time per iteration against the iteration index");
        def(TRACE_INPUT_GROWTH, "input_growth_r2", Unit.COUNT, "without shapes: R² of that line (0 to 1)");
        def(TRACE_INPUT_GROWTH, "input_growth_p", Unit.COUNT, "without shapes: two-sided p of that line's slope (Student's t from its standard error)");
        def(TRACE_GPU, "hta_launch_delay_us", Unit.MICROSECONDS, "HTA's launch delay: GPU start minus the launch call's end, clipped at 0, over activities launched by cudaLaunchKernel, cudaLaunchKernelExC, cudaMemcpyAsync and cudaMemsetAsync, communication kernels included as HTA counts them (median; read by no rule)");
        def(TRACE_GPU, "hta_short_kernel_pct", Unit.PERCENT, "HTA's short kernels: of those activities, copies and memsets included, the share whose GPU time is below their call's CPU time (calls up to 50 us; HTA's definition, communication kernels included; read by no rule)");
        def(TRACE_GPU, "launch_queue_max", Unit.COUNT, "the most launches waiting on one stream of the analysed device (launched, not yet started on the GPU; HTA's queue length)");
        def(TRACE_GPU, "launch_queue_mean", Unit.COUNT, "time-weighted mean launches waiting, on the stream with the most launched activities in the window");
        def(TRACE_GPU, "launch_queue_full_ms", Unit.MILLISECONDS, "time any stream's launch queue held 1024 launches (HTA's full queue: the launching thread blocks), summed over streams");
        def(TRACE_GPU, "comm_time_pct", Unit.PERCENT, "share of GPU busy time with a communication (NCCL) kernel running");
        def(TRACE_GPU, "comm_overlap_pct", Unit.PERCENT, "share of communication time overlapped by computation kernels");
        def(RANKS, "rank_count", Unit.COUNT, "ranks of the job diagnosed together (trace files, or a folder of them)");
        def(RANKS, "rank_compute_ms", Unit.MILLISECONDS, "median over the ranks of their computation kernels' GPU time per aligned step; the spread is over the ranks");
        def(RANKS, "straggler_ratio", Unit.FACTOR, "the slowest rank's computation per step against the median of the other ranks'");
        def(RANKS, "straggler_rank", Unit.TEXT, "the rank with the most computation per step");
        def(RANKS, "straggler_gain_pct", Unit.PERCENT, "the slowest rank's computation per step above the others' median, as a share of its step time: what the job would gain per step if it matched them");
        def(RANKS, "collective_wait_pct", Unit.PERCENT, "mean over the ranks other than the slowest of their time in NCCL kernels before the last rank's matching kernel started, as a share of their step time");
        // Fleet metrics: the serving replicas of diagnose --prometheus (docs/fleet.md)
        def(FLEET, "fleet_instances", Unit.COUNT, "serving replicas the selector picked in the window");
        def(FLEET, "fleet_models", Unit.COUNT, "models they serve (distinct model_name labels; replicas are compared only with those of the same model)");
        def(FLEET_IMBALANCE, "fleet_requests_max", Unit.COUNT, "requests the busiest replica finished in the window (the increase of its end-to-end latency histogram's count)");
        def(FLEET_IMBALANCE, "fleet_requests_min", Unit.COUNT, "requests the idlest replica that served any finished in the window");
        def(FLEET_IMBALANCE, "fleet_requests_mean", Unit.COUNT, "requests per serving replica of that model finished in the window");
        def(FLEET_IMBALANCE, "fleet_imbalance_ratio", Unit.FACTOR, "the busiest replica's requests over the idlest serving one's, in the model where that is highest (n: the requests those replicas finished)");
        def(FLEET_IMBALANCE, "fleet_busiest_instance", Unit.TEXT, "the replica that finished the most requests");
        def(FLEET_IMBALANCE, "fleet_idlest_instance", Unit.TEXT, "the serving replica that finished the fewest requests");
        def(FLEET_IMBALANCE, "fleet_imbalance_model", Unit.TEXT, "the model whose replicas those are");
        def(FLEET_IDLE, "fleet_idle_instances", Unit.COUNT, "replicas that finished no request while another replica of their model finished some");
        def(FLEET_IDLE, "fleet_idle_pct", Unit.PERCENT, "those replicas as a share of the replicas compared (models with requests finished; n: the requests the replicas compared finished)");
        def(FLEET_IDLE, "fleet_idle_names", Unit.TEXT, "the idle replicas");
        def(FLEET_STRAGGLER, "fleet_straggler_ratio", Unit.FACTOR, "the slowest replica's mean inter-token latency over the median of its model's other replicas'");
        def(FLEET_STRAGGLER, "fleet_straggler_instance", Unit.TEXT, "the replica with the highest mean inter-token latency of its model");
        def(FLEET_STRAGGLER, "fleet_straggler_itl_ms", Unit.MILLISECONDS, "its mean inter-token latency over the window (its histogram's sum over count, increases)");
        def(FLEET_STRAGGLER, "fleet_others_itl_ms", Unit.MILLISECONDS, "the median of the other replicas' mean inter-token latencies");
        def(FLEET_STRAGGLER, "fleet_straggler_model", Unit.TEXT, "the model whose replicas those are");
        def(FLEET_GPU, "fleet_gpu_instances", Unit.COUNT, "GPU exporters (DCGM exporter or autoglm) the GPU selector picked in the window");
        def(FLEET_GPU, "fleet_throttled_max_pct", Unit.PERCENT, "the most throttled GPU instance's clock_throttled_pct (share of its busy time with a power or thermal limit holding clocks down)");
        def(FLEET_GPU, "fleet_throttled_min_pct", Unit.PERCENT, "the least throttled GPU instance's clock_throttled_pct, over the instances busy with clock reasons");
        def(FLEET_GPU, "fleet_throttle_gap_pct", Unit.PERCENT, "the most throttled GPU instance's clock_throttled_pct minus the least throttled one's, in points (n: the fewer samples of the two)");
        def(FLEET_GPU, "fleet_throttled_instance", Unit.TEXT, "the GPU instance whose GPUs throttled the most");
        def(FLEET_GPU, "fleet_throttled_reasons", Unit.TEXT, "its limiting clock event reasons, by share of busy time");
        // System metrics: from the NVML, GPM and host samples of a profiled run (docs/analyses.md#samples)
        def(SAMPLES, "run_wall_ms", Unit.MILLISECONDS, "wall time of the profiled command, from its start to its exit (or to the interruption)");
        def(SAMPLES_GPU, "active_window_ms", Unit.MILLISECONDS, "time analysed: from the start of the first sample with the GPU in use to the last such sample");
        def(SAMPLES_GPU, "startup_excluded_ms", Unit.MILLISECONDS, "time from the command's start to the active window, left out of the sample statistics");
        def(SAMPLES_GPU, "tail_excluded_ms", Unit.MILLISECONDS, "time from the end of the active window to the command's exit, left out");
        def(SAMPLES_GPU, "gpus_used", Unit.COUNT, "GPUs the command used (its processes on them, else utilisation or memory growth)");
        def(SAMPLES_GPU, "gpu_util_pct", Unit.PERCENT, "NVML utilization: share of time a kernel was running, time-weighted over the active window");
        def(SAMPLES_GPU, "gpu_mem_util_pct", Unit.PERCENT, "NVML memory utilization: share of time device memory was read or written");
        def(SAMPLES_GPM, "sm_active_pct", Unit.PERCENT, "GPM SM activity: share of SMs busy, time-weighted (Hopper and newer)");
        def(SAMPLES_GPM, "sm_occupancy_pct", Unit.PERCENT, "GPM SM occupancy: resident warps against the maximum");
        def(SAMPLES_GPM, "tensor_active_pct", Unit.PERCENT, "GPM tensor activity: share of time SMs ran any tensor-core instruction");
        def(SAMPLES_GPM, "dram_bw_pct", Unit.PERCENT, "GPM DRAM bandwidth used against the theoretical maximum");
        def(SAMPLES_GPM, "fp16_active_pct", Unit.PERCENT, "GPM share of time SMs ran non-tensor FP16 math");
        def(SAMPLES_GPM, "fp32_active_pct", Unit.PERCENT, "GPM share of time SMs ran non-tensor FP32 math");
        def(SAMPLES_GPU, "gpu_mem_peak_pct", Unit.PERCENT, "peak device memory used (NVML, includes reserved) against the total, over the whole run");
        def(SAMPLES_GPU, "gpu_mem_peak_bytes", Unit.BYTES, "peak device memory used over the whole run");
        def(SAMPLES_GPU, "gpu_mem_total_bytes", Unit.BYTES, "device memory of the GPU that peaked");
        def(SAMPLES_GPU, "proc_gpu_mem_peak_bytes", Unit.BYTES, "peak device memory held by the profiled process tree (per-process NVML)");
        def(SAMPLES_GPU, "power_w", Unit.WATTS, "board power draw, time-weighted over the active window");
        def(SAMPLES_GPU, "sm_clock_mhz", Unit.MEGAHERTZ, "SM clock, time-weighted over the active window");
        def(SAMPLES_GPU, "sm_clock_max_mhz", Unit.MEGAHERTZ, "highest SM clock the GPU can run at (NVML max clock; the lowest of several GPUs)");
        def(SAMPLES_GPU, "clock_throttled_pct", Unit.PERCENT, "share of busy time (utilization > 0) with clocks held down by power or thermal limits (NVML clock event reasons)");
        def(SAMPLES_GPU, "clock_reasons", Unit.TEXT, "which clock event reasons were set while busy, with their share of busy time");
        def(SAMPLES_HOST, "host_cpu_pct", Unit.PERCENT, "CPU use of the whole machine, all cores, over the active window");
        def(SAMPLES_HOST, "host_proc_cpu_pct", Unit.PERCENT, "CPU use of the profiled process tree, in percent of one core");
        def(SAMPLES_HOST, "host_busiest_thread_pct", Unit.PERCENT, "CPU use of the tree's busiest thread, in percent of one core, time-weighted");
        def(SAMPLES_HOST, "host_busiest_thread", Unit.TEXT, "the thread that was busiest most of the time (name and process id)");
        def(SAMPLES_HOST, "host_rss_peak_bytes", Unit.BYTES, "peak resident memory of the profiled process tree");
        def(SAMPLES_GPM, "pcie_tx_gbps", Unit.GB_PER_SECOND, "PCIe traffic from the GPU (GPM), time-weighted");
        def(SAMPLES_GPM, "pcie_rx_gbps", Unit.GB_PER_SECOND, "PCIe traffic to the GPU (GPM), time-weighted");
        def(SAMPLES, "pcie_link_gbps", Unit.GB_PER_SECOND, "usable bandwidth of one direction of the GPU's PCIe link (generation x width)");
        def(SAMPLES_GPM, "pcie_link_pct", Unit.PERCENT, "busier PCIe direction against the link's bandwidth, time-weighted");
        // Workload metrics: from the events of the autoglm workload (profile --model; docs/workload.md#events)
        def(WORKLOAD, "workload_model", Unit.TEXT, "the model the workload ran: the preset's name or the checkpoint's");
        def(WORKLOAD, "workload_source", Unit.TEXT, "where the model came from: preset (random weights) or checkpoint");
        def(WORKLOAD, "workload_layers", Unit.COUNT, "transformer layers the workload ran");
        def(WORKLOAD, "workload_device", Unit.TEXT, "the device the workload ran on (its name when known)");
        def(WORKLOAD, "workload_device_type", Unit.TEXT, "the kind of device the workload ran on: cpu or cuda");
        def(WORKLOAD, "workload_torch", Unit.TEXT, "the PyTorch version the workload ran with");
        def(WORKLOAD, "workload_dtype", Unit.TEXT, "the workload's weight and compute dtype (fp32, bf16, fp16)");
        def(WORKLOAD, "workload_requests", Unit.COUNT, "requests (conversation turns) served after warm-up");
        def(WORKLOAD, "workload_wall_ms", Unit.MILLISECONDS, "wall time of the workload process, from its start event to its end");
        def(WORKLOAD, "ms_per_token", Unit.MILLISECONDS, "decode step time: milliseconds per output token of each sequence (mean over measured decode steps)");
        def(WORKLOAD, "tokens_per_s", Unit.TOKENS_PER_SECOND, "output tokens of all requests over the serving time (first measured batch to the last token)");
        def(List.of(WORKLOAD, LOAD), "ttft_ms", Unit.MILLISECONDS, "time to first token per request: from its arrival (the wait in the queue and for input included) to the end of prefill");
        def(WORKLOAD, "queue_ms", Unit.MILLISECONDS, "wait in the queue per request: its arrival (serving start, or the end of its conversation's last turn and the action after it) to its batch's start");
        def(WORKLOAD, "tpot_ms", Unit.MILLISECONDS, "time per output token after the first, per request");
        def(WORKLOAD, "e2e_ms", Unit.MILLISECONDS, "end-to-end latency per request: its arrival to its last token");
        def(WORKLOAD, "prefill_ms", Unit.MILLISECONDS, "prefill step time (mean over measured batches)");
        def(WORKLOAD, "prefill_time_pct", Unit.PERCENT, "share of serving time in prefill steps");
        def(WORKLOAD, "decode_time_pct", Unit.PERCENT, "share of serving time in decode steps");
        def(WORKLOAD, "peak_mem_bytes", Unit.BYTES, "allocator peak of the workload: CUDA max_memory_allocated, or peak RSS on CPU");
        def(WORKLOAD, "padded_token_pct", Unit.PERCENT, "share of prefill tokens computed that were padding (padded - real over padded)");
        def(WORKLOAD, "pad_tokens", Unit.COUNT, "padding tokens computed in measured prefills");
        def(WORKLOAD, "prompt_tokens", Unit.COUNT, "prompt tokens computed in measured prefills (padding and reused prefixes excluded)");
        def(WORKLOAD, "request_prompt_tokens", Unit.COUNT, "prompt tokens of the measured requests, history, system prompt and images included: the work asked for");
        def(WORKLOAD, "cached_prompt_tokens", Unit.COUNT, "prompt tokens whose keys and values were reused from the conversation's last turn (prefix_cache=on)");
        def(WORKLOAD, "prefix_reuse_pct", Unit.PERCENT, "cached_prompt_tokens against request_prompt_tokens");
        def(WORKLOAD, "output_tokens_total", Unit.COUNT, "output tokens of all measured requests");
        def(WORKLOAD, "decode_rows", Unit.COUNT, "rows computed by measured decode steps (batch x beams per step): the decode work done");
        def(WORKLOAD, "image_tokens", Unit.COUNT, "image tokens in measured prefills (GLM-4.1V: one per 28x28 pixels after the resize)");
        def(WORKLOAD, "vision_time_pct", Unit.PERCENT, "share of prefill time in the vision tower");
        def(WORKLOAD, "mean_batch", Unit.COUNT, "requests per batch (mean over measured batches)");
        def(WORKLOAD, "mean_queue", Unit.COUNT, "requests still waiting when a batch started (mean over measured batches)");
        def(WORKLOAD, "batch_knob", Unit.COUNT, "the batch size the workload was asked for");
        def(WORKLOAD, "compiles", Unit.COUNT, "compilations and CUDA graph captures, warm-up included");
        def(WORKLOAD, "compiles_after_warmup", Unit.COUNT, "compilations or captures after warm-up (new shapes at serving time)");
        def(WORKLOAD, "compile_ms", Unit.MILLISECONDS, "time in compilations after warm-up");
        def(WORKLOAD, "load_ms", Unit.MILLISECONDS, "model build or load time");
        def(WORKLOAD, "warmup_ms", Unit.MILLISECONDS, "warm-up time (compilations and captures of the warm-up included)");
        def(WORKLOAD, "cold_start_pct", Unit.PERCENT, "load and warm-up against the workload's wall time");
        def(WORKLOAD, "num_beams", Unit.COUNT, "beam search width (1: greedy)");
        def(WORKLOAD, "max_new_tokens", Unit.COUNT, "decode budget per batch");
        def(WORKLOAD, "output_tokens", Unit.COUNT, "output tokens per request (mean)");
        def(WORKLOAD, "decode_waste_pct", Unit.PERCENT, "share of decode rows computed that produced no kept token: extra beams, and finished requests still in their batch");
        def(List.of(WORKLOAD, LOAD_SESSIONS), "turns", Unit.COUNT, "turns per conversation");
        def(List.of(WORKLOAD, LOAD_SESSIONS), "turn_ttft_growth_pct", Unit.PER_TURN, "slope of time to first token against the turn index, relative to the first turn's; only where 3 turns or more and a slope significant at analysis.fit_alpha");
        def(List.of(WORKLOAD, LOAD_SESSIONS), "turn_ttft_growth_p", Unit.COUNT, "two-sided p of that slope (Student's t from its standard error)");
        def(List.of(WORKLOAD, LOAD_SESSIONS), "turn_prompt_tokens_last", Unit.COUNT, "prompt tokens (history included) in the last turn (mean over conversations)");
        def(WORKLOAD, "bandwidth_gbps", Unit.GB_PER_SECOND, "device memory bandwidth, measured by a device-to-device copy (read + write)");
        def(WORKLOAD, "roofline_floor_ms", Unit.MILLISECONDS, "least time a decode step can take: weights (embedding excluded) and the keys and values its rows really hold (padding excluded) read once, over bandwidth_gbps");
        def(WORKLOAD, "roofline_pct", Unit.PERCENT, "roofline_floor_ms against the measured decode step: the share of the floor achieved");
        def(WORKLOAD, "fit_pct", Unit.PERCENT, "weights and the KV cache the run needs against the device memory free at start");
        def(WORKLOAD, "fit_need_bytes", Unit.BYTES, "weights plus the largest KV cache of the run");
        def(WORKLOAD, "fit_free_bytes", Unit.BYTES, "device memory free when the workload started (host memory on CPU)");
        def(WORKLOAD, "cpu_half_precision", Unit.COUNT, "1 when the model ran in fp16 or bf16 on the CPU, else 0");
        def(WORKLOAD, "input_wait_pct", Unit.PERCENT, "share of serving time the loop waited for its next input batch");
        def(WORKLOAD, "input_wait_ms_per_batch", Unit.MILLISECONDS, "input wait per batch (mean)");
        // Load metrics: from autoglm load's requests (client side, warm-up left out; docs/analyses.md#load-runs)
        def(LOAD, "load_requests", Unit.COUNT, "requests measured (warm-up left out), whatever their end");
        def(LOAD, "load_completed", Unit.COUNT, "requests that ended well (status ok)");
        def(LOAD, "load_errors", Unit.COUNT, "requests that failed, all kinds");
        def(LOAD, "load_error_pct", Unit.PERCENT, "failed requests against all measured");
        def(LOAD, "load_error_kinds", Unit.TEXT, "failed requests by kind (refused, timeout, reset, http-CODE, malformed, server-error, incomplete)");
        def(LOAD, "load_duration_ms", Unit.MILLISECONDS, "from the first scheduled send to the last answer's end (vLLM's benchmark duration)");
        def(LOAD, "load_request_rate", Unit.REQUESTS_PER_SECOND, "completed requests per second of the duration (vLLM's request throughput)");
        def(LOAD, "load_target_rate", Unit.REQUESTS_PER_SECOND, "the open-loop profile's rate");
        def(LOAD, "load_achieved_rate_pct", Unit.PERCENT, "rate of the actual sends against the rate their schedule asked for");
        def(LOAD, "load_client_wait_ms", Unit.MILLISECONDS, "time from a request's scheduled send to its actual send: the client's own lag");
        def(LOAD_SCRAPE_COST, "load_scrape_ms", Unit.MILLISECONDS, "time one scrape of the server's /metrics took the client, fetching and parsing the page (mean; spread; n: scrapes, failed ones included)");
        def(LOAD_SCRAPE_COST, "load_scrape_busy_pct", Unit.PERCENT, "share of the time from the first scrape to the last that the /metrics scraper was fetching or parsing a page");
        def(LOAD_SCRAPE_COST, "load_client_lag_cause", Unit.TEXT, "what the client-limited rule names as the client's cause of lag: the /metrics scraper when it was busy 20% of the time or more, else CPU, connection setup, encoding images");
        def(LOAD, "load_concurrency", Unit.COUNT, "requests in flight on average: summed E2EL over the duration (Little's law)");
        def(LOAD, "load_input_tokens", Unit.COUNT, "prompt tokens of the completed requests (the server's usage, else the client's estimate)");
        def(LOAD, "load_output_tokens", Unit.COUNT, "output tokens of the completed requests (usage, else the chunks that carried text)");
        def(LOAD, "load_output_throughput", Unit.TOKENS_PER_SECOND, "output tokens per second of the duration");
        def(LOAD, "load_total_throughput", Unit.TOKENS_PER_SECOND, "prompt and output tokens per second of the duration");
        def(LOAD, "load_ttft_ms", Unit.MILLISECONDS, "time to first token as vLLM's bench serve times it: scheduled send to the first chunk with a non-empty choices, the role chunk included (mean; spread)");
        def(LOAD, "load_first_text_ms", Unit.MILLISECONDS, "time to first text: scheduled send to the first chunk carrying content, reasoning or a tool call (mean; spread)");
        def(LOAD, "load_tpot_ms", Unit.MILLISECONDS, "time per output token after the first: (E2EL - TTFT) / (output tokens - 1) (mean; spread)");
        def(LOAD, "load_itl_ms", Unit.MILLISECONDS, "inter-token latency: gaps between consecutive chunks with choices (vLLM's bench serve), all requests (mean; spread)");
        def(LOAD, "load_e2el_ms", Unit.MILLISECONDS, "end-to-end latency: scheduled send to the last chunk with choices (mean; spread)");
        def(LOAD, "load_thinking_ms", Unit.MILLISECONDS, "scheduled send to the first chunk that is not reasoning: the model's thinking time (mean; spread)");
        def(LOAD, "load_goodput", Unit.REQUESTS_PER_SECOND, "completed requests meeting every SLO, per second of the duration");
        def(LOAD, "load_goodput_pct", Unit.PERCENT, "completed requests meeting every SLO");
        def(LOAD, "load_slo_ttft_ms", Unit.MILLISECONDS, "the TTFT SLO in force (--slo ttft=)");
        def(LOAD, "load_slo_tpot_ms", Unit.MILLISECONDS, "the TPOT SLO in force (--slo tpot=)");
        def(LOAD, "load_slo_e2el_ms", Unit.MILLISECONDS, "the E2EL SLO in force (--slo e2el=)");
        def(LOAD, "load_timeout_ms", Unit.MILLISECONDS, "the longest a request could take (--timeout)");
        def(LOAD, "load_slo_miss_ttft_pct", Unit.PERCENT, "completed requests above the TTFT SLO");
        def(LOAD, "load_slo_miss_tpot_pct", Unit.PERCENT, "completed requests above the TPOT SLO");
        def(LOAD, "load_slo_miss_e2el_pct", Unit.PERCENT, "completed requests above the E2EL SLO");
        def(LOAD, "load_prompt_tokens", Unit.COUNT, "prompt tokens per request (the server's usage, else the estimate; mean; spread)");
        def(LOAD, "load_image_tokens", Unit.COUNT, "image tokens per request, as the GLM-4.1V processor counts them (client estimate, mean)");
        def(LOAD, "load_image_token_pct", Unit.PERCENT, "image tokens against all prompt tokens");
        def(LOAD, "load_repeated_prefix_pct", Unit.PERCENT, "prompt tokens the client knows to repeat the start of an earlier prompt (estimate): what a prefix cache can keep");
        def(LOAD, "load_itl_p99_p50", Unit.FACTOR, "p99 of the inter-token gaps over their median");
        def(SERVER_PROFILE, "server_profile_cost_pct", Unit.PERCENT, "load --server-profile: TPOT of the requests inside the profiling window over those outside it, less one");
        def(SERVER_PROFILE, "server_profile_tpot_inside_ms", Unit.MILLISECONDS, "mean TPOT of the measured requests wholly inside the profiling window (spread: standard deviation)");
        def(SERVER_PROFILE, "server_profile_tpot_outside_ms", Unit.MILLISECONDS, "mean TPOT of those wholly outside it: before it opened or after the trace was written");
        def(SERVER_PROFILE, "server_profile_cost_p", Unit.COUNT, "Welch's two-sided p of the two sides' TPOT");
        def(SERVED, "served_vision_prefill_pct", Unit.PERCENT, "of the server steps its vision encoder ran in (image prefills), the share of their time it took");
        def(SERVED, "served_vision_ms", Unit.MILLISECONDS, "the vision encoder's time in such a step (median; spread over them)");
        def(SERVED, "served_long_step_ms", Unit.MILLISECONDS, "server steps longer than 3x the median step (prefill): their median");
        def(SERVED, "served_long_step_factor", Unit.FACTOR, "the long steps' median over the median of all server steps");
        def(SERVED, "served_long_step_time_pct", Unit.PERCENT, "share of the server's step time in those long steps");
        def(SERVED, "served_long_steps_beside", Unit.COUNT, "long steps that began beside another request (two or more running), the ones the streams' gaps are set against");
        def(SERVED, "served_itl_gaps_in_long_steps_pct", Unit.PERCENT, "of the time of the gaps between tokens above 3x the median, within the server's timeline, the share a long server step ran that began with two requests or more running");
        def(SERVED, "served_steps", Unit.COUNT, "server steps (ProfilerStep#N or kernel passes) matched to the batch its /metrics reported running");
        def(SERVED, "served_kernels_per_step", Unit.COUNT, "kernels launched per server step (median; spread over steps)");
        def(SERVED, "served_batch_low", Unit.COUNT, "the smallest running batch (1 or more) the server ran enough steps at");
        def(SERVED, "served_batch_high", Unit.COUNT, "the largest running batch the server ran enough steps at");
        def(SERVED, "served_step_ms_low_batch", Unit.MILLISECONDS, "server step time at the low batch (median)");
        def(SERVED, "served_step_ms_high_batch", Unit.MILLISECONDS, "server step time at the high batch (median)");
        def(SERVED, "served_busy_pct_low_batch", Unit.PERCENT, "share of a server step the GPU was busy, at the low batch (median)");
        def(SERVED, "served_busy_pct_high_batch", Unit.PERCENT, "share of a server step the GPU was busy, at the high batch (median)");
        def(LOAD, "load_itl_stalls_in_prefill_pct", Unit.PERCENT, "gaps above 3x the median ITL during which another request got its first token (its prefill ran then)");
        def(LOAD_LATENCY_SHARES, "load_ttft_share_pct", Unit.PERCENT, "time to first token against end-to-end latency: summed over the completed requests, the share of the mean E2EL before the first token");
        def(LOAD_LATENCY_SHARES, "load_prefill_stall_pct", Unit.PERCENT, "the time stalls between tokens add during another request's prefill: over the gaps above 3x the median gap inside which another request got its first token, the excess over the median, summed, against the summed E2EL");
        def(LOAD, "load_prefill_quadratic_pct", Unit.PERCENT, "share of the quadratic term in the fitted TTFT at the longest prompt measured, in a fit TTFT = a + b n + c n^2 over prompt length n; only where the prompts span analysis.fit_min_prompt_ratio and c is positive and significant");
        def(LOAD, "load_prefill_quadratic_p", Unit.COUNT, "two-sided p of the quadratic coefficient c in that fit (Student's t from its standard error)");
        def(LOAD_SESSIONS, "load_step_ttft_slope_ms", Unit.MS_PER_STEP, "least-squares slope of TTFT against the step number of agent sessions, as measured (significant or not)");
        def(LOAD_SESSIONS, "load_ttft_by_step", Unit.TEXT, "mean TTFT at each step number of the sessions");
        def(LOAD_SESSIONS, "load_e2el_by_step", Unit.TEXT, "mean step latency (E2EL) at each step number of the sessions");
        def(LOAD_SESSIONS, "load_thinking_by_step", Unit.TEXT, "mean thinking time (until the answer starts) at each step number");
        def(LOAD, "load_prefix_missed_pct", Unit.PERCENT, "load_repeated_prefix_pct the server's prefix cache did not hit (all of it when caching is off), in points of the prompt");
        // Server metrics: the server's own /metrics over the load (docs/analyses.md#server-metrics)
        def(SERVER, "server_kind", Unit.TEXT, "whose metric names the server's /metrics page carries: vllm, sglang, tgi, llama.cpp");
        def(SERVER, "server_scrapes", Unit.COUNT, "successful scrapes of the server's /metrics");
        def(SERVER, "server_running_mean", Unit.COUNT, "requests running in the server's batch (mean over scrapes; spread)");
        def(SERVER, "server_running_max", Unit.COUNT, "most requests running at a scrape");
        def(SERVER, "server_waiting_mean", Unit.COUNT, "requests waiting in the server's queue (mean over scrapes; spread)");
        def(SERVER, "server_waiting_time_pct", Unit.PERCENT, "scrapes at which at least one request was waiting");
        def(SERVER, "server_kv_usage_mean_pct", Unit.PERCENT, "KV-cache use, the mean of the engines (data-parallel ranks) at each scrape, then over scrapes; spread");
        def(SERVER, "server_kv_usage_max_pct", Unit.PERCENT, "highest KV-cache use of any one engine at a scrape (an engine's use; engines' uses are not added)");
        def(SERVER, "server_kv_engines", Unit.COUNT, "engines (label sets of the KV-cache gauge: data-parallel ranks) the server published");
        def(SERVER, "server_preemptions", Unit.COUNT, "requests the server preempted (vLLM) or retracted (SGLang) during the load (counter increase; from SGLang's older gauge, a lower bound)");
        def(SERVER, "server_prefix_caching", Unit.TEXT, "whether the server's prefix caching is on (vLLM cache_config_info)");
        def(SERVER, "server_prefix_hit_pct", Unit.PERCENT, "prefix-cache hits against queries, in tokens, during the load");
        def(SERVER, "server_ttft_ms", Unit.MILLISECONDS, "the server's TTFT histogram over the load: mean (histogram quantiles as spread)");
        def(SERVER, "server_e2el_ms", Unit.MILLISECONDS, "the server's end-to-end latency histogram: mean (quantiles as spread)");
        def(SERVER, "server_queue_ms", Unit.MILLISECONDS, "the server's queue-time histogram: mean (quantiles as spread)");
        def(SERVER, "server_prefill_ms", Unit.MILLISECONDS, "the server's prefill-time histogram: mean (quantiles as spread)");
        def(SERVER, "server_decode_ms", Unit.MILLISECONDS, "the server's decode-time histogram: mean (quantiles as spread)");
        def(SERVER, "server_itl_ms", Unit.MILLISECONDS, "the server's inter-token latency histogram: mean (quantiles as spread)");
        def(SERVER, "server_queue_share_pct", Unit.PERCENT, "mean queue time against the server's mean end-to-end latency (n: the fewer requests of the two histograms)");
        def(QUEUE_EVIDENCE, "queue_share_pct", Unit.PERCENT, "mean time waiting in the server's queue against mean end-to-end latency, from the best evidence the server gives (queue_basis; docs/analyses.md#queue-evidence)");
        def(QUEUE_EVIDENCE, "load_queue_ms", Unit.MILLISECONDS, "mean time waiting in the server's queue per request, from that evidence");
        def(QUEUE_EVIDENCE, "queue_basis", Unit.TEXT, "the evidence: server-histograms, server-queue-client-e2el, waiting-gauge (Little's law) or baseline-excess (TTFT above an unloaded baseline)");
        def(SERVER, "server_prefill_share_pct", Unit.PERCENT, "mean prefill time against the server's mean end-to-end latency");
        def(SERVER, "server_decode_share_pct", Unit.PERCENT, "mean decode time against the server's mean end-to-end latency");
    }

    private MetricCatalog() {
    }

    private static void def(MetricFamily family, String name, Unit unit, String description) {
        def(List.of(family), name, unit, description);
    }

    private static void def(List<MetricFamily> families, String name, Unit unit, String description) {
        if (DEFINITIONS.putIfAbsent(name, new Definition(name, unit, description, families)) != null) {
            throw new IllegalStateException("metric " + name + " defined twice in the catalogue");
        }
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
