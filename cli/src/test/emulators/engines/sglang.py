"""SGLang ("sglang", and "sglang-dp2" = --dp-size 2), current main.

Upstream files read (github.com/sgl-project/sglang, through the stored-source index):
- python/sglang/srt/observability/metrics_collector.py at 44cedc2b9c7dd31d9acae4498ea4fa0d3665feed (and the
  older python/sglang/srt/metrics/collector.py at 93d04878cfb9b08645fae7b11bd340ee33b34acf): the families, their
  documentation, types, buckets and label names. SchedulerMetricsCollector (labels model_name, engine_type,
  tp_rank, pp_rank, moe_ep_rank, plus dp_rank when data-parallel) sets its gauges in log_stats; num_retracted_reqs
  and num_paused_reqs are gauges without multiprocess_mode (default "all", so each gets a pid label);
  num_retracted_requests_total / num_retracted_input_tokens_total / num_retracted_output_tokens_total count
  retractions; queue_time_seconds; realtime_tokens_total{mode}. TokenizerMetricsCollector (labels model_name):
  prompt_tokens_total, generation_tokens_total, cached_tokens_total{cache_source} (incremented only when a request
  had cached tokens > 0; cache_source "device" for GPU radix-cache hits), num_requests_total,
  num_aborted_requests_total, time_to_first_token_seconds, inter_token_latency_seconds (observe_inter_token_latency:
  the sum grows by the interval, the bucket of interval / new tokens by the number of new tokens),
  e2e_request_latency_seconds, num_retractions. Every one is a labelled family whose child is created by the
  first .labels() call, i.e. when first used: nothing of a family is on the page before that.
- python/sglang/srt/observability/scheduler_metrics_mixin.py at 44cedc2b: log_prefill_stats runs for every prefill
  batch (num_running_reqs = the running batch before the new requests join, token usage, num_queue_reqs, the
  batch's cache_hit_rate, the retractions since the last log then reset, realtime_tokens_total prefill_compute /
  prefill_cache), log_decode_stats every decode_log_interval (40) decode steps (cache_hit_rate 0, gen_throughput,
  realtime_tokens_total decode). The queue-time histogram is observed once per request, when it first enters a
  forward batch (forward_entry_time - wait_queue_entry_time; scheduler.py "Record metrics").
- python/sglang/srt/managers/tokenizer_manager.py collect_metrics (stored versions): TTFT = first output - created
  time; ITL per output; the finished-request observations.
- python/sglang/srt/entrypoints/openai/serving_chat.py at 0c078e6f42685e4918bd79a94a025261c7f38942
  (_generate_chat_stream): the first output sends the role chunk (delta role "assistant", content ""), then this
  output's reasoning chunk (delta reasoning_content) and/or content chunk; chunks are model_dump_json() with every
  field (nulls included) and "usage": null; id is the request id (32 hex digits, no prefix) and model is the
  request's model field; after the last output a separate finish chunk (empty delta, finish_reason "length",
  matched_stop null), then with include_usage a chunk with "choices": [] and usage (prompt_tokens, total_tokens,
  completion_tokens, prompt_tokens_details = {"cached_tokens": n} only with --enable-cache-report, here
  --cache-report on, reasoning_tokens); then "data: [DONE]". A ValueError in the stream sends
  data: {"error": {"object": "error", "message": ..., "type": "BadRequestError", "param": null, "code": 400}}
  (serving_base.py create_streaming_error_response, json.dumps) and then data: [DONE].
- The reasoning parser (python/sglang/srt/parser/reasoning_parser.py, as the serving code calls it): <think> and
  </think> are stripped, the text between goes to reasoning_content; a delta that was only a tag sends nothing.
- Scheduling (python/sglang/srt/managers/scheduler.py, schedule_batch.py retract_decode; from the stored versions):
  a prefill batch runs alone (no --enable-mixed-chunk), decode steps between; the radix cache matches at token
  granularity (page size 1) up to len - 1 tokens; on decode OOM requests are retracted, the one with the fewest
  output tokens (then the longest prompt) first.
- /metrics: the scheduler and tokenizer processes share PROMETHEUS_MULTIPROC_DIR and the HTTP server serves a
  CollectorRegistry with a MultiProcessCollector (sglang/srt/utils add_prometheus_middleware): no _created, no
  python/process collectors, families in the order the .db files are read (alphabetical here:
  counter, gauge_all, gauge_mostrecent, histogram; the real order is the directory's).
Not emulated: per_stage_req_latency_seconds, the GaugeHistogram routing-key families, grammar, PD-disaggregation
and speculative families that only move when those features are used (their gauges are set to 0 by log_stats and
are served as such where log_stats sets them).
"""
import json
import os
import uuid

