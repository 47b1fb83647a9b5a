"""llama.cpp's server: current ("llamacpp") and before its HTTP refactor ("llamacpp-old").

Upstream files read (github.com/ggml-org/llama.cpp, through the stored-source index):
- "llamacpp": tools/server/server-context.cpp at fb4026604c67c682f552337ec9b91eced0abd35a (server_metrics:
  on_prompt_eval when a slot's first token is sampled adds the prompt tokens it processed (cache hits excluded) and
  the prompt time t_start_generation - t_start_process_prompt in ms, truncated into a uint64 total, and raises
  n_tokens_max; on_prediction at release adds n_decoded and the generation time; on_decoded counts llama_decode
  calls and busy slots; get_metrics writes, in this order, counters prompt_tokens_total, prompt_seconds_total,
  tokens_predicted_total, tokens_predicted_seconds_total, n_decode_total, n_tokens_max, n_busy_slots_per_decode
  and gauges prompt_tokens_seconds, predicted_tokens_seconds, requests_processing, requests_deferred, each as
  "# HELP llamacpp:NAME HELP", "# TYPE llamacpp:NAME TYPE", "llamacpp:NAME VALUE" with VALUE a double through a
  std::stringstream (%g, 6 significant digits); content type "text/plain; version=0.0.4"; the throughput buckets
  are not reset by /metrics in this version. No histograms and no KV-cache gauge in this version.
  handle_completions_impl: the first result is sent as a normal response if it is an error; later errors are
  data: {"error":{"code":500,"message":...,"type":"server_error"}} and the stream ends (no [DONE]); a finished
  stream ends with data: [DONE].
- tools/server/server-task.cpp at 17f5f8a80d8ac9c18c23ecb2321640daeec77096: partial chat chunks
  {"choices":[{"finish_reason":null,"index":0,"delta":...}],"created","id","model","system_fingerprint","object"}
  (nlohmann ordered_json, compact), the first token (n_decoded == 1) preceded by a role chunk
  {"role":"assistant","content":null}, deltas from the chat-message diffs (content / reasoning_content; a token
  the reasoning parser consumes, such as <think>, gives no delta); the final result: a chunk with "delta":{} and
  finish_reason "length", then with include_usage a chunk with "choices":[] and usage {completion_tokens,
  prompt_tokens, total_tokens}; "timings" (cache_n, prompt_n, prompt_ms, ... predicted_per_second) pushed onto
  the last of them. server-common.cpp: format_oai_sse ("data: " + dump + "\n\n"), format_error_response
  {code, message, type}, gen_chatcmplid ("chatcmpl-" + 32 random alphanumerics).
- "llamacpp-old": examples/server/server.cpp at 61e588abcc3e418681e9528b46d61f5b23225fe2 (early 2025, before the
  move to tools/server and the server-http refactor): metrics counters prompt_tokens_total, prompt_seconds_total,
  tokens_predicted_total, tokens_predicted_seconds_total, n_decode_total, n_busy_slots_per_decode and gauges
  prompt_tokens_seconds, predicted_tokens_seconds, kv_cache_usage_ratio (used KV cells / n_ctx),
  kv_cache_tokens, requests_processing, requests_deferred; /metrics resets the throughput buckets
  (metrics_reset_bucket = true). Streams through server_sent_event: data chunks, a mid-stream error as an
  "error: {...}" SSE line, then "data: [DONE]" in OAI mode all the same. Partial chat chunks: the role chunk is
  sent only when n_decoded == 0, which never holds when the first token is sent (n_decoded is incremented first),
  so this version sends no role chunk; deltas are {"content": TOKEN} (no reasoning split while streaming); the
  final chunk has "delta":{}, finish_reason and always usage and timings. (That stored version also carries a
  "completion_tokens_details" of a predicted-outputs feature which upstream never merged; left out.)
Scheduling (both): n_parallel slots, each with n_ctx / n_parallel of context and its own prompt cache (the slot
keeps the tokens of its last request; a new request takes the idle slot sharing the longest prefix if that is at
least half the prompt, else the least recently used, and reuses the common prefix); a request with no idle slot is
deferred; each llama_decode mixes prompt chunks (n_batch, --chunk-tokens) with one token of every generating
slot; no preemption.
"""
import random
import string
import time

import prom
from engines import base

BUILD = "b7000-fb402660"
OLD_BUILD = "b4800-61e588ab"


def cfmt(x):
    """std::ostream << double with the default precision (6, %g)."""
    return "%g" % x


