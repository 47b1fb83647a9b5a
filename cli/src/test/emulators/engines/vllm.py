"""vLLM V1, as of current main ("vllm", "vllm-dp2") and as of v0.8.x ("vllm-0.8").

Upstream files read (github.com/vllm-project/vllm, through the stored-source index; commits where the index gave one):
- vllm/v1/metrics/loggers.py, current main (the stored version with vllm:kv_cache_usage_perc,
  vllm:engine_sleep_state, vllm:inter_token_latency_seconds and time_per_output_token hidden behind
  --show-hidden-metrics-for-version; index id 111449029, late 2025): PrometheusStatLogger. Copied: every family
  created in __init__ (names, documentation, types, labels ["model_name", "engine"], buckets), their registration
  order, one child per engine created eagerly (make_per_engine, so every series is on the page from startup,
  zeros included), vllm:request_success children per FinishReason (stop, length, abort, error), what record()
  observes and when (gauges per engine step; prefix-cache queries/hits per step; preemptions, prompt/generation
  tokens, iteration tokens, TTFT and inter-token latency per output; the request histograms when a request
  finishes), vllm:cache_config_info registered after the engine started (log_engine_initialized).
- vllm/v1/metrics/loggers.py at a6f0308cfe806b7731ad4979c9bea6e470c35efd (v0.8.x): the 0.8 names and types
  (vllm:gpu_cache_usage_perc, vllm:gpu_prefix_cache_queries/_hits counters "in terms of number of queried
  blocks", vllm:num_preemptions_total, vllm:time_per_output_token_seconds, vllm:spec_decode_* counters created
  unconditionally, iteration_tokens buckets = the CUDA-graph capture sizes, cache_config_info without an engine
  label), request_success children for stop/length/abort. In 0.8 vllm/engine/metrics.py (the V0 module, imported
  by vllm/__init__.py through LLMEngine) calls prometheus_client.disable_created_metrics() at import, so the 0.8
  page has no _created samples; current main (V0 removed) has them.
- vllm/v1/metrics/stats.py (stored versions of IterationStats.update_from_output / update_from_finished_request):
  TTFT = time of the first output - arrival; ITL = this output - the previous one; queued_time = first SCHEDULED -
  QUEUED (preemptions ignored); prefill_time = first token - first scheduled; decode_time = last token - first
  token; inference_time = last token - first scheduled; mean time per output token = decode_time / (n - 1);
  prompt tokens counted (full prompt length) when the first token comes.
- vllm/v1/core/kv_cache_manager.py get_computed_blocks (stored versions): prefix-cache queries += request.num_tokens
  and hits += cached tokens, counted each time a waiting request is scheduled (again after a preemption), only when
  prefix caching is on; at most num_tokens - 1 tokens can hit. 0.8 counts blocks (this emulator: queries = full
  blocks of num_tokens - 1, hits = cached blocks; the exact 0.8 rule for the last block was not confirmed).
- vllm/v1/core/sched/scheduler.py (V1 scheduler, from memory of its structure, not re-read here): running requests
  first, a request that cannot get a block preempts the last running one (recompute), then waiting requests while
  max_num_seqs and the token budget allow. gpu/kv cache usage = 1 - free blocks / all blocks, cached but unused
  blocks counting as free.
- vllm/entrypoints/openai/chat_completion/serving.py at 5e918640d7b65820db5beaa98c2a99925bff7c17
  (chat_completion_stream_generator): the role chunk (delta {"role": "assistant", "content": ""}, and
  "prompt_token_ids": null) is sent with the first engine output, i.e. when the first token exists, followed in
  the same iteration by that token's delta if the parser gives one; a delta the parser swallows sends nothing;
  the last token's chunk carries finish_reason ("length") and stop_reason null; with include_usage a final chunk
  with "choices": [] and usage {prompt_tokens, total_tokens, completion_tokens} (+ prompt_tokens_details
  {cached_tokens} only with --enable-prompt-tokens-details, here --cache-report on), dumped exclude_none; then
  "data: [DONE]". Chunks are model_dump_json(exclude_unset=True): set fields only, compact. Token chunks carry
  "token_ids": null. A mid-stream generation error (finish_reason "error" -> GenerationError) sends
  data: {"error": {"message": "Internal server error", "type": "InternalServerError", "param": null, "code": 500}}
  (json.dumps of ErrorResponse{error: ErrorInfo}) and then data: [DONE].
- vllm/entrypoints/openai/engine/protocol.py (stored): DeltaMessage(role, content, reasoning, tool_calls) - the
  current field is "reasoning"; v0.8's protocol.py has "reasoning_content"; ErrorResponse is {"error": {...}} now,
  flat {"object": "error", "message", "type", "param", "code"} in 0.8.
- v0.8 serving_chat.py (from the stored 0.8-era versions): same stream shape without token_ids/prompt_token_ids;
  a mid-stream exception sends data: {"error": {"object": "error", "message": ..., "type": "BadRequestError",
  "param": null, "code": 400}} (create_streaming_error_response defaults) then data: [DONE].
- Reasoning: vllm/reasoning/glm4_moe_reasoning_parser.py (the glm45 parser; 0.8 had deepseek_r1, same rule here):
  a delta that is only <think> or only </think> is swallowed (None), text between them goes to the reasoning field.
- vllm/v1/metrics/prometheus.py (stored, 0fa7aac8): one API server uses the default REGISTRY (so python_gc_*,
  python_info, process_* come first) and mount_metrics adds prometheus-fastapi-instrumentator's http_* families.
- Data parallel (--data-parallel-size 2): one PrometheusStatLogger with engine_indexes [0, 1]: every family has a
  child per engine="0"/"1"; requests go to the engine with the lowest waiting * 4 + running
  (vllm/v1/engine/core_client.py DPLBAsyncMPClient, from memory: the exact tie-break was not re-read).
Not emulated: the non-streaming response's rarely used fields are a plausible subset; LoRA and spec-decode
metrics of current main (created only when configured); KV-cache residency metrics (off by default).
"""
import json