import prom
from engines import base

QUEUE = [0.0, 0.1, 0.2, 0.5, 1, 2, 3, 4, 5, 10, 15, 20, 30, 40, 50, 60, 70, 80, 90, 100, 200, 300, 400, 500, 600, 700,
         800, 900, 1000, 1200, 1400, 1600, 1800, 2000, 2500, 3000]
TTFT = [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400]
E2E = [0.1, 0.2, 0.4, 0.6, 0.8, 1, 2, 4, 6, 8, 10, 20, 40, 60, 80, 100, 200, 400, 600, 1200, 1800, 2400]
ITL = [0.002, 0.004, 0.006, 0.008, 0.010, 0.015, 0.020, 0.025, 0.030, 0.035, 0.040, 0.060, 0.080, 0.100, 0.200,
       0.400, 0.600, 0.800, 1.000, 2.000, 4.000, 6.000, 8.000]
EOS_ID = 151329  # GLM-4's <|endoftext|>: SGLang reports the matched end-of-sequence token id as matched_stop
RETRACTIONS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 75, 100]

# log_stats gauges, in the order log_stats sets them (metrics_collector.py): (name, documentation, mode)
LOG_GAUGES = [
    ("sglang:num_running_reqs", "The number of running requests.", "mostrecent"),
    ("sglang:num_used_tokens", "The number of used tokens.", "mostrecent"),
    ("sglang:token_usage", "The token usage.", "mostrecent"),
    ("sglang:pending_prealloc_token_usage", "The token usage for pending preallocated tokens (not preallocated yet).",
     "mostrecent"),
    ("sglang:swa_token_usage", "The token usage for SWA layers.", "mostrecent"),
    ("sglang:mamba_usage", "The token usage for Mamba layers.", "mostrecent"),
    ("sglang:decode_sum_seq_lens", "The sum of all sequence lengths in decode.", "mostrecent"),
    ("sglang:gen_throughput", "The generation throughput (token/s).", "mostrecent"),
    ("sglang:num_queue_reqs", "The number of requests in the waiting queue.", "mostrecent"),
    ("sglang:num_grammar_queue_reqs", "The number of requests in the grammar waiting queue.", "mostrecent"),
    ("sglang:num_running_reqs_offline_batch",
     "The number of running low-priority offline batch requests(label is 'batch').", "mostrecent"),
    ("sglang:cache_hit_rate", "The prefix cache hit rate.", "mostrecent"),
    ("sglang:max_total_num_tokens", "Maximum total number of tokens in the KV cache pool.", "mostrecent"),
    ("sglang:spec_accept_length", "The average acceptance length of speculative decoding.", "mostrecent"),
    ("sglang:spec_accept_rate", "The average acceptance rate of speculative decoding (`accepted tokens / total "
     "draft tokens` in batch).", "mostrecent"),
    ("sglang:num_prefill_prealloc_queue_reqs", "The number of requests in the prefill prealloc queue.", "mostrecent"),
    ("sglang:num_prefill_inflight_queue_reqs", "The number of requests in the prefill inflight queue.", "mostrecent"),
    ("sglang:num_decode_prealloc_queue_reqs", "The number of requests in the decode prealloc queue.", "mostrecent"),
    ("sglang:num_decode_transfer_queue_reqs", "The number of requests in the decode transfer queue.", "mostrecent"),
    ("sglang:kv_transfer_speed_gb_s", "The transfer speed of the KV cache in GB/s.", "mostrecent"),
    ("sglang:kv_transfer_latency_ms", "The transfer latency of the KV cache in ms.", "mostrecent"),
    ("sglang:kv_transfer_bootstrap_ms", "The bootstrap time of the KV transfer in ms.", "mostrecent"),
    ("sglang:kv_transfer_alloc_ms", "The allocation waiting time of the KV transfer in ms.", "mostrecent"),
    ("sglang:kv_transfer_total_mb", "The total number of tokens transferred in the KV cache.", "mostrecent"),
    ("sglang:num_retracted_reqs", "The number of retracted requests.", "all"),
    ("sglang:num_paused_reqs", "The number of paused requests by async weight sync.", "all"),
    ("sglang:utilization", "The utilization.", "mostrecent"),
    ("sglang:engine_startup_time", "The time taken for the engine to start up.", "mostrecent"),
    ("sglang:engine_load_weights_time", "The time taken for the engine to load weights.", "mostrecent"),
    ("sglang:new_token_ratio", "The new token ratio.", "mostrecent"),
    ("sglang:is_cuda_graph", "Whether the batch is using CUDA graph.", "mostrecent"),
    ("sglang:num_unique_running_routing_keys", "Number of unique routing keys in running batch.", "mostrecent"),
]


