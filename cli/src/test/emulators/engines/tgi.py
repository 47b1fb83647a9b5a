"""Text Generation Inference ("tgi"), v3.3.7 (huggingface/text-generation-inference at
db931fcf42da018a3657580c64bf2720f167f9ab, v3.3.7-1, fetched whole).

Upstream files read:
- router/src/server.rs: chat_completions (tgi_request_count incremented there and again in
  generate_stream_internal: two per streamed chat request), generate_stream_internal (at the last token:
  tgi_request_success, tgi_request_duration = total time since the handler started, tgi_request_validation_duration,
  tgi_request_queue_duration = batch start - queued, tgi_request_inference_duration = now - batch start,
  tgi_request_mean_time_per_token_duration = inference / generated tokens, tgi_request_generated_tokens),
  the metric descriptions (describe_counter/gauge/histogram), the buckets (every name ending in "duration": 35
  geometric buckets 0.0001 * 1.5^k, k = 1..35; tgi_request_input_length: max_input_tokens / 100 * (x + 1);
  tgi_request_generated_tokens and tgi_request_max_new_tokens: max_total_tokens / 100 * (x + 1);
  tgi_batch_next_size: 1..1024), the /metrics route (PrometheusHandle::render) and /v1/models (created 0), the SSE
  stream Sse::new(...).keep_alive(KeepAlive::default()) (axum: a ":" comment every 15 s) ending with data:[DONE].
- router/src/chat.rs ChatState::push / create_event_from_stream_token and router/src/lib.rs ChatCompletionChunk,
  CompletionType (#[serde(tag = "object")]), TextMessage, Usage: every token's chunk is
  {"object":"chat.completion.chunk","id":"","created":...,"model":...,"system_fingerprint":"3.3.7-native",
  "choices":[{"index":0,"delta":{"role":"assistant","content":TOKEN},"logprobs":null,"finish_reason":null}],
  "usage":null} (id is always the empty string; model is the request's model unless it is "tgi" or absent);
  the last token's chunk carries finish_reason "length"; with include_usage a chunk with "choices":[] and usage
  {prompt_tokens, completion_tokens, total_tokens} follows. No role-only chunk and no reasoning parser: a
  reasoning model's <think> text streams as content (assumed not a special token; a special token would stream
  as content ""). axum's Event writes "data:" with no space after the colon.
- router/src/infer/mod.rs InferError::into_openai_event: a mid-stream error is
  data:{"error":{"message":"Request failed during generation: ...","http_status_code":422}} followed by
  data:[DONE]; tgi_request_failure{err="generation"} (backends/v3/src/backend.rs).
- backends/v3/src/queue.rs: tgi_queue_size incremented when a request is queued, set to the queue length when a
  batch is taken; tgi_batch_next_size. backends/v3/src/backend.rs: tgi_batch_current_size and
  tgi_batch_current_max_tokens each loop, tgi_batch_concat{reason} when a new batch joins a running one
  ("chunking" with chunked prefill, else "wait_exceeded"), tgi_batch_inference_count / _success{method} and the
  forward / decode / filter / inference duration histograms per prefill or decode call (the emulator gives the
  whole step to forward and inference and 0 to decode and filter, which it does not model). With chunking the new
  batch's prefill also generates a token for the running batch (a mixed step); without, decode waits.
  backends/v3/src/lib.rs: tgi_batch_max_total_tokens set at startup.
- Cargo.lock: metrics 0.23, metrics-exporter-prometheus 0.15.3 (its rendering: prom.render_metrics_rs).
Admission: a request joins when prompt + max_new_tokens of the batch fits max_batch_total_tokens (--kv-tokens);
no preemption. No prefix-cache report anywhere in TGI's API or metrics.
"""
import prom
from engines import base

VERSION = "3.3.7"


def geometric():
    out, v = [], 0.0001
    for _ in range(35):
        v *= 1.5
        out.append(v)
    return out