import prom
from engines import base, pyserver

LATENCY = [0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0,
           960.0, 1920.0, 7680.0]
TTFT = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0,
        80.0, 160.0, 640.0, 2560.0]
TPOT = [0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0]


def buckets_125(max_value):
    out, exp = [], 0
    while True:
        for m in (1, 2, 5):
            v = m * 10 ** exp
            if v > max_value:
                return out
            out.append(v)
        exp += 1


class VLLM(base.FastApiWire, base.Engine):
    has_reasoning_parser = True
    dp_policy = "vllm"

    def __init__(self, opts, clock, truth, old):
        self.old = old
        self.name = "vllm-0.8" if old else opts.engine
        super().__init__(opts, clock, truth)

    def configure(self, cfg):
        cfg.admission = "blocks"
        cfg.victim = "last"
        cfg.mix = cfg.chunked

    # --- metrics --------------------------------------------------------------------------------------
    def setup_metrics(self):
        self.reg = prom.Registry()
        reg = self.reg
        self.defaults = pyserver.DefaultCollectors(reg)
        ln = ["model_name", "engine"]
        L = self.opts.max_model_len
        old = self.old

        def fam(name, kind, doc, buckets=None, extra=()):
            return reg.add(prom.Family(name, kind, doc, ln + list(extra), buckets))
        self.running = fam("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.")
        self.waiting = fam("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.")
        if old:
            self.kv = fam("vllm:gpu_cache_usage_perc", "gauge", "GPU KV-cache usage. 1 means 100 percent usage.")
            self.pq = fam("vllm:gpu_prefix_cache_queries", "counter",
                          "GPU prefix cache queries, in terms of number of queried blocks.")
            self.ph = fam("vllm:gpu_prefix_cache_hits", "counter",
                          "GPU prefix cache hits, in terms of number of cached blocks.")
            self.sleep = None
        else:
            self.sleep = fam("vllm:engine_sleep_state", "gauge",
                             "Engine sleep state; awake = 0 means engine is sleeping; awake = 1 means engine is "
                             "awake; weights_offloaded = 1 means sleep level 1; discard_all = 1 means sleep level 2.",
                             extra=["sleep_state"])
            self.kv = fam("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.")
            self.pq = fam("vllm:prefix_cache_queries", "counter",
                          "Prefix cache queries, in terms of number of queried tokens.")
            self.ph = fam("vllm:prefix_cache_hits", "counter", "Prefix cache hits, in terms of number of cached tokens.")
            self.epq = fam("vllm:external_prefix_cache_queries", "counter",
                           "External prefix cache queries from KV connector cross-instance cache sharing, in terms "
                           "of number of queried tokens.")
            self.eph = fam("vllm:external_prefix_cache_hits", "counter",
                           "External prefix cache hits from KV connector cross-instance cache sharing, in terms of "
                           "number of cached tokens.")
            self.mmq = fam("vllm:mm_cache_queries", "counter",
                           "Multi-modal cache queries, in terms of number of queried items.")
            self.mmh = fam("vllm:mm_cache_hits", "counter", "Multi-modal cache hits, in terms of number of cached items.")
        self.preempt = fam("vllm:num_preemptions", "counter", "Cumulative number of preemption from the engine.")
        self.prompt = fam("vllm:prompt_tokens", "counter", "Number of prefill tokens processed.")
        self.gen = fam("vllm:generation_tokens", "counter", "Number of generation tokens processed.")
        self.success = fam("vllm:request_success", "counter", "Count of successfully processed requests.",
                           extra=["finished_reason"])
        self.h_prompt = fam("vllm:request_prompt_tokens", "histogram", "Number of prefill tokens processed.",
                            buckets_125(L))
        self.h_gen = fam("vllm:request_generation_tokens", "histogram", "Number of generation tokens processed.",
                         buckets_125(L))
        iter_buckets = ([1, 2, 4] + list(range(8, 513, 8))) if old else \
            [1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384]
        self.h_iter = fam("vllm:iteration_tokens_total", "histogram", "Histogram of number of tokens per engine_step.",
                          iter_buckets)
        self.h_maxgen = fam("vllm:request_max_num_generation_tokens", "histogram",
                            "Histogram of maximum number of requested generation tokens.", buckets_125(L))
        self.h_n = fam("vllm:request_params_n", "histogram", "Histogram of the n request parameter.", [1, 2, 5, 10, 20])
        self.h_maxtok = fam("vllm:request_params_max_tokens", "histogram",
                            "Histogram of the max_tokens request parameter.", buckets_125(L))
        self.h_ttft = fam("vllm:time_to_first_token_seconds", "histogram",
                          "Histogram of time to first token in seconds.", TTFT)
        if old:
            self.h_itl = fam("vllm:time_per_output_token_seconds", "histogram",
                             "Histogram of time per output token in seconds.", TPOT)
            self.h_tpot_req = None
        else:
            self.h_itl = fam("vllm:inter_token_latency_seconds", "histogram",
                             "Histogram of inter-token latency in seconds.", TPOT)
            self.h_tpot_req = fam("vllm:request_time_per_output_token_seconds", "histogram",
                                  "Histogram of time_per_output_token_seconds per request.", TPOT)
        self.h_e2e = fam("vllm:e2e_request_latency_seconds", "histogram",
                         "Histogram of e2e request latency in seconds.", LATENCY)
        self.h_queue = fam("vllm:request_queue_time_seconds", "histogram",
                           "Histogram of time spent in WAITING phase for request.", LATENCY)
        self.h_infer = fam("vllm:request_inference_time_seconds", "histogram",
                           "Histogram of time spent in RUNNING phase for request.", LATENCY)
        self.h_prefill = fam("vllm:request_prefill_time_seconds", "histogram",
                             "Histogram of time spent in PREFILL phase for request.", LATENCY)
        self.h_decode = fam("vllm:request_decode_time_seconds", "histogram",
                            "Histogram of time spent in DECODE phase for request.", LATENCY)
        if old:
            self.sd_draft = fam("vllm:spec_decode_num_draft_tokens_total", "counter", "Number of draft tokens.")
            self.sd_acc = fam("vllm:spec_decode_num_accepted_tokens_total", "counter", "Number of accepted tokens.")
        reasons = ["stop", "length", "abort"] if old else ["stop", "length", "abort", "error"]
        engines = [str(i) for i in range(self.dp)]
        for f in reg.families:
            if not f.name.startswith("vllm:") or f is self.success or f is self.sleep:
                continue
            for e in engines:
                f.labels((self.model, e))
        for reason in reasons:
            for e in engines:
                self.success.labels((self.model, e, reason))
        if self.sleep is not None:
            for s, v in (("awake", 1), ("weights_offloaded", 0), ("discard_all", 0)):
                for e in engines:
                    self.sleep.set((self.model, e, s), v)
        # log_engine_initialized: the cache config as an info gauge
        info = {"block_size": str(self.cfg.block_size), "cache_dtype": "auto",
                "enable_prefix_caching": str(bool(self.cfg.prefix_cache)), "gpu_memory_utilization": "0.9",
                "num_gpu_blocks": str(self.cfg.kv_tokens // self.cfg.block_size), "num_cpu_blocks": "None"}
        names = list(info) + ([] if old else ["engine"])
        self.cache_info = reg.add(prom.Family("vllm:cache_config_info", "gauge",
                                              "Information of the LLMEngine CacheConfig", names))
        for e in (["-"] if old else engines):
            vals = dict(info)
            if not old:
                vals["engine"] = e
            self.cache_info.set(vals, 1)
        self.http = pyserver.Instrumentator(reg)
        self.step_acc = {}

    def lv(self, core):
        return (self.model, str(core.rank))

    def acc(self, core):
        return self.step_acc.setdefault(core.rank, {"q": 0, "h": 0, "pre": 0, "ptok": 0, "gtok": 0})

    def on_schedule(self, core, req, now, cached, first_time):
        if not self.cfg.prefix_cache:
            return
        a = self.acc(core)
        if self.old:
            a["q"] += (req.num_tokens() - 1) // self.cfg.block_size
            a["h"] += cached // self.cfg.block_size
        else:
            a["q"] += req.num_tokens()
            a["h"] += cached

    def on_preempt(self, core, req, now):
        self.acc(core)["pre"] += 1

    def on_token(self, core, req, idx, now):
        a = self.acc(core)
        a["gtok"] += 1
        with self.reg.lock:
            if idx == 0:
                a["ptok"] += len(req.prompt)
                v = (now - req.arrival_ms) / 1000.0
                self.h_ttft.observe(self.lv(core), v)
                self.observe(req, self.h_ttft.name, v)
            else:
                v = (now - req.token_ms[-2]) / 1000.0
                self.h_itl.observe(self.lv(core), v)
                self.observe(req, self.h_itl.name, v)

    def on_finish(self, core, req, now, reason):
        lv = self.lv(core)
        if reason == "error":
            reason = "abort" if self.old else "error"
        n = len(req.outputs)
        first = req.first_token_ms if req.first_token_ms is not None else now
        last = req.last_token_ms if req.last_token_ms is not None else now
        sched = req.queued_ms if req.queued_ms is not None else now
        vals = {
            self.h_e2e: (now - req.arrival_ms) / 1000.0,
            self.h_queue: (sched - req.arrival_ms) / 1000.0,
            self.h_prefill: (first - sched) / 1000.0,
            self.h_infer: (last - sched) / 1000.0,
            self.h_decode: (last - first) / 1000.0,
        }
        with self.reg.lock:
            self.success.inc(lv + (reason,))
            for fam, v in vals.items():
                fam.observe(lv, v)
                self.observe(req, fam.name, v)
            self.h_prompt.observe(lv, len(req.prompt))
            self.h_gen.observe(lv, n)
            if self.h_tpot_req is not None:
                v = vals[self.h_decode] / (n - 1) if n > 1 else 0.0
                self.h_tpot_req.observe(lv, v)
                self.observe(req, self.h_tpot_req.name, v)
            self.h_n.observe(lv, 1)
            self.h_maxgen.observe(lv, req.max_tokens)
            if req.extra.get("max_tokens_param"):
                self.h_maxtok.observe(lv, req.extra["max_tokens_param"])

    def on_step_end(self, core, prefill, decode, produced, now, cost):
        lv = self.lv(core)
        a = self.acc(core)
        with self.reg.lock:
            self.running.set(lv, len(core.running))
            self.waiting.set(lv, len(core.waiting))
            self.kv.set(lv, core.kv_usage())
            self.pq.inc(lv, a["q"])
            self.ph.inc(lv, a["h"])
            self.preempt.inc(lv, a["pre"])
            self.prompt.inc(lv, a["ptok"])
            self.gen.inc(lv, a["gtok"])
            if produced:
                self.h_iter.observe(lv, a["ptok"] + a["gtok"])
        self.step_acc[core.rank] = {"q": 0, "h": 0, "pre": 0, "ptok": 0, "gtok": 0}

    def on_http(self, method, path, status, seconds, in_bytes, out_bytes):
        with self.reg.lock:
            self.http.observe(method, path, status, seconds, in_bytes, out_bytes)

    def metrics_page(self):
        with self.reg.lock:
            self.defaults.refresh()
            fams = [f for f in self.reg.families if f.name not in self.opts.omit
                    and f.name + "_total" not in self.opts.omit]
            page = prom.render_client(fams, created=not self.old)
        return 200, "text/plain; version=0.0.4; charset=utf-8", page.text().encode(), page.series

    # --- wire: FastAPI's (base.FastApiWire) -----------------------------------------------------------

    def models_body(self):
        c = int(self.start_ms / 1000) + 1700000000
        return {"object": "list", "data": [{
            "id": self.model, "object": "model", "created": c, "owned_by": "vllm", "root": self.model,
            "parent": None, "max_model_len": self.opts.max_model_len,
            "permission": [{"id": "modelperm-0", "object": "model_permission", "created": c,
                            "allow_create_engine": False, "allow_sampling": True, "allow_logprobs": True,
                            "allow_search_indices": False, "allow_view": True, "allow_fine_tuning": False,
                            "organization": "*", "group": None, "is_blocking": False}]}]}

    def error_body(self, status, message):
        if self.old:
            body = {"object": "error", "message": message, "type": "BadRequestError", "param": None, "code": status}
        else:
            body = {"error": {"message": message, "type": "BadRequestError", "param": None, "code": status}}
        return status, "application/json", base.dumps_compact(body).encode()

    def reasoning_key(self):
        return "reasoning_content" if self.old else "reasoning"

    def chunk(self, job, choices, **extra):
        c = {"id": job.id, "object": "chat.completion.chunk" if job.chat else "text_completion",
             "created": job.created, "model": self.model, "choices": choices}
        c.update(extra)
        return c

    def first_output(self, job):
        if not job.chat:
            return []
        choice = {"index": 0, "delta": {"role": "assistant", "content": ""}, "logprobs": None, "finish_reason": None}
        extra = {} if self.old else {"prompt_token_ids": None}
        return [base.sse(self.chunk(job, [choice], **extra), choices=True)]

    def delta(self, kind, text):
        if not self.parser_on:
            return {"content": text}
        if kind in ("think_open", "think_close"):
            return None
        if kind == "reasoning":
            return {self.reasoning_key(): text}
        return {"content": text}

    def token_frames(self, job, idx, kind, text):
        last = idx == job.req.target - 1
        if not job.chat:
            choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": job.finish if last else None,
                      "stop_reason": None}
            return [base.sse(self.chunk(job, [choice]), choices=True, text=bool(text))]
        d = self.delta(kind, text)
        if d is None and not last:
            return []
        choice = {"index": 0, "delta": d if d is not None else {}, "logprobs": None}
        choice["finish_reason"] = job.finish if last else None
        if last:
            choice["stop_reason"] = None
        if not self.old:
            choice["token_ids"] = None
        return [base.sse(self.chunk(job, [choice]), choices=True, text=bool(d))]

    def usage_obj(self, job):
        p, c = self.usage(job)
        u = {"prompt_tokens": p, "total_tokens": p + c, "completion_tokens": c}
        cached = job.req.cached_tokens or 0
        if self.opts.cache_report and cached:
            u["prompt_tokens_details"] = {"cached_tokens": cached}
        return u

    def finish_frames(self, job):
        out = []
        if job.include_usage:
            out.append(base.sse(self.chunk(job, [], usage=self.usage_obj(job))))
        out.append(base.sse("[DONE]"))
        return out

    def error_frames(self, job):
        if self.old:
            err = {"error": {"object": "error", "message": "Engine generation error", "type": "BadRequestError",
                             "param": None, "code": 400}}
        else:
            err = {"error": {"message": "Internal server error", "type": "InternalServerError", "param": None,
                             "code": 500}}
        return [base.sse(json.dumps(err)), base.sse("[DONE]")]

    def full_response(self, job):
        if job.status == "error":
            if self.old:
                body = {"object": "error", "message": "Engine generation error", "type": "BadRequestError",
                        "param": None, "code": 400}
                return 400, "application/json", base.dumps_compact(body).encode()
            body = {"error": {"message": "Internal server error", "type": "InternalServerError", "param": None,
                              "code": 500}}
            return 500, "application/json", base.dumps_compact(body).encode()
        reasoning, content = self.split_text(job)
        usage = self.usage_obj(job)
        if job.chat:
            msg = {"role": "assistant", "content": content, "refusal": None, "annotations": None, "audio": None,
                   "function_call": None, "tool_calls": []}
            msg[self.reasoning_key()] = reasoning or None
            choice = {"index": 0, "message": msg, "logprobs": None, "finish_reason": job.finish, "stop_reason": None}
            body = {"id": job.id, "object": "chat.completion", "created": job.created, "model": self.model,
                    "choices": [choice], "service_tier": None, "system_fingerprint": None, "usage": usage,
                    "prompt_logprobs": None, "kv_transfer_params": None}
        else:
            choice = {"index": 0, "text": "".join(t for _, t in job.texts), "logprobs": None,
                      "finish_reason": job.finish, "stop_reason": None, "prompt_logprobs": None}
            body = {"id": job.id, "object": "text_completion", "created": job.created, "model": self.model,
                    "choices": [choice], "usage": usage}
        return 200, "application/json", base.dumps_compact(body).encode()


def make(opts, clock, truth):
    return VLLM(opts, clock, truth, old=opts.engine == "vllm-0.8")