class LlamaCpp(base.Engine):
    has_reasoning_parser = True

    def __init__(self, opts, clock, truth, old):
        self.old = old
        super().__init__(opts, clock, truth)
        if old:
            self.parser_on = False

    def configure(self, cfg):
        cfg.admission = "slots"
        cfg.mix = True

    def new_id(self, chat):
        alphabet = string.digits + string.ascii_letters
        return "chatcmpl-" + "".join(random.choice(alphabet) for _ in range(32))

    def setup_metrics(self):
        self.m = {"n_prompt_total": 0, "t_prompt_total": 0, "n_pred_total": 0, "t_pred_total": 0, "n_tokens_max": 0,
                  "n_prompt": 0, "t_prompt": 0, "n_pred": 0, "t_pred": 0, "n_decode": 0, "n_busy": 0}
        self.t_start = int(time.time())
        self.started = {}

    def on_schedule(self, core, req, now, cached, first_time):
        self.started[req.id] = now

    def on_token(self, core, req, idx, now):
        if idx != 0:
            return
        t = now - self.started.get(req.id, now)
        processed = len(req.prompt) - (req.cached_tokens or 0)
        m = self.m
        m["n_prompt_total"] += processed
        m["n_prompt"] += processed
        m["t_prompt"] = int(m["t_prompt"] + t)
        m["t_prompt_total"] = int(m["t_prompt_total"] + t)
        m["n_tokens_max"] = max(m["n_tokens_max"], len(req.prompt))
        req.extra["t_prompt_ms"] = t

    def on_finish(self, core, req, now, reason):
        self.started.pop(req.id, None)
        if reason == "error":
            return
        t = (req.last_token_ms - req.first_token_ms) if req.first_token_ms is not None else 0.0
        m = self.m
        m["n_pred_total"] += len(req.outputs)
        m["n_pred"] += len(req.outputs)
        m["t_pred"] = int(m["t_pred"] + t)
        m["t_pred_total"] = int(m["t_pred_total"] + t)
        req.extra["t_pred_ms"] = t

    def on_step_start(self, core, prefill, decode, now):
        # server_metrics.on_decoded, right after llama_decode: the slots busy during that call
        if prefill or decode:
            self.m["n_decode"] += 1
            self.m["n_busy"] += len(core.running)

    def metrics_page(self):
        core = self.cores[0]
        with core.cond:
            m = dict(self.m)
            processing = sum(1 for r in core.slot_busy if r is not None)
            deferred = len(core.waiting)
            kv_tokens = core.kv_used_tokens()
            if self.old:
                for k in ("n_prompt", "t_prompt", "n_pred", "t_pred"):
                    self.m[k] = 0
        counters = [
            ("prompt_tokens_total", "Number of prompt tokens processed.", m["n_prompt_total"]),
            ("prompt_seconds_total", "Prompt process time", m["t_prompt_total"] / 1e3),
            ("tokens_predicted_total", "Number of generation tokens processed.", m["n_pred_total"]),
            ("tokens_predicted_seconds_total", "Predict process time", m["t_pred_total"] / 1e3),
            ("n_decode_total", "Total number of llama_decode() calls", m["n_decode"]),
        ]
        if not self.old:
            counters.append(("n_tokens_max", "Largest observed n_tokens.", m["n_tokens_max"]))
        counters.append(("n_busy_slots_per_decode", "Average number of busy slots per llama_decode() call",
                         float(m["n_busy"]) / max(float(m["n_decode"]), 1.0)))
        gauges = [
            ("prompt_tokens_seconds", "Average prompt throughput in tokens/s.",
             1e3 / m["t_prompt"] * m["n_prompt"] if m["n_prompt"] and m["t_prompt"] else 0.0),
            ("predicted_tokens_seconds", "Average generation throughput in tokens/s.",
             1e3 / m["t_pred"] * m["n_pred"] if m["n_pred"] and m["t_pred"] else 0.0),
        ]
        if self.old:
            gauges += [("kv_cache_usage_ratio", "KV-cache usage. 1 means 100 percent usage.",
                        1.0 * kv_tokens / self.cfg.kv_tokens),
                       ("kv_cache_tokens", "KV-cache tokens.", kv_tokens)]
        gauges += [("requests_processing", "Number of requests processing.", processing),
                   ("requests_deferred", "Number of requests deferred.", deferred)]
        page = prom.Page()
        for kind, items in (("counter", counters), ("gauge", gauges)):
            for name, help_, value in items:
                full = "llamacpp:" + name
                if full in self.opts.omit:
                    continue
                page.out.append("# HELP %s %s\n# TYPE %s %s\n" % (full, help_, full, kind))
                page.sample(full, "", cfmt(float(value)), float(value))
        return 200, "text/plain; version=0.0.4", page.text().encode(), page.series

    # --- wire ----------------------------------------------------------------------------------------------
    def stream_headers(self):
        return [("Content-Type", "text/event-stream"), ("Server", "llama.cpp")]

    def health(self):
        return 200, "application/json; charset=utf-8", b'{"status":"ok"}'

    def not_found(self):
        body = {"error": {"code": 404, "message": "File Not Found", "type": "not_found_error"}}
        return 404, "application/json; charset=utf-8", base.dumps_compact(body).encode()

    def models_body(self):
        return {"models": [{"name": self.model, "model": self.model, "modified_at": "", "size": "", "digest": "",
                            "type": "model", "description": "", "tags": [""], "capabilities": ["completion"],
                            "parameters": "", "details": {"parent_model": "", "format": "gguf", "family": "",
                                                          "families": [""], "parameter_size": "",
                                                          "quantization_level": ""}}],
                "object": "list",
                "data": [{"id": self.model, "object": "model", "created": self.t_start, "owned_by": "llamacpp",
                          "meta": {"vocab_type": 2, "n_ctx_train": self.opts.max_model_len}}]}

    def error_body(self, status, message):
        body = {"error": {"code": 400, "message": message, "type": "invalid_request_error"}}
        return 400, "application/json; charset=utf-8", base.dumps_compact(body).encode()

    def build(self):
        return OLD_BUILD if self.old else BUILD

    def chunk(self, job, choices, **extra):
        c = {"choices": choices, "created": int(time.time()), "id": job.id, "model": self.model,
             "system_fingerprint": self.build(), "object": "chat.completion.chunk" if job.chat else "text_completion"}
        c.update(extra)
        return c

    def first_output(self, job):
        if self.old or not job.chat:
            return []
        d = {"finish_reason": None, "index": 0, "delta": {"role": "assistant", "content": None}}
        return [base.sse(self.chunk(job, [d]), choices=True)]

    def token_frames(self, job, idx, kind, text):
        if not job.chat:
            choice = {"text": text, "index": 0, "logprobs": None, "finish_reason": None}
            return [base.sse(self.chunk(job, [choice]), choices=True, text=True)]
        if self.parser_on:
            if kind in ("think_open", "think_close"):
                return []
            delta = {"reasoning_content": text} if kind == "reasoning" else {"content": text}
        else:
            delta = {"content": text}
        d = {"finish_reason": None, "index": 0, "delta": delta}
        return [base.sse(self.chunk(job, [d]), choices=True, text=True)]

    def timings(self, job):
        r = job.req
        cache_n = r.cached_tokens or 0
        prompt_n = len(r.prompt) - cache_n
        prompt_ms = r.extra.get("t_prompt_ms", 0.0)
        pred_n = len(r.outputs)
        pred_ms = r.extra.get("t_pred_ms", 0.0)

        def per(ms, n):
            return ms / n if n else 0.0

        def rate(ms, n):
            return 1e3 / ms * n if ms else 0.0
        return {"cache_n": cache_n, "prompt_n": prompt_n, "prompt_ms": prompt_ms,
                "prompt_per_token_ms": per(prompt_ms, prompt_n), "prompt_per_second": rate(prompt_ms, prompt_n),
                "predicted_n": pred_n, "predicted_ms": pred_ms, "predicted_per_token_ms": per(pred_ms, pred_n),
                "predicted_per_second": rate(pred_ms, pred_n)}

    def usage_obj(self, job):
        p, c = self.usage(job)
        return {"completion_tokens": c, "prompt_tokens": p, "total_tokens": p + c}

    def finish_frames(self, job):
        fin = {"finish_reason": job.finish, "index": 0}
        if job.chat:
            fin["delta"] = {}
        else:
            fin = {"text": "", "index": 0, "logprobs": None, "finish_reason": job.finish}
        if self.old:
            c = self.chunk(job, [fin], usage=self.usage_obj(job), timings=self.timings(job))
            return [base.sse(c, choices=True), base.sse("[DONE]")]
        out = [self.chunk(job, [fin])]
        if job.include_usage:
            out.append(self.chunk(job, [], usage=self.usage_obj(job)))
        out[-1]["timings"] = self.timings(job)
        frames = [base.sse(out[0], choices=True)] + [base.sse(c) for c in out[1:]]
        return frames + [base.sse("[DONE]")]

    def error_frames(self, job):
        err = {"code": 500, "message": "Input prompt is too big compared to KV size. Please try increasing KV size.",
               "type": "server_error"}
        if self.old:
            return [base.sse(err, field="error"), base.sse("[DONE]")]
        return [base.sse({"error": err})]

    def full_response(self, job):
        if job.status == "error":
            err = {"error": {"code": 500, "message": "Input prompt is too big compared to KV size. Please try "
                             "increasing KV size.", "type": "server_error"}}
            return 500, "application/json; charset=utf-8", base.dumps_compact(err).encode()
        reasoning, content = self.split_text(job)
        if job.chat:
            msg = {"role": "assistant", "content": content}
            if reasoning:
                msg["reasoning_content"] = reasoning
            choice = {"finish_reason": job.finish, "index": 0, "message": msg}
            body = {"choices": [choice], "created": int(time.time()), "model": self.model,
                    "system_fingerprint": self.build(), "object": "chat.completion", "usage": self.usage_obj(job),
                    "id": job.id, "timings": self.timings(job)}
        else:
            choice = {"text": "".join(t for _, t in job.texts), "index": 0, "logprobs": None,
                      "finish_reason": job.finish}
            body = {"choices": [choice], "created": int(time.time()), "model": self.model,
                    "system_fingerprint": self.build(), "object": "text_completion", "usage": self.usage_obj(job),
                    "id": job.id, "timings": self.timings(job)}
        return 200, "application/json; charset=utf-8", base.dumps_compact(body).encode()


def make(opts, clock, truth):
    return LlamaCpp(opts, clock, truth, old=opts.engine == "llamacpp-old")