class SchedulerMetrics:
    """One scheduler process's collector."""

    def __init__(self, engine, rank, pid):
        self.pid = pid
        self.labels = {"model_name": engine.model, "engine_type": "unified", "tp_rank": 0, "pp_rank": 0,
                       "moe_ep_rank": 0}
        if engine.dp > 1:
            self.labels["dp_rank"] = rank
        ln = list(self.labels)
        self.fams = []

        def fam(name, kind, doc, buckets=None, extra=(), mode="mostrecent"):
            f = prom.Family(name, kind, doc, ln + list(extra), buckets, mp_mode=mode)
            self.fams.append(f)
            return f
        self.gauges = {name: fam(name, "gauge", doc, mode=mode) for name, doc, mode in LOG_GAUGES}
        self.retracted_total = fam("sglang:num_retracted_requests_total", "counter",
                                   "Total number of retracted requests.")
        self.retracted_in = fam("sglang:num_retracted_input_tokens_total", "counter",
                                "Total number of retracted input tokens.")
        self.retracted_out = fam("sglang:num_retracted_output_tokens_total", "counter",
                                 "Total number of retracted output tokens.")
        self.queue_time = fam("sglang:queue_time_seconds", "histogram", "Histogram of queueing time in seconds.", QUEUE)
        self.realtime = fam("sglang:realtime_tokens_total", "counter",
                            "Total number of tokens processed (updated on each log interval). mode: prefill_compute, "
                            "prefill_cache, decode.", extra=["mode"])
        self.cache_info = prom.Family("sglang:cache_config_info", "gauge", "Cache configuration information.",
                                      ["page_size", "num_pages"], mp_mode="mostrecent")
        self.fams.append(self.cache_info)
        self.cache_info.set({"page_size": 1, "num_pages": engine.cfg.kv_tokens}, 1)
        self.retracted_since_log = 0
        self.decode_steps = 0
        self.decode_tokens_since_log = 0
        self.last_decode_log_ms = 0.0

    def log_stats(self, core, running_bs, hit_rate, gen_throughput, startup):
        used = core.kv_used_tokens()
        values = {
            "sglang:num_running_reqs": running_bs, "sglang:num_used_tokens": used,
            "sglang:token_usage": core.kv_usage(), "sglang:gen_throughput": gen_throughput,
            "sglang:num_queue_reqs": len(core.waiting), "sglang:cache_hit_rate": hit_rate,
            "sglang:max_total_num_tokens": core.cfg.kv_tokens, "sglang:num_retracted_reqs": self.retracted_since_log,
            "sglang:engine_startup_time": startup, "sglang:new_token_ratio": 0.7, "sglang:is_cuda_graph": 0.0,
        }
        for name, fam in self.gauges.items():
            fam.set(self.labels, values.get(name, 0.0))
        self.retracted_since_log = 0


