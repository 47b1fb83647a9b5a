package autoglm.analyse;

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
        def("kernels", Unit.COUNT, "kernels in the window, communication (NCCL) kernels included");
        def("kernels_per_step", Unit.COUNT, "computation kernels per iteration (communication kernels left out)");
        def("kernel_us", Unit.MICROSECONDS, "computation kernel duration (median; spread over those kernels; communication kernels left out)");
        def("launch_cpu_us", Unit.MICROSECONDS, "CPU time of the launching runtime/driver call, over the launched activities other than communication kernels (median; after HTA launch stats)");
        def("launch_delay_us", Unit.MICROSECONDS, "time from a launch call's start to its GPU activity's start, over the launched activities other than communication kernels (median; after HTA launch delay)");
        def("short_kernel_pct", Unit.PERCENT, "computation kernels that ran shorter than their launch call took, calls up to analysis.launch_runtime_cutoff_us (after HTA short kernels; communication kernels left out)");
        def("small_kernel_pct", Unit.PERCENT, "computation kernels shorter than analysis.small_kernel_us (communication kernels left out)");
        def("small_kernel_time_pct", Unit.PERCENT, "share of computation-kernel time spent in computation kernels shorter than analysis.small_kernel_us");
        def("occupancy_pct", Unit.PERCENT, "duration-weighted mean of Kineto's estimated achieved occupancy over computation kernels (communication kernels left out)");
        def("low_blocks_time_pct", Unit.PERCENT, "share of computation-kernel time in computation kernels with fewer than one block per SM (communication kernels left out)");
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
        def("input_growth_basis", Unit.TEXT, "where the input length was read: the op, input and dimension of Input Dims, or GPU time per iteration");
        def("input_growth_slope_us", Unit.MICROSECONDS, "without shapes: least-squares slope of GPU time per iteration against the iteration index");
        def("input_growth_r2", Unit.COUNT, "without shapes: R² of that line (0 to 1)");
        def("input_growth_p", Unit.COUNT, "without shapes: two-sided p of that line's slope (Student's t from its standard error)");
        def("hta_launch_delay_us", Unit.MICROSECONDS, "HTA's launch delay: GPU start minus the launch call's end, clipped at 0, over activities launched by cudaLaunchKernel, cudaLaunchKernelExC, cudaMemcpyAsync and cudaMemsetAsync, communication kernels included as HTA counts them (median; read by no rule)");
        def("hta_short_kernel_pct", Unit.PERCENT, "HTA's short kernels: of those activities, copies and memsets included, the share whose GPU time is below their call's CPU time (calls up to 50 us; HTA's definition, communication kernels included; read by no rule)");
        def("launch_queue_max", Unit.COUNT, "the most launches waiting on one stream of the analysed device (launched, not yet started on the GPU; HTA's queue length)");
        def("launch_queue_mean", Unit.COUNT, "time-weighted mean launches waiting, on the stream with the most launched activities in the window");
        def("launch_queue_full_ms", Unit.MILLISECONDS, "time any stream's launch queue held 1024 launches (HTA's full queue: the launching thread blocks), summed over streams");
        def("comm_time_pct", Unit.PERCENT, "share of GPU busy time with a communication (NCCL) kernel running");
        def("comm_overlap_pct", Unit.PERCENT, "share of communication time overlapped by computation kernels");
        def("rank_count", Unit.COUNT, "ranks of the job diagnosed together (trace files, or a folder of them)");
        def("rank_compute_ms", Unit.MILLISECONDS, "median over the ranks of their computation kernels' GPU time per aligned step; the spread is over the ranks");
        def("straggler_ratio", Unit.FACTOR, "the slowest rank's computation per step against the median of the other ranks'");
        def("straggler_rank", Unit.TEXT, "the rank with the most computation per step");
        def("straggler_gain_pct", Unit.PERCENT, "the slowest rank's computation per step above the others' median, as a share of its step time: what the job would gain per step if it matched them");
        def("collective_wait_pct", Unit.PERCENT, "mean over the ranks other than the slowest of their time in NCCL kernels before the last rank's matching kernel started, as a share of their step time");
        // Fleet metrics: the serving replicas of diagnose --prometheus (docs/fleet.md)
        def("fleet_instances", Unit.COUNT, "serving replicas the selector picked in the window");
        def("fleet_models", Unit.COUNT, "models they serve (distinct model_name labels; replicas are compared only with those of the same model)");
        def("fleet_requests_max", Unit.COUNT, "requests the busiest replica finished in the window (the increase of its end-to-end latency histogram's count)");
        def("fleet_requests_min", Unit.COUNT, "requests the idlest replica that served any finished in the window");
        def("fleet_requests_mean", Unit.COUNT, "requests per serving replica of that model finished in the window");
        def("fleet_imbalance_ratio", Unit.FACTOR, "the busiest replica's requests over the idlest serving one's, in the model where that is highest (n: the requests those replicas finished)");
        def("fleet_busiest_instance", Unit.TEXT, "the replica that finished the most requests");
        def("fleet_idlest_instance", Unit.TEXT, "the serving replica that finished the fewest requests");
        def("fleet_imbalance_model", Unit.TEXT, "the model whose replicas those are");
        def("fleet_idle_instances", Unit.COUNT, "replicas that finished no request while another replica of their model finished some");
        def("fleet_idle_pct", Unit.PERCENT, "those replicas as a share of the replicas compared (models with requests finished; n: the requests the replicas compared finished)");
        def("fleet_idle_names", Unit.TEXT, "the idle replicas");
        def("fleet_straggler_ratio", Unit.FACTOR, "the slowest replica's mean inter-token latency over the median of its model's other replicas'");
        def("fleet_straggler_instance", Unit.TEXT, "the replica with the highest mean inter-token latency of its model");
        def("fleet_straggler_itl_ms", Unit.MILLISECONDS, "its mean inter-token latency over the window (its histogram's sum over count, increases)");
        def("fleet_others_itl_ms", Unit.MILLISECONDS, "the median of the other replicas' mean inter-token latencies");
        def("fleet_straggler_model", Unit.TEXT, "the model whose replicas those are");
        def("fleet_gpu_instances", Unit.COUNT, "GPU exporters (DCGM exporter or autoglm) the GPU selector picked in the window");
        def("fleet_throttled_max_pct", Unit.PERCENT, "the most throttled GPU instance's clock_throttled_pct (share of its busy time with a power or thermal limit holding clocks down)");
        def("fleet_throttled_min_pct", Unit.PERCENT, "the least throttled GPU instance's clock_throttled_pct, over the instances busy with clock reasons");
        def("fleet_throttle_gap_pct", Unit.PERCENT, "the most throttled GPU instance's clock_throttled_pct minus the least throttled one's, in points (n: the fewer samples of the two)");
        def("fleet_throttled_instance", Unit.TEXT, "the GPU instance whose GPUs throttled the most");
        def("fleet_throttled_reasons", Unit.TEXT, "its limiting clock event reasons, by share of busy time");
        // System metrics: from the NVML, GPM and host samples of a profiled run (docs/analyses.md#samples)
        def("run_wall_ms", Unit.MILLISECONDS, "wall time of the profiled command, from its start to its exit (or to the interruption)");
        def("active_window_ms", Unit.MILLISECONDS, "time analysed: from the start of the first sample with the GPU in use to the last such sample");
        def("startup_excluded_ms", Unit.MILLISECONDS, "time from the command's start to the active window, left out of the sample statistics");
        def("tail_excluded_ms", Unit.MILLISECONDS, "time from the end of the active window to the command's exit, left out");
        def("gpus_used", Unit.COUNT, "GPUs the command used (its processes on them, else utilisation or memory growth)");
        def("gpu_util_pct", Unit.PERCENT, "NVML utilization: share of time a kernel was running, time-weighted over the active window");
        def("gpu_mem_util_pct", Unit.PERCENT, "NVML memory utilization: share of time device memory was read or written");
        def("sm_active_pct", Unit.PERCENT, "GPM SM activity: share of SMs busy, time-weighted (Hopper and newer)");
        def("sm_occupancy_pct", Unit.PERCENT, "GPM SM occupancy: resident warps against the maximum");
        def("tensor_active_pct", Unit.PERCENT, "GPM tensor activity: share of time SMs ran any tensor-core instruction");
        def("dram_bw_pct", Unit.PERCENT, "GPM DRAM bandwidth used against the theoretical maximum");
        def("fp16_active_pct", Unit.PERCENT, "GPM share of time SMs ran non-tensor FP16 math");
        def("fp32_active_pct", Unit.PERCENT, "GPM share of time SMs ran non-tensor FP32 math");
        def("gpu_mem_peak_pct", Unit.PERCENT, "peak device memory used (NVML, includes reserved) against the total, over the whole run");
        def("gpu_mem_peak_bytes", Unit.BYTES, "peak device memory used over the whole run");
        def("gpu_mem_total_bytes", Unit.BYTES, "device memory of the GPU that peaked");
        def("proc_gpu_mem_peak_bytes", Unit.BYTES, "peak device memory held by the profiled process tree (per-process NVML)");
        def("power_w", Unit.WATTS, "board power draw, time-weighted over the active window");
        def("sm_clock_mhz", Unit.MEGAHERTZ, "SM clock, time-weighted over the active window");
        def("sm_clock_max_mhz", Unit.MEGAHERTZ, "highest SM clock the GPU can run at (NVML max clock; the lowest of several GPUs)");
        def("clock_throttled_pct", Unit.PERCENT, "share of busy time (utilization > 0) with clocks held down by power or thermal limits (NVML clock event reasons)");
        def("clock_reasons", Unit.TEXT, "which clock event reasons were set while busy, with their share of busy time");
        def("host_cpu_pct", Unit.PERCENT, "CPU use of the whole machine, all cores, over the active window");
        def("host_proc_cpu_pct", Unit.PERCENT, "CPU use of the profiled process tree, in percent of one core");
        def("host_busiest_thread_pct", Unit.PERCENT, "CPU use of the tree's busiest thread, in percent of one core, time-weighted");
        def("host_busiest_thread", Unit.TEXT, "the thread that was busiest most of the time (name and process id)");
        def("host_rss_peak_bytes", Unit.BYTES, "peak resident memory of the profiled process tree");
        def("pcie_tx_gbps", Unit.GB_PER_SECOND, "PCIe traffic from the GPU (GPM), time-weighted");
        def("pcie_rx_gbps", Unit.GB_PER_SECOND, "PCIe traffic to the GPU (GPM), time-weighted");
        def("pcie_link_gbps", Unit.GB_PER_SECOND, "usable bandwidth of one direction of the GPU's PCIe link (generation x width)");
        def("pcie_link_pct", Unit.PERCENT, "busier PCIe direction against the link's bandwidth, time-weighted");
        // Workload metrics: from the events of the autoglm workload (profile --model; docs/workload.md#events)
        def("workload_model", Unit.TEXT, "the model the workload ran: the preset's name or the checkpoint's");
        def("workload_source", Unit.TEXT, "where the model came from: preset (random weights) or checkpoint");
        def("workload_layers", Unit.COUNT, "transformer layers the workload ran");
        def("workload_device", Unit.TEXT, "the device the workload ran on (its name when known)");
        def("workload_device_type", Unit.TEXT, "the kind of device the workload ran on: cpu or cuda");
        def("workload_torch", Unit.TEXT, "the PyTorch version the workload ran with");
        def("workload_dtype", Unit.TEXT, "the workload's weight and compute dtype (fp32, bf16, fp16)");
        def("workload_requests", Unit.COUNT, "requests (conversation turns) served after warm-up");
        def("workload_wall_ms", Unit.MILLISECONDS, "wall time of the workload process, from its start event to its end");
        def("ms_per_token", Unit.MILLISECONDS, "decode step time: milliseconds per output token of each sequence (mean over measured decode steps)");
        def("tokens_per_s", Unit.TOKENS_PER_SECOND, "output tokens of all requests over the serving time (first measured batch to the last token)");
        def("ttft_ms", Unit.MILLISECONDS, "time to first token per request: from its arrival (the wait in the queue and for input included) to the end of prefill");
        def("queue_ms", Unit.MILLISECONDS, "wait in the queue per request: its arrival (serving start, or the end of its conversation's last turn and the action after it) to its batch's start");
        def("tpot_ms", Unit.MILLISECONDS, "time per output token after the first, per request");
        def("e2e_ms", Unit.MILLISECONDS, "end-to-end latency per request: its arrival to its last token");
        def("prefill_ms", Unit.MILLISECONDS, "prefill step time (mean over measured batches)");
        def("prefill_time_pct", Unit.PERCENT, "share of serving time in prefill steps");
        def("decode_time_pct", Unit.PERCENT, "share of serving time in decode steps");
        def("peak_mem_bytes", Unit.BYTES, "allocator peak of the workload: CUDA max_memory_allocated, or peak RSS on CPU");
        def("padded_token_pct", Unit.PERCENT, "share of prefill tokens computed that were padding (padded - real over padded)");
        def("pad_tokens", Unit.COUNT, "padding tokens computed in measured prefills");
        def("prompt_tokens", Unit.COUNT, "prompt tokens computed in measured prefills (padding and reused prefixes excluded)");
        def("request_prompt_tokens", Unit.COUNT, "prompt tokens of the measured requests, history, system prompt and images included: the work asked for");
        def("cached_prompt_tokens", Unit.COUNT, "prompt tokens whose keys and values were reused from the conversation's last turn (prefix_cache=on)");
        def("prefix_reuse_pct", Unit.PERCENT, "cached_prompt_tokens against request_prompt_tokens");
        def("output_tokens_total", Unit.COUNT, "output tokens of all measured requests");
        def("decode_rows", Unit.COUNT, "rows computed by measured decode steps (batch x beams per step): the decode work done");
        def("image_tokens", Unit.COUNT, "image tokens in measured prefills (GLM-4.1V: one per 28x28 pixels after the resize)");
        def("vision_time_pct", Unit.PERCENT, "share of prefill time in the vision tower");
        def("mean_batch", Unit.COUNT, "requests per batch (mean over measured batches)");
        def("mean_queue", Unit.COUNT, "requests still waiting when a batch started (mean over measured batches)");
        def("batch_knob", Unit.COUNT, "the batch size the workload was asked for");
        def("compiles", Unit.COUNT, "compilations and CUDA graph captures, warm-up included");
        def("compiles_after_warmup", Unit.COUNT, "compilations or captures after warm-up (new shapes at serving time)");
        def("compile_ms", Unit.MILLISECONDS, "time in compilations after warm-up");
        def("load_ms", Unit.MILLISECONDS, "model build or load time");
        def("warmup_ms", Unit.MILLISECONDS, "warm-up time (compilations and captures of the warm-up included)");
        def("cold_start_pct", Unit.PERCENT, "load and warm-up against the workload's wall time");
        def("num_beams", Unit.COUNT, "beam search width (1: greedy)");
        def("max_new_tokens", Unit.COUNT, "decode budget per batch");
        def("output_tokens", Unit.COUNT, "output tokens per request (mean)");
        def("decode_waste_pct", Unit.PERCENT, "share of decode rows computed that produced no kept token: extra beams, and finished requests still in their batch");
        def("turns", Unit.COUNT, "turns per conversation");
        def("turn_ttft_growth_pct", Unit.PER_TURN, "slope of time to first token against the turn index, relative to the first turn's; only where 3 turns or more and a slope significant at analysis.fit_alpha");
        def("turn_ttft_growth_p", Unit.COUNT, "two-sided p of that slope (Student's t from its standard error)");
        def("turn_prompt_tokens_last", Unit.COUNT, "prompt tokens (history included) in the last turn (mean over conversations)");
        def("bandwidth_gbps", Unit.GB_PER_SECOND, "device memory bandwidth, measured by a device-to-device copy (read + write)");
        def("roofline_floor_ms", Unit.MILLISECONDS, "least time a decode step can take: weights (embedding excluded) and the keys and values its rows really hold (padding excluded) read once, over bandwidth_gbps");
        def("roofline_pct", Unit.PERCENT, "roofline_floor_ms against the measured decode step: the share of the floor achieved");
        def("fit_pct", Unit.PERCENT, "weights and the KV cache the run needs against the device memory free at start");
        def("fit_need_bytes", Unit.BYTES, "weights plus the largest KV cache of the run");
        def("fit_free_bytes", Unit.BYTES, "device memory free when the workload started (host memory on CPU)");
        def("cpu_half_precision", Unit.COUNT, "1 when the model ran in fp16 or bf16 on the CPU, else 0");
        def("input_wait_pct", Unit.PERCENT, "share of serving time the loop waited for its next input batch");
        def("input_wait_ms_per_batch", Unit.MILLISECONDS, "input wait per batch (mean)");
        // Load metrics: from autoglm load's requests (client side, warm-up left out; docs/analyses.md#load-runs)
        def("load_requests", Unit.COUNT, "requests measured (warm-up left out), whatever their end");
        def("load_completed", Unit.COUNT, "requests that ended well (status ok)");
        def("load_errors", Unit.COUNT, "requests that failed, all kinds");
        def("load_error_pct", Unit.PERCENT, "failed requests against all measured");
        def("load_error_kinds", Unit.TEXT, "failed requests by kind (refused, timeout, reset, http-CODE, malformed, server-error, incomplete)");
        def("load_duration_ms", Unit.MILLISECONDS, "from the first scheduled send to the last answer's end (vLLM's benchmark duration)");
        def("load_request_rate", Unit.REQUESTS_PER_SECOND, "completed requests per second of the duration (vLLM's request throughput)");
        def("load_target_rate", Unit.REQUESTS_PER_SECOND, "the open-loop profile's rate");
        def("load_achieved_rate_pct", Unit.PERCENT, "rate of the actual sends against the rate their schedule asked for");
        def("load_client_wait_ms", Unit.MILLISECONDS, "time from a request's scheduled send to its actual send: the client's own lag");
        def("load_scrape_ms", Unit.MILLISECONDS, "time one scrape of the server's /metrics took the client, fetching and parsing the page (mean; spread; n: scrapes, failed ones included)");
        def("load_scrape_busy_pct", Unit.PERCENT, "share of the time from the first scrape to the last that the /metrics scraper was fetching or parsing a page");
        def("load_client_lag_cause", Unit.TEXT, "what the client-limited rule names as the client's cause of lag: the /metrics scraper when it was busy 20% of the time or more, else CPU, connection setup, encoding images");
        def("load_concurrency", Unit.COUNT, "requests in flight on average: summed E2EL over the duration (Little's law)");
        def("load_input_tokens", Unit.COUNT, "prompt tokens of the completed requests (the server's usage, else the client's estimate)");
        def("load_output_tokens", Unit.COUNT, "output tokens of the completed requests (usage, else the chunks that carried text)");
        def("load_output_throughput", Unit.TOKENS_PER_SECOND, "output tokens per second of the duration");
        def("load_total_throughput", Unit.TOKENS_PER_SECOND, "prompt and output tokens per second of the duration");
        def("load_ttft_ms", Unit.MILLISECONDS, "time to first token as vLLM's bench serve times it: scheduled send to the first chunk with a non-empty choices, the role chunk included (mean; spread)");
        def("load_first_text_ms", Unit.MILLISECONDS, "time to first text: scheduled send to the first chunk carrying content, reasoning or a tool call (mean; spread)");
        def("load_tpot_ms", Unit.MILLISECONDS, "time per output token after the first: (E2EL - TTFT) / (output tokens - 1) (mean; spread)");
        def("load_itl_ms", Unit.MILLISECONDS, "inter-token latency: gaps between consecutive chunks with choices (vLLM's bench serve), all requests (mean; spread)");
        def("load_e2el_ms", Unit.MILLISECONDS, "end-to-end latency: scheduled send to the last chunk with choices (mean; spread)");
        def("load_thinking_ms", Unit.MILLISECONDS, "scheduled send to the first chunk that is not reasoning: the model's thinking time (mean; spread)");
        def("load_goodput", Unit.REQUESTS_PER_SECOND, "completed requests meeting every SLO, per second of the duration");
        def("load_goodput_pct", Unit.PERCENT, "completed requests meeting every SLO");
        def("load_slo_ttft_ms", Unit.MILLISECONDS, "the TTFT SLO in force (--slo ttft=)");
        def("load_slo_tpot_ms", Unit.MILLISECONDS, "the TPOT SLO in force (--slo tpot=)");
        def("load_slo_e2el_ms", Unit.MILLISECONDS, "the E2EL SLO in force (--slo e2el=)");
        def("load_timeout_ms", Unit.MILLISECONDS, "the longest a request could take (--timeout)");
        def("load_slo_miss_ttft_pct", Unit.PERCENT, "completed requests above the TTFT SLO");
        def("load_slo_miss_tpot_pct", Unit.PERCENT, "completed requests above the TPOT SLO");
        def("load_slo_miss_e2el_pct", Unit.PERCENT, "completed requests above the E2EL SLO");
        def("load_prompt_tokens", Unit.COUNT, "prompt tokens per request (the server's usage, else the estimate; mean; spread)");
        def("load_image_tokens", Unit.COUNT, "image tokens per request, as the GLM-4.1V processor counts them (client estimate, mean)");
        def("load_image_token_pct", Unit.PERCENT, "image tokens against all prompt tokens");
        def("load_repeated_prefix_pct", Unit.PERCENT, "prompt tokens the client knows to repeat the start of an earlier prompt (estimate): what a prefix cache can keep");
        def("load_itl_p99_p50", Unit.FACTOR, "p99 of the inter-token gaps over their median");
        def("server_profile_cost_pct", Unit.PERCENT, "load --server-profile: TPOT of the requests inside the profiling window over those outside it, less one");
        def("server_profile_tpot_inside_ms", Unit.MILLISECONDS, "mean TPOT of the measured requests wholly inside the profiling window (spread: standard deviation)");
        def("server_profile_tpot_outside_ms", Unit.MILLISECONDS, "mean TPOT of those wholly outside it: before it opened or after the trace was written");
        def("server_profile_cost_p", Unit.COUNT, "Welch's two-sided p of the two sides' TPOT");
        def("served_vision_prefill_pct", Unit.PERCENT, "of the server steps its vision encoder ran in (image prefills), the share of their time it took");
        def("served_vision_ms", Unit.MILLISECONDS, "the vision encoder's time in such a step (median; spread over them)");
        def("served_long_step_ms", Unit.MILLISECONDS, "server steps longer than 3x the median step (prefill): their median");
        def("served_long_step_factor", Unit.FACTOR, "the long steps' median over the median of all server steps");
        def("served_long_step_time_pct", Unit.PERCENT, "share of the server's step time in those long steps");
        def("served_long_steps_beside", Unit.COUNT, "long steps that began beside another request (two or more running), the ones the streams' gaps are set against");
        def("served_itl_gaps_in_long_steps_pct", Unit.PERCENT, "of the time of the gaps between tokens above 3x the median, within the server's timeline, the share a long server step ran that began with two requests or more running");
        def("served_steps", Unit.COUNT, "server steps (ProfilerStep#N or kernel passes) matched to the batch its /metrics reported running");
        def("served_kernels_per_step", Unit.COUNT, "kernels launched per server step (median; spread over steps)");
        def("served_batch_low", Unit.COUNT, "the smallest running batch (1 or more) the server ran enough steps at");
        def("served_batch_high", Unit.COUNT, "the largest running batch the server ran enough steps at");
        def("served_step_ms_low_batch", Unit.MILLISECONDS, "server step time at the low batch (median)");
        def("served_step_ms_high_batch", Unit.MILLISECONDS, "server step time at the high batch (median)");
        def("served_busy_pct_low_batch", Unit.PERCENT, "share of a server step the GPU was busy, at the low batch (median)");
        def("served_busy_pct_high_batch", Unit.PERCENT, "share of a server step the GPU was busy, at the high batch (median)");
        def("load_itl_stalls_in_prefill_pct", Unit.PERCENT, "gaps above 3x the median ITL during which another request got its first token (its prefill ran then)");
        def("load_ttft_share_pct", Unit.PERCENT, "time to first token against end-to-end latency: summed over the completed requests, the share of the mean E2EL before the first token");
        def("load_prefill_stall_pct", Unit.PERCENT, "the time stalls between tokens add during another request's prefill: over the gaps above 3x the median gap inside which another request got its first token, the excess over the median, summed, against the summed E2EL");
        def("load_prefill_quadratic_pct", Unit.PERCENT, "share of the quadratic term in the fitted TTFT at the longest prompt measured, in a fit TTFT = a + b n + c n^2 over prompt length n; only where the prompts span analysis.fit_min_prompt_ratio and c is positive and significant");
        def("load_prefill_quadratic_p", Unit.COUNT, "two-sided p of the quadratic coefficient c in that fit (Student's t from its standard error)");
        def("load_step_ttft_slope_ms", Unit.MS_PER_STEP, "least-squares slope of TTFT against the step number of agent sessions, as measured (significant or not)");
        def("load_ttft_by_step", Unit.TEXT, "mean TTFT at each step number of the sessions");
        def("load_e2el_by_step", Unit.TEXT, "mean step latency (E2EL) at each step number of the sessions");
        def("load_thinking_by_step", Unit.TEXT, "mean thinking time (until the answer starts) at each step number");
        def("load_prefix_missed_pct", Unit.PERCENT, "load_repeated_prefix_pct the server's prefix cache did not hit (all of it when caching is off), in points of the prompt");
        // Server metrics: the server's own /metrics over the load (docs/analyses.md#server-metrics)
        def("server_kind", Unit.TEXT, "whose metric names the server's /metrics page carries: vllm, sglang, tgi, llama.cpp");
        def("server_scrapes", Unit.COUNT, "successful scrapes of the server's /metrics");
        def("server_running_mean", Unit.COUNT, "requests running in the server's batch (mean over scrapes; spread)");
        def("server_running_max", Unit.COUNT, "most requests running at a scrape");
        def("server_waiting_mean", Unit.COUNT, "requests waiting in the server's queue (mean over scrapes; spread)");
        def("server_waiting_time_pct", Unit.PERCENT, "scrapes at which at least one request was waiting");
        def("server_kv_usage_mean_pct", Unit.PERCENT, "KV-cache use, the mean of the engines (data-parallel ranks) at each scrape, then over scrapes; spread");
        def("server_kv_usage_max_pct", Unit.PERCENT, "highest KV-cache use of any one engine at a scrape (an engine's use; engines' uses are not added)");
        def("server_kv_engines", Unit.COUNT, "engines (label sets of the KV-cache gauge: data-parallel ranks) the server published");
        def("server_preemptions", Unit.COUNT, "requests the server preempted (vLLM) or retracted (SGLang) during the load (counter increase; from SGLang's older gauge, a lower bound)");
        def("server_prefix_caching", Unit.TEXT, "whether the server's prefix caching is on (vLLM cache_config_info)");
        def("server_prefix_hit_pct", Unit.PERCENT, "prefix-cache hits against queries, in tokens, during the load");
        def("server_ttft_ms", Unit.MILLISECONDS, "the server's TTFT histogram over the load: mean (histogram quantiles as spread)");
        def("server_e2el_ms", Unit.MILLISECONDS, "the server's end-to-end latency histogram: mean (quantiles as spread)");
        def("server_queue_ms", Unit.MILLISECONDS, "the server's queue-time histogram: mean (quantiles as spread)");
        def("server_prefill_ms", Unit.MILLISECONDS, "the server's prefill-time histogram: mean (quantiles as spread)");
        def("server_decode_ms", Unit.MILLISECONDS, "the server's decode-time histogram: mean (quantiles as spread)");
        def("server_itl_ms", Unit.MILLISECONDS, "the server's inter-token latency histogram: mean (quantiles as spread)");
        def("server_queue_share_pct", Unit.PERCENT, "mean queue time against the server's mean end-to-end latency (n: the fewer requests of the two histograms)");
        def("queue_share_pct", Unit.PERCENT, "mean time waiting in the server's queue against mean end-to-end latency, from the best evidence the server gives (queue_basis; docs/analyses.md#queue-evidence)");
        def("load_queue_ms", Unit.MILLISECONDS, "mean time waiting in the server's queue per request, from that evidence");
        def("queue_basis", Unit.TEXT, "the evidence: server-histograms, server-queue-client-e2el, waiting-gauge (Little's law) or baseline-excess (TTFT above an unloaded baseline)");
        def("server_prefill_share_pct", Unit.PERCENT, "mean prefill time against the server's mean end-to-end latency");
        def("server_decode_share_pct", Unit.PERCENT, "mean decode time against the server's mean end-to-end latency");
    }

    private MetricCatalog() {
    }

    private static void def(String name, Unit unit, String description) {
        if (DEFINITIONS.putIfAbsent(name, new Definition(name, unit, description)) != null) {
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