class TGI(base.Engine):
    keepalive_ms = 15000
    has_reasoning_parser = False

    def configure(self, cfg):
        cfg.admission = "reserve"
        cfg.mix = cfg.chunked
        self.max_total = self.opts.max_model_len
        self.max_input = self.opts.max_model_len - 1

    def new_id(self, chat):
        return ""

    def setup_metrics(self):
        self.reg = prom.Registry()
        dur = geometric()
        inp = [(self.max_input / 100.0) * (x + 1) for x in range(100)]
        tot = [(self.max_total / 100.0) * (x + 1) for x in range(100)]
        nxt = [float(x + 1) for x in range(1024)]
        desc = {
            "tgi_request_success": "Number of successful requests",
            "tgi_request_duration": "Total time spent processing the request",
            "tgi_request_validation_duration": "Time spent validating the request",
            "tgi_request_queue_duration": "Time spent in the queue per request",
            "tgi_request_inference_duration": "Request inference duration",
            "tgi_request_mean_time_per_token_duration": "Mean time per token per request",
            "tgi_request_generated_tokens": "Generated tokens per request",
            "tgi_batch_inference_count": "Inference calls per method (prefill or decode)",
            "tgi_request_count": "Total number of requests",
            "tgi_batch_inference_success": "Number of successful inference calls per method (prefill or decode)",
            "tgi_batch_current_size": "Current batch size",
            "tgi_queue_size": "Current queue size",
            "tgi_batch_current_max_tokens": "Maximum tokens for the current batch",
            "tgi_request_max_new_tokens": "Maximum new tokens per request",
            "tgi_batch_inference_duration": "Batch inference duration",
            "tgi_batch_forward_duration": "Batch forward duration per method (prefill or decode)",
            "tgi_batch_filter_duration": "Time spent filtering batches and sending generated tokens per method "
                                         "(prefill or decode)",
            "tgi_batch_decode_duration": "Time spent decoding a batch per method (prefill or decode)",
            "tgi_request_input_length": "Input token length per request",
            "tgi_batch_next_size": "Batch size of the next batch",
        }

        def fam(name, kind, labels=(), buckets=None):
            return self.reg.add(prom.Family(name, kind, desc.get(name, ""), labels, buckets))
        self.count = fam("tgi_request_count", "counter")
        self.success = fam("tgi_request_success", "counter")
        self.failure = fam("tgi_request_failure", "counter", ["err"])
        self.inf_count = fam("tgi_batch_inference_count", "counter", ["method"])
        self.inf_success = fam("tgi_batch_inference_success", "counter", ["method"])
        self.concat = fam("tgi_batch_concat", "counter", ["reason"])
        self.queue_size = fam("tgi_queue_size", "gauge")
        self.cur_size = fam("tgi_batch_current_size", "gauge")
        self.cur_max = fam("tgi_batch_current_max_tokens", "gauge")
        self.max_total_g = fam("tgi_batch_max_total_tokens", "gauge")
        self.h_dur = fam("tgi_request_duration", "histogram", buckets=dur)
        self.h_val = fam("tgi_request_validation_duration", "histogram", buckets=dur)
        self.h_queue = fam("tgi_request_queue_duration", "histogram", buckets=dur)
        self.h_inf = fam("tgi_request_inference_duration", "histogram", buckets=dur)
        self.h_tpt = fam("tgi_request_mean_time_per_token_duration", "histogram", buckets=dur)
        self.h_gen = fam("tgi_request_generated_tokens", "histogram", buckets=tot)
        self.h_input = fam("tgi_request_input_length", "histogram", buckets=inp)
        self.h_maxnew = fam("tgi_request_max_new_tokens", "histogram", buckets=tot)
        self.h_next = fam("tgi_batch_next_size", "histogram", buckets=nxt)
        self.h_bfwd = fam("tgi_batch_forward_duration", "histogram", ["method"], dur)
        self.h_bdec = fam("tgi_batch_decode_duration", "histogram", ["method"], dur)
        self.h_bfil = fam("tgi_batch_filter_duration", "histogram", ["method"], dur)
        self.h_binf = fam("tgi_batch_inference_duration", "histogram", ["method"], dur)
        self.max_total_g.set((), self.cfg.kv_tokens)
        self.joined = {}

    def submit(self, body, chat, received_ms=None):
        job = super().submit(body, chat, received_ms)
        with self.reg.lock:
            if job.chat:
                self.count.inc((), 1)
            self.count.inc((), 1)
            self.h_input.observe((), len(job.req.prompt))
            self.h_maxnew.observe((), job.req.max_tokens)
        return job

    def on_arrival(self, core, req):
        with self.reg.lock:
            self.queue_size.inc((), 1)

    def on_schedule(self, core, req, now, cached, first_time):
        self.joined.setdefault(core.rank, []).append(req)

    def on_step_start(self, core, prefill, decode, now):
        new = self.joined.pop(core.rank, [])
        with self.reg.lock:
            if new:
                self.queue_size.set((), len(core.waiting))
                self.h_next.observe((), len(new))
                others = [r for r in core.running if r not in new]
                if others:
                    self.concat.inc(("chunking" if self.cfg.chunked else "wait_exceeded",), 1)
            if prefill or decode:
                batch = core.running
                self.cur_size.set((), len(batch))
                self.cur_max.set((), sum(len(r.prompt) + r.max_tokens for r in batch))

    def on_step_end(self, core, prefill, decode, produced, now, cost):
        if not prefill and not decode:
            return
        method = ("prefill",) if prefill else ("decode",)
        s = cost / 1000.0
        with self.reg.lock:
            self.inf_count.inc(method, 1)
            self.h_bfwd.observe(method, s)
            self.h_bdec.observe(method, 0.0)
            self.h_bfil.observe(method, 0.0)
            self.h_binf.observe(method, s)
            self.inf_success.inc(method, 1)
            if not core.running and not core.waiting:
                self.cur_size.set((), 0)
                self.cur_max.set((), 0)

    def on_finish(self, core, req, now, reason):
        with self.reg.lock:
            if reason == "error":
                self.failure.inc(("generation",), 1)
                return
            start = req.queued_ms if req.queued_ms is not None else now
            vals = {self.h_dur: (now - req.arrival_ms) / 1000.0, self.h_val: 0.0,
                    self.h_queue: (start - req.arrival_ms) / 1000.0, self.h_inf: (now - start) / 1000.0}
            vals[self.h_tpt] = vals[self.h_inf] / max(1, len(req.outputs))
            self.success.inc((), 1)
            for fam, v in vals.items():
                fam.observe((), v)
                self.observe(req, fam.name, v)
            self.h_gen.observe((), len(req.outputs))

    def metrics_page(self):
        with self.reg.lock:
            fams = [f for f in self.reg.families if f.name not in self.opts.omit]
            page = prom.render_metrics_rs(fams)
        return 200, "text/plain; charset=utf-8", page.text().encode(), page.series

    # --- wire ----------------------------------------------------------------------------------------------
    def stream_headers(self):
        return [("content-type", "text/event-stream"), ("cache-control", "no-cache"),
                ("x-compute-type", "gpu+optimized"), ("x-accel-buffering", "no")]

    def keepalive_frame(self):
        return base.Frame(":\n\n")

    def health(self):
        return 200, None, b""

    def not_found(self):
        return 404, None, b""

    def models_body(self):
        return {"object": "list", "data": [{"id": self.model, "object": "model", "created": 0,
                                            "owned_by": self.model}]}

    def error_body(self, status, message):
        body = {"error": "Input validation error: " + message, "error_type": "validation"}
        return 422, "application/json", base.dumps_compact(body).encode()

    def model_name(self, job):
        m = job.body.get("model") if isinstance(job.body, dict) else None
        return self.model if m in (None, "tgi") else m

    def chunk(self, job, choices, usage=None):
        return {"object": "chat.completion.chunk", "id": "", "created": job.created, "model": self.model_name(job),
                "system_fingerprint": VERSION + "-native", "choices": choices, "usage": usage}

    def first_output(self, job):
        return []

    def token_frames(self, job, idx, kind, text):
        last = idx == job.req.target - 1
        if job.chat:
            choice = {"index": 0, "delta": {"role": "assistant", "content": text}, "logprobs": None,
                      "finish_reason": job.finish if last else None}
            return [base.sse(self.chunk(job, [choice]), choices=True, text=bool(text), sep=":")]
        choice = {"index": 0, "text": text, "logprobs": None, "finish_reason": job.finish if last else None}
        c = {"id": "", "created": job.created, "model": self.model_name(job),
             "system_fingerprint": VERSION + "-native", "choices": [choice]}
        return [base.sse(c, choices=True, text=bool(text), sep=":")]

    def usage_obj(self, job):
        p, c = self.usage(job)
        return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}

    def finish_frames(self, job):
        out = []
        if job.include_usage and job.chat:
            out.append(base.sse(self.chunk(job, [], usage=self.usage_obj(job)), sep=":"))
        out.append(base.sse("[DONE]", sep=":"))
        return out

    def error_frames(self, job):
        err = {"error": {"message": "Request failed during generation: Unexpected <class 'RuntimeError'>",
                         "http_status_code": 422}}
        return [base.sse(err, sep=":"), base.sse("[DONE]", sep=":")]

    def full_response(self, job):
        if job.status == "error":
            body = {"error": "Request failed during generation: Unexpected <class 'RuntimeError'>",
                    "error_type": "generation"}
            return 424, "application/json", base.dumps_compact(body).encode()
        text = "".join(t for _, t in job.texts)
        if job.chat:
            body = {"object": "chat.completion", "id": "", "created": job.created, "model": self.model_name(job),
                    "system_fingerprint": VERSION + "-native",
                    "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "logprobs": None,
                                 "finish_reason": job.finish}], "usage": self.usage_obj(job)}
        else:
            body = {"id": "", "created": job.created, "model": self.model_name(job),
                    "system_fingerprint": VERSION + "-native",
                    "choices": [{"index": 0, "text": text, "logprobs": None, "finish_reason": job.finish}],
                    "usage": self.usage_obj(job)}
        return 200, "application/json", base.dumps_compact(body).encode()


def make(opts, clock, truth):
    return TGI(opts, clock, truth)