class SGLang(base.FastApiWire, base.Engine):
    has_reasoning_parser = True
    dp_policy = "round_robin"

    def configure(self, cfg):
        cfg.admission = "blocks"
        cfg.victim = "sglang"
        cfg.mix = False
        if self.opts.block_size is None:
            cfg.block_size = 1

    def new_id(self, chat):
        return uuid.uuid4().hex

    def setup_metrics(self):
        self.reg = prom.Registry()
        self.tok_pid = os.getpid()
        self.tok_labels = {"model_name": self.model}
        ln = ["model_name"]

        def fam(name, kind, doc, buckets=None, extra=()):
            return prom.Family(name, kind, doc, ln + list(extra), buckets)
        self.t_prompt = fam("sglang:prompt_tokens_total", "counter", "Number of prefill tokens processed.")
        self.t_gen = fam("sglang:generation_tokens_total", "counter", "Number of generation tokens processed.")
        self.t_cached = fam("sglang:cached_tokens_total", "counter",
                            "Number of cached prompt tokens by source (device/host/storage).", extra=["cache_source"])
        self.t_requests = fam("sglang:num_requests_total", "counter", "Number of requests processed.")
        self.t_so = fam("sglang:num_so_requests_total", "counter", "Number of structured output requests processed.")
        self.t_aborted = fam("sglang:num_aborted_requests_total", "counter", "Number of requests aborted.")
        self.t_ttft = fam("sglang:time_to_first_token_seconds", "histogram",
                          "Histogram of time to first token in seconds.", TTFT)
        self.t_itl = fam("sglang:inter_token_latency_seconds", "histogram",
                         "Histogram of inter-token latency in seconds.", ITL)
        self.t_e2e = fam("sglang:e2e_request_latency_seconds", "histogram",
                         "Histogram of End-to-end request latency in seconds", E2E)
        self.t_retractions = fam("sglang:num_retractions", "histogram", "Histogram of retraction counts per request.",
                                 RETRACTIONS)
        self.tok_fams = [self.t_prompt, self.t_gen, self.t_cached, self.t_requests, self.t_so, self.t_aborted,
                         self.t_ttft, self.t_itl, self.t_e2e, self.t_retractions]
        self.sched = [SchedulerMetrics(self, r, self.tok_pid + 1 + r) for r in range(self.dp)]
        self.step_info = {}

    # --- scheduler side ----------------------------------------------------------------------------------
    def on_schedule(self, core, req, now, cached, first_time):
        if first_time:
            v = (now - req.arrival_ms) / 1000.0
            with self.reg.lock:
                self.sched[core.rank].queue_time.observe(self.sched[core.rank].labels, v)
            self.observe(req, "sglang:queue_time_seconds", v)

    def on_preempt(self, core, req, now):
        s = self.sched[core.rank]
        with self.reg.lock:
            s.retracted_since_log += 1
            s.retracted_total.inc(s.labels, 1)
            s.retracted_in.inc(s.labels, len(req.prompt))
            s.retracted_out.inc(s.labels, len(req.outputs))

    def on_step_start(self, core, prefill, decode, now):
        self.step_info[core.rank] = len([r for r in core.running if r.outputs and
                                         not any(p[0] is r for p in prefill)])

    def on_step_end(self, core, prefill, decode, produced, now, cost):
        s = self.sched[core.rank]
        with self.reg.lock:
            if prefill:
                new = sum(n for _, n, _ in prefill)
                hit = sum((r.cached_tokens or 0) for r, n, p in prefill if p == (r.cached_tokens or 0))
                rate = hit / float(new + hit) if new + hit else 0.0
                s.log_stats(core, self.step_info.get(core.rank, 0), rate, 0.0, 0.0)
                s.realtime.inc(dict(s.labels, mode="prefill_compute"), new)
                if hit:
                    s.realtime.inc(dict(s.labels, mode="prefill_cache"), hit)
            if decode:
                s.decode_steps += 1
                s.decode_tokens_since_log += len(decode)
                if s.decode_steps % self.opts.decode_log_interval == 0:
                    gap = max(1e-9, (now - s.last_decode_log_ms) / 1000.0)
                    s.log_stats(core, len(core.running), 0.0, s.decode_tokens_since_log / gap, 0.0)
                    s.realtime.inc(dict(s.labels, mode="decode"), s.decode_tokens_since_log)
                    s.decode_tokens_since_log = 0
                    s.last_decode_log_ms = now

    # --- tokenizer side ------------------------------------------------------------------------------------
    def on_token(self, core, req, idx, now):
        with self.reg.lock:
            if idx == 0:
                v = (now - req.arrival_ms) / 1000.0
                self.t_ttft.observe(self.tok_labels, v)
                self.observe(req, self.t_ttft.name, v)
            else:
                v = (now - req.token_ms[-2]) / 1000.0
                self.t_itl.observe_many(self.tok_labels, v, v, 1)
                self.observe(req, self.t_itl.name, v)

    def on_finish(self, core, req, now, reason):
        with self.reg.lock:
            if reason == "error":
                self.t_aborted.inc(self.tok_labels, 1)
            self.t_prompt.inc(self.tok_labels, len(req.prompt))
            self.t_gen.inc(self.tok_labels, len(req.outputs))
            if req.cached_tokens:
                self.t_cached.inc(dict(self.tok_labels, cache_source="device"), req.cached_tokens)
            self.t_requests.inc(self.tok_labels, 1)
            v = (now - req.arrival_ms) / 1000.0
            self.t_e2e.observe(self.tok_labels, v)
            self.observe(req, self.t_e2e.name, v)
            self.t_retractions.observe(self.tok_labels, req.preemptions)

    def metrics_page(self):
        files = []
        for pid, fams in [(self.tok_pid, self.tok_fams)] + [(s.pid, s.fams) for s in self.sched]:
            for kind, mode in (("counter", None), ("gauge", "all"), ("gauge", "mostrecent"), ("histogram", None)):
                sel = [f for f in fams if f.kind == kind and (mode is None or f.mp_mode == mode) and f.children
                       and f.name not in self.opts.omit and f.name + "_total" not in self.opts.omit]
                sel.sort(key=lambda f: min(c.created for c in f.children.values()))
                if sel:
                    files.append(("%s_%d" % (kind if mode is None else "gauge_" + mode, pid), pid, sel))
        files.sort(key=lambda x: x[0])
        with self.reg.lock:
            page = prom.render_multiprocess([(pid, sel) for _, pid, sel in files])
        return 200, "text/plain; version=0.0.4; charset=utf-8", page.text().encode(), page.series

    # --- wire: FastAPI's (base.FastApiWire) ---------------------------------------------------------------

    def models_body(self):
        return {"object": "list", "data": [{"id": self.model, "object": "model", "created": 1700000000,
                                            "owned_by": "sglang", "root": self.model,
                                            "max_model_len": self.opts.max_model_len}]}

    def error_body(self, status, message):
        body = {"object": "error", "message": message, "type": "BadRequestError", "param": None, "code": status}
        return status, "application/json", base.dumps_compact(body).encode()

    def model_name(self, job):
        return job.body.get("model", self.model) if isinstance(job.body, dict) else self.model

    def chunk(self, job, choices, usage=None):
        return {"id": job.id, "object": "chat.completion.chunk", "created": job.created, "model": self.model_name(job),
                "choices": choices, "usage": usage}

    @staticmethod
    def delta(role=None, content=None, reasoning=None):
        return {"role": role, "content": content, "reasoning_content": reasoning, "tool_calls": None}

    def first_output(self, job):
        if not job.chat:
            return []
        choice = {"index": 0, "delta": self.delta("assistant", ""), "logprobs": None, "finish_reason": None,
                  "matched_stop": None}
        return [base.sse(self.chunk(job, [choice]), choices=True)]

    def token_frames(self, job, idx, kind, text):
        if not job.chat:
            choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": None, "matched_stop": None}
            c = {"id": job.id, "object": "text_completion", "created": job.created, "model": self.model_name(job),
                 "choices": [choice], "usage": None}
            return [base.sse(c, choices=True, text=True)]
        if self.parser_on:
            if kind in ("think_open", "think_close"):
                return []
            if kind == "reasoning":
                choice = {"index": 0, "delta": self.delta(reasoning=text), "logprobs": None, "finish_reason": None,
                          "matched_stop": None}
                return [base.sse(self.chunk(job, [choice]), choices=True, text=True)]
        choice = {"index": 0, "delta": self.delta(content=text), "logprobs": None, "finish_reason": None,
                  "matched_stop": None}
        return [base.sse(self.chunk(job, [choice]), choices=True, text=True)]

    def usage_obj(self, job):
        p, c = self.usage(job)
        details = None
        if self.opts.cache_report:
            details = {"cached_tokens": job.req.cached_tokens or 0}
        return {"prompt_tokens": p, "total_tokens": p + c, "completion_tokens": c, "prompt_tokens_details": details,
                "reasoning_tokens": 0}

    def finish_frames(self, job):
        out = []
        if job.chat:
            choice = {"index": 0, "delta": self.delta(), "logprobs": None, "finish_reason": job.finish,
                      "matched_stop": EOS_ID if job.finish == "stop" else None}
            out.append(base.sse(self.chunk(job, [choice]), choices=True))
        if job.include_usage:
            if job.chat:
                out.append(base.sse(self.chunk(job, [], usage=self.usage_obj(job))))
            else:
                out.append(base.sse({"id": job.id, "object": "text_completion", "created": job.created,
                                     "model": self.model_name(job), "choices": [], "usage": self.usage_obj(job)}))
        out.append(base.sse("[DONE]"))
        return out

    def error_frames(self, job):
        err = {"error": {"object": "error", "message": "Generation aborted by the engine", "type": "BadRequestError",
                         "param": None, "code": 400}}
        return [base.sse(json.dumps(err)), base.sse("[DONE]")]

    def full_response(self, job):
        if job.status == "error":
            return self.error_body(400, "Generation aborted by the engine")
        reasoning, content = self.split_text(job)
        if job.chat:
            msg = {"role": "assistant", "content": content or None, "reasoning_content": reasoning or None,
                   "tool_calls": None}
            choice = {"index": 0, "message": msg, "logprobs": None, "finish_reason": job.finish, "matched_stop": None,
                      "hidden_states": None}
            body = {"id": job.id, "object": "chat.completion", "created": job.created, "model": self.model_name(job),
                    "choices": [choice], "usage": self.usage_obj(job), "metadata": {"weight_version": "default"}}
        else:
            choice = {"index": 0, "text": "".join(t for _, t in job.texts), "logprobs": None,
                      "finish_reason": job.finish, "matched_stop": None}
            body = {"id": job.id, "object": "text_completion", "created": job.created, "model": self.model_name(job),
                    "choices": [choice], "usage": self.usage_obj(job)}
        return 200, "application/json", base.dumps_compact(body).encode()


def make(opts, clock, truth):
    return SGLang(opts, clock, truth)
