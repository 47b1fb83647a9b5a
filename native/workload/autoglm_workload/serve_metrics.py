"""/metrics of the reference server, under vLLM's V1 metric names and meanings (docs/serve.md#metrics), in the
Prometheus text exposition format. Written by hand: python3-prometheus-client is not assumed."""

import bisect
import threading

LATENCY_BUCKETS = (0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
                   20.0, 40.0, 80.0, 160.0, 640.0, 2560.0)
ITL_BUCKETS = (0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0,
               40.0, 80.0)
TOKEN_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)


class Histogram:
    def __init__(self, name, help_text, buckets):
        self.name, self.help, self.bounds = name, help_text, buckets
        self.counts = [0] * (len(buckets) + 1)
        self.sum = 0.0

    def observe(self, v):
        self.counts[bisect.bisect_left(self.bounds, v)] += 1
        self.sum += v

    def lines(self, labels):
        out = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        total = 0
        for bound, c in zip(self.bounds, self.counts):
            total += c
            out.append(f'{self.name}_bucket{{{labels},le="{float(bound)}"}} {total}')
        total += self.counts[-1]
        out.append(f'{self.name}_bucket{{{labels},le="+Inf"}} {total}')
        out.append(f"{self.name}_sum{{{labels}}} {self.sum!r}")
        out.append(f"{self.name}_count{{{labels}}} {total}")
        return out


class Metrics:
    def __init__(self, model_name, settings):
        self.lock = threading.Lock()
        self.labels = f'model_name="{model_name}"'
        self.s = settings
        self.running = self.waiting = 0
        self.kv = 0.0
        self.preemptions = 0
        self.prompt_tokens = self.generation_tokens = 0
        self.prefix_queries = self.prefix_hits = 0
        self.success = {}
        self.hist = {
            "ttft": Histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.",
                              LATENCY_BUCKETS),
            "itl": Histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.",
                             ITL_BUCKETS),
            "e2e": Histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.",
                             LATENCY_BUCKETS),
            "queue": Histogram("vllm:request_queue_time_seconds",
                               "Histogram of time spent in WAITING phase for request.", LATENCY_BUCKETS),
            "prefill": Histogram("vllm:request_prefill_time_seconds",
                                 "Histogram of time spent in PREFILL phase for request.", LATENCY_BUCKETS),
            "decode": Histogram("vllm:request_decode_time_seconds",
                                "Histogram of time spent in DECODE phase for request.", LATENCY_BUCKETS),
            "prompt": Histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.", TOKEN_BUCKETS),
            "generation": Histogram("vllm:request_generation_tokens", "Number of generation tokens processed.",
                                    TOKEN_BUCKETS),
        }

    def gauges(self, running, waiting, kv):
        with self.lock:
            self.running, self.waiting, self.kv = running, waiting, kv

    def prefix(self, queried, hit):
        with self.lock:
            self.prefix_queries += queried
            self.prefix_hits += hit

    def preempted(self):
        with self.lock:
            self.preemptions += 1

    def itl(self, seconds):
        with self.lock:
            self.hist["itl"].observe(seconds)

    def finished(self, r, reason):
        with self.lock:
            h = self.hist
            h["ttft"].observe(r.first - r.arrival)
            h["e2e"].observe(r.end - r.arrival)
            h["queue"].observe(r.scheduled - r.arrival)
            h["prefill"].observe(r.first - r.scheduled)
            h["decode"].observe(r.end - r.first)
            h["prompt"].observe(len(r.prompt.ids))
            h["generation"].observe(len(r.generated))
            self.prompt_tokens += len(r.prompt.ids)
            self.generation_tokens += len(r.generated)
            self.success[reason] = self.success.get(reason, 0) + 1

    def page(self):
        lb = self.labels
        s = self.s
        with self.lock:
            out = [
                "# HELP vllm:num_requests_running Number of requests in model execution batches.",
                "# TYPE vllm:num_requests_running gauge", f"vllm:num_requests_running{{{lb}}} {self.running}.0",
                "# HELP vllm:num_requests_waiting Number of requests waiting to be processed.",
                "# TYPE vllm:num_requests_waiting gauge", f"vllm:num_requests_waiting{{{lb}}} {self.waiting}.0",
                "# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.",
                "# TYPE vllm:kv_cache_usage_perc gauge", f"vllm:kv_cache_usage_perc{{{lb}}} {self.kv!r}",
                "# HELP vllm:num_preemptions_total Cumulative number of preemption from the engine.",
                "# TYPE vllm:num_preemptions_total counter", f"vllm:num_preemptions_total{{{lb}}} {self.preemptions}.0",
                "# HELP vllm:prompt_tokens_total Number of prefill tokens processed.",
                "# TYPE vllm:prompt_tokens_total counter", f"vllm:prompt_tokens_total{{{lb}}} {self.prompt_tokens}.0",
                "# HELP vllm:generation_tokens_total Number of generation tokens processed.",
                "# TYPE vllm:generation_tokens_total counter",
                f"vllm:generation_tokens_total{{{lb}}} {self.generation_tokens}.0",
                "# HELP vllm:prefix_cache_queries_total Prefix cache queries, in terms of number of queried tokens.",
                "# TYPE vllm:prefix_cache_queries_total counter",
                f"vllm:prefix_cache_queries_total{{{lb}}} {self.prefix_queries}.0",
                "# HELP vllm:prefix_cache_hits_total Prefix cache hits, in terms of number of cached tokens.",
                "# TYPE vllm:prefix_cache_hits_total counter",
                f"vllm:prefix_cache_hits_total{{{lb}}} {self.prefix_hits}.0",
                "# HELP vllm:request_success_total Count of successfully processed requests.",
                "# TYPE vllm:request_success_total counter",
            ]
            for reason in sorted(set(self.success) | {"stop", "length"}):
                out.append(f'vllm:request_success_total{{finished_reason="{reason}",{lb}}} '
                           f"{self.success.get(reason, 0)}.0")
            out += ["# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig",
                    "# TYPE vllm:cache_config_info gauge",
                    f'vllm:cache_config_info{{block_size="16",enable_prefix_caching="{s.prefix_cache}",'
                    f'num_gpu_blocks="{s.kv_cache_tokens // 16}",gpu_memory_utilization="0.9"}} 1.0',
                    "# HELP vllm:scheduler_config_info autoglm serve's scheduler settings",
                    "# TYPE vllm:scheduler_config_info gauge",
                    f'vllm:scheduler_config_info{{max_num_seqs="{s.max_num_seqs}",'
                    f'max_num_batched_tokens="{s.max_num_batched_tokens}",max_model_len="{s.max_model_len}"}} 1.0']
            for h in self.hist.values():
                out += h.lines(lb)
        return "\n".join(out) + "\n"
