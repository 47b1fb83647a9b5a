"""What every emulated engine shares: request parsing, routing to engine cores, the job that turns a request's
token events into the engine's SSE frames, and the truth record written when a request ends.

An engine module subclasses Engine and supplies: its sim Config defaults (configure), its metrics (hooks and
metrics_page), and its wire shapes (first_output, token_frames, finish_frames, error_frames, full_response,
error_body, models_body). A frame is (bytes, has_choices, has_text): has_choices marks a chunk whose "choices" is
non-empty (vLLM bench's TTFT rule), has_text one that carries content or reasoning text.
"""
import json
import queue
import time
import uuid

import sim
import tokens as tok


def dumps_compact(obj):
    """pydantic model_dump_json / serde_json / nlohmann dump(-1): no spaces, non-ASCII kept."""
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def dumps_python(obj):
    """Python's json.dumps defaults (", " and ": " separators, ASCII escapes), as vLLM and SGLang write errors."""
    return json.dumps(obj)


class Frame:
    __slots__ = ("data", "choices", "text")

    def __init__(self, data, choices=False, text=False):
        self.data = data if isinstance(data, bytes) else data.encode("utf-8")
        self.choices = choices
        self.text = text


def sse(obj, choices=False, text=False, field="data", sep=": ", dump=dumps_compact):
    body = obj if isinstance(obj, str) else dump(obj)
    return Frame("%s%s%s\n\n" % (field, sep, body), choices, text)


class Job:
    """One request on its way through the engine."""

    def __init__(self, engine, body, chat, req, stream, include_usage):
        self.engine = engine
        self.body = body
        self.chat = chat
        self.req = req
        self.stream = stream
        self.include_usage = include_usage
        self.created = int(time.time())
        self.id = engine.new_id(chat)
        self.texts = []          # (kind, text) per output token
        self.status = "ok"
        self.first_chunk_ms = None
        self.first_text_ms = None
        self.end_ms = None


class FastApiWire:
    """The HTTP surface vLLM's and SGLang's servers share, both FastAPI apps: SSE content type, an empty 200 on
    /health, FastAPI's 404 body."""

    def stream_headers(self):
        return [("content-type", "text/event-stream; charset=utf-8")]

    def health(self):
        return 200, None, b""

    def not_found(self):
        return 404, "application/json", b'{"detail":"Not Found"}'


class Engine:
    name = "base"
    has_reasoning_parser = False
    keepalive_ms = 0
    dp_policy = "round_robin"

    def __init__(self, opts, clock, truth):
        self.opts = opts
        self.clock = clock
        self.truth = truth
        self.model = opts.served_model_name
        self.cfg = sim.Config()
        opts.apply_to(self.cfg)
        self.cfg.reasoning = opts.reasoning
        self.configure(self.cfg)
        self.parser_on = opts.reasoning and self.has_reasoning_parser and opts.reasoning_parser != "off"
        if opts.keepalive_ms is not None:
            self.keepalive_ms = opts.keepalive_ms
        self.dp = max(1, opts.dp)
        self.rr = 0
        self.setup_metrics()
        self.cores = [sim.Core(rank, self.cfg, clock, self, truth) for rank in range(self.dp)]
        self.pending = [0] * self.dp
        self.start_ms = clock.ms()

    # --- to override ---------------------------------------------------------------------------------
    def configure(self, cfg):
        pass

    def setup_metrics(self):
        pass

    def metrics_page(self):
        return 404, "text/plain; charset=utf-8", b"404 page not found", None

    def other_get(self, path):
        return self.not_found()

    def on_arrival(self, core, req):
        pass

    def on_schedule(self, core, req, now, cached, first_time):
        pass

    def on_preempt(self, core, req, now):
        pass

    def on_step_start(self, core, prefill, decode, now):
        pass

    def on_token(self, core, req, idx, now):
        pass

    def on_finish(self, core, req, now, reason):
        pass

    def on_step_end(self, core, prefill, decode, produced, now, cost):
        pass

    def on_http(self, method, path, status, seconds, in_bytes, out_bytes):
        pass

    # --- lifecycle -----------------------------------------------------------------------------------
    def start(self):
        for c in self.cores:
            c.start()

    def stop(self):
        for c in self.cores:
            c.stop()

    def new_id(self, chat):
        return ("chatcmpl-" if chat else "cmpl-") + uuid.uuid4().hex

    def route(self, req):
        if self.dp == 1:
            return self.cores[0]
        if self.dp_policy == "vllm":
            # vLLM DPLBAsyncMPClient.get_core_engine_for_request: lowest waiting * 4 + running
            best = None
            for i, c in enumerate(self.cores):
                w, r = c.load()
                score = (w + self.pending[i]) * 4 + r
                if best is None or score < best[0]:
                    best = (score, i)
            return self.cores[best[1]]
        core = self.cores[self.rr % self.dp]
        self.rr += 1
        return core

    def observe(self, req, family, value):
        req.extra.setdefault("observed", {}).setdefault(family, []).append(round(value, 6))

    # --- requests ------------------------------------------------------------------------------------
    def parse(self, body, chat):
        if not isinstance(body, dict):
            raise tok.BadRequest("the request body must be a JSON object")
        if chat and "messages" not in body:
            raise tok.BadRequest("messages is required")
        if not chat and "prompt" not in body:
            raise tok.BadRequest("prompt is required")
        ids, images = tok.prompt_ids(body)
        mt = body.get("max_tokens", body.get("max_completion_tokens", 16 if not chat else 256))
        if not isinstance(mt, int) or isinstance(mt, bool) or mt < 1:
            raise tok.BadRequest("max_tokens must be a positive integer")
        stream = bool(body.get("stream", False))
        so = body.get("stream_options") or {}
        include_usage = bool(so.get("include_usage", False)) if isinstance(so, dict) else False
        return ids, images, mt, stream, include_usage

    def submit(self, body, chat, received_ms=None):
        ids, images, mt, stream, include_usage = self.parse(body, chat)
        target = min(mt, self.opts.max_output) if self.opts.max_output else mt
        # a request cut short by --max-output ends as a model's end-of-sequence would: finish_reason "stop"
        finish = "length" if target >= mt else "stop"
        req = sim.Request(ids, mt, self.clock.ms(), {"images": images, "max_tokens_param": body.get("max_tokens"),
                                                     "finish": finish})
        req.target = target
        job = Job(self, body, chat, req, stream, include_usage)
        job.finish = finish
        job.received_ms = received_ms
        core = self.route(req)
        core.submit(req)
        return job

    def events(self, job):
        """Token events of a job until it ends, with keep-alive timeouts (None) in between."""
        timeout = self.keepalive_ms / 1000.0 if self.keepalive_ms else None
        while True:
            try:
                ev = job.req.events.get(timeout=timeout)
            except queue.Empty:
                yield None
                continue
            yield ev
            if ev[0] in ("done", "error"):
                return

    def frames(self, job):
        for ev in self.events(job):
            if ev is None:
                if self.keepalive_frame() is not None:
                    yield self.keepalive_frame()
                continue
            kind = ev[0]
            if kind == "token":
                idx, tkind = ev[1], ev[2]
                text = tok.output_text(idx, tkind)
                job.texts.append((tkind, text))
                if idx == 0:
                    for f in self.first_output(job):
                        yield f
                for f in self.token_frames(job, idx, tkind, text):
                    yield f
            elif kind == "done":
                for f in self.finish_frames(job):
                    yield f
            else:
                job.status = "error"
                for f in self.error_frames(job):
                    yield f

    def wait(self, job):
        for ev in self.events(job):
            if ev is None:
                continue
            if ev[0] == "token":
                job.texts.append((ev[2], tok.output_text(ev[1], ev[2])))
            elif ev[0] == "error":
                job.status = "error"

    def keepalive_frame(self):
        return None

    # --- text helpers ----------------------------------------------------------------------------------
    def split_text(self, job):
        """(reasoning text, content text) of a finished job as this engine's parser splits it."""
        reasoning, content = [], []
        for kind, text in job.texts:
            if self.parser_on:
                if kind == "reasoning":
                    reasoning.append(text)
                elif kind == "content":
                    content.append(text)
            else:
                content.append(text)
        return "".join(reasoning), "".join(content)

    def usage(self, job):
        r = job.req
        return len(r.prompt), len(r.outputs)

    # --- the truth record ------------------------------------------------------------------------------
    def truth_record(self, job):
        r = job.req

        def rnd(v):
            return None if v is None else round(v, 3)
        rec = {
            "type": "request", "id": job.id, "engine_rank": r.engine_rank, "received_ms": rnd(getattr(job, "received_ms", None)),
            "arrival_ms": rnd(r.arrival_ms),
            "queued_ms": rnd(r.queued_ms), "first_chunk_ms": rnd(job.first_chunk_ms),
            "first_text_ms": rnd(job.first_text_ms), "end_ms": rnd(job.end_ms),
            "prompt_tokens": len(r.prompt), "completion_tokens": len(r.outputs),
            "cached_tokens": r.cached_tokens if r.cached_tokens is not None else 0,
            "queue_ms": rnd(None if r.queued_ms is None else r.queued_ms - r.arrival_ms),
            "prefill_ms": rnd(None if r.first_token_ms is None or r.queued_ms is None
                              else r.first_token_ms - r.queued_ms),
            "preemptions": r.preemptions, "status": job.status,
            "first_token_ms": rnd(r.first_token_ms), "last_token_ms": rnd(r.last_token_ms),
            "images": r.extra.get("images", 0), "stream": job.stream,
            "observed": r.extra.get("observed", {}),
        }
        return rec
