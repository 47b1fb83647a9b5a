"""The HTTP side of the reference server: OpenAI-compatible routes, server-sent events in chunked HTTP/1.1
framing shaped as vLLM sends them (an opening frame with the role and empty content when the first token is
ready, one frame per token, a final frame with finish_reason, the usage frame with empty choices when
stream_options.include_usage, then [DONE]); errors as {"error": {"message", "type", "code"}}."""

import json
import os
import queue
import sys
import threading
import time
import uuid

from .serve_engine import Request, new_stream
from .serve_prompt import PromptError, TooLong, chat_prompt, completion_prompt, words
from .serve_server import head_bytes
from .serve_validate import Invalid, check, parse

REQUEST_TIMEOUT_S = 600.0


class Fault:
    """A failure asked for with --fault, for testing clients: once the Nth token frame is sent (all requests counted),
    exit-after-tokens ends the process at once (the connections drop mid-answer, as a crashed server's), and
    stall-after-tokens sends nothing more on any stream while every connection stays open (a hung server's). The Nth
    token is admitted under a lock, and from then on every other frame waits for good: none slips out after it."""
    KINDS = ("exit-after-tokens", "stall-after-tokens")

    def __init__(self, kind=None, after=0):
        self.kind, self.after = kind, after
        self.sent = 0
        self.lock = threading.Lock()
        self.halted = threading.Event()

    @staticmethod
    def parse(text):
        if text is None:
            return Fault()
        kind, _, n = text.partition(":")
        if kind not in Fault.KINDS:
            raise ValueError("the kinds are " + ", ".join(Fault.KINDS) + " (KIND:N)")
        if not n.isdigit() or int(n) < 1:
            raise ValueError("N must be a whole number of tokens, at least 1")
        return Fault(kind, int(n))

    @staticmethod
    def _forever():
        threading.Event().wait()

    def before_frame(self):
        """Any frame but an admitted token: never sent once the fault is reached."""
        if self.halted.is_set():
            self._forever()

    def admit_token(self):
        """Before a token frame: whether it is the Nth (the caller sends it, then calls reached); blocks for good
        once the Nth was admitted."""
        if self.kind is None:
            return False
        with self.lock:
            if self.halted.is_set():
                last = None
            else:
                self.sent += 1
                last = self.sent == self.after
                if last:
                    self.halted.set()
        if last is None:
            self._forever()
        return last

    def reached(self):
        """After the Nth token frame was sent: exit at once, or stall this stream as every other."""
        print(json.dumps(dict(event="fault", fault=self.kind, tokens=self.sent)), flush=True)
        if self.kind == "exit-after-tokens":
            sys.stderr.flush()
            os._exit(3)
        self._forever()


COMPLETIONS = ("/v1/chat/completions", "/v1/completions")


def pool_of(req):
    """The server's pool for a request (serve_server): completions hold their thread while they stream, every other
    route answers at once and has threads of its own, so that /health answers whatever the completions do."""
    return "completion" if req.method == "POST" and req.path in COMPLETIONS else "control"


def make_handler(engine, metrics, settings, model_name, cfg, fault=None):
    """handle(request, out) for serve_server.Server: answers one whole request; whether the connection may stay
    open."""
    fault = fault or Fault()

    def handle(req, out):
        h = Handler(req, out)
        if req.method == "GET":
            h.do_GET()
        elif req.method == "POST":
            h.do_POST()
        else:
            h._error(501, f"unsupported method {req.method}", "NotImplementedError")
        return not h.close

    class Handler:
        def __init__(self, req, out):
            self.req, self.out = req, out
            self.path = req.target
            self.close = not req.keep_alive
            self.head = []
            self.code = None

        # ---- plumbing ----
        def send_response(self, code):
            self.code = code

        def send_header(self, name, value):
            self.head.append((name, value))

        def end_headers(self):
            self.out.write(head_bytes(self.code, self.head, self.close))
            self.head = []

        def _send(self, code, body, ctype="application/json"):
            data = body.encode("utf-8") if isinstance(body, str) else body
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.out.write(data)

        def _error(self, code, message, kind="BadRequestError"):
            self._send(code, json.dumps({"error": {"message": message, "type": kind, "param": None, "code": code}}))

        def _chunk(self, text, admitted=False):
            if not admitted:
                fault.before_frame()
            data = text.encode("utf-8")
            self.out.write(b"%x\r\n%s\r\n" % (len(data), data))

        # ---- routes ----
        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/health":
                if engine.failure:
                    self._error(503, "engine failed: " + engine.failure, "ServiceUnavailable")
                else:
                    self._send(200, b"", "text/plain")
            elif path == "/v1/models":
                self._send(200, json.dumps({"object": "list", "data": [
                    {"id": model_name, "object": "model", "owned_by": "autoglm", "root": cfg.name,
                     "max_model_len": settings.max_model_len}]}))
            elif path == "/metrics":
                self._send(200, metrics.page(), "text/plain; version=0.0.4; charset=utf-8")
            else:
                self._error(404, f"no route {path}", "NotFoundError")

        def do_POST(self):
            path = self.path.split("?")[0]
            raw, self.req.body = self.req.body, None
            self.req.release()
            if path in ("/start_profile", "/stop_profile"):
                # vLLM's and SGLang's routes: torch.profiler on the engine thread, the trace into --profile-dir
                if not engine.profile_dir:
                    self._error(400, "profiling is off: start the server with --profile-dir DIR or "
                                     "VLLM_TORCH_PROFILER_DIR set")
                    return
                r = engine.profile("start" if path == "/start_profile" else "stop")
                if r.ok:
                    self._send(200, json.dumps(r.answer))
                else:
                    self._error(r.code, r.message, "ProfilerError")
                return
            if path not in COMPLETIONS:
                self._error(404, f"no route {path}", "NotFoundError")
                return
            chat = path == "/v1/chat/completions"
            try:
                ask = check(parse(raw), chat)
            except Invalid as e:
                self._error(400, str(e))
                return
            del raw
            try:
                self._complete(ask, chat)
            except OSError:              # the client went away, or stopped reading for the write timeout
                self.close = True

        def _complete(self, ask, chat):
            if ask.model not in (None, model_name):
                self._error(404, f"The model `{ask.model}` does not exist.", "NotFoundError")
                return
            # cut into pieces only while the prompt can fit: a prompt too long costs its first max-model-len pieces
            limit = settings.max_model_len - 1
            try:
                prompt = chat_prompt(ask.source, cfg.vocab, settings.max_pixels, limit) if chat \
                    else completion_prompt(ask.source, cfg.vocab, limit)
            except TooLong:
                self._error(400, f"This model's maximum context length is {settings.max_model_len} tokens. "
                                 f"However, your request has at least {settings.max_model_len} input tokens.")
                return
            except PromptError as e:
                self._error(400, str(e))
                return
            ask.source = None
            room = settings.max_model_len - len(prompt.ids)
            n = min(settings.output_tokens, room, ask.max_tokens or settings.output_tokens)
            rid = ("chatcmpl-" if chat else "cmpl-") + uuid.uuid4().hex
            req = Request(rid, prompt, n, ask.thinking, new_stream())
            try:
                engine.submit(req)
            except RuntimeError as e:
                self._error(503, str(e), "ServiceUnavailable")
                return
            if ask.stream:
                self._stream(req, chat, ask.include_usage)
            else:
                self._whole(req, chat)

        def _events(self, req):
            deadline = time.monotonic() + REQUEST_TIMEOUT_S
            while True:
                try:
                    ev = req.out.get(timeout=max(0.01, deadline - time.monotonic()))
                except queue.Empty:
                    req.cancelled = True
                    yield ("error", f"no answer within {REQUEST_TIMEOUT_S:.0f} s")
                    return
                yield ev
                if ev[0] != "token":
                    return

        def _usage(self, req):
            p = len(req.prompt.ids)
            return {"prompt_tokens": p, "completion_tokens": len(req.generated),
                    "total_tokens": p + len(req.generated),
                    "prompt_tokens_details": {"cached_tokens": req.cached_tokens}}

        def _frame(self, req, chat, delta=None, text=None, finish=None):
            base = {"id": req.id, "created": int(time.time()), "model": model_name}
            if chat:
                choice = {"index": 0, "delta": delta or {}, "logprobs": None, "finish_reason": finish}
                base.update(object="chat.completion.chunk", choices=[choice])
            else:
                choice = {"index": 0, "text": text or "", "logprobs": None, "finish_reason": finish}
                base.update(object="text_completion", choices=[choice])
            return "data: " + json.dumps(base, separators=(",", ":")) + "\n\n"

        def _stream(self, req, chat, usage):
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            try:
                opened = not chat
                for ev in self._events(req):
                    if not opened and ev[0] != "error":
                        # as vLLM: the role frame goes with the engine's first output (the first token), not before
                        # the prefill (vllm/entrypoints/openai/chat_completion/serving.py, first_iteration)
                        self._chunk(self._frame(req, chat, delta={"role": "assistant", "content": ""}))
                        opened = True
                    if ev[0] == "token":
                        text = words([ev[1]])
                        field = settings.reasoning_field if ev[2] else "content"
                        last = fault.admit_token()
                        self._chunk(self._frame(req, chat, delta={field: text}, text=text), admitted=True)
                        if last:
                            fault.reached()
                    elif ev[0] == "done":
                        self._chunk(self._frame(req, chat, delta={}, finish=ev[1]))
                        if usage:
                            self._chunk("data: " + json.dumps({"id": req.id, "object": "chat.completion.chunk"
                                                               if chat else "text_completion",
                                                               "created": int(time.time()), "model": model_name,
                                                               "choices": [], "usage": self._usage(req)},
                                                              separators=(",", ":")) + "\n\n")
                    else:
                        self._chunk("data: " + json.dumps({"error": {"message": ev[1], "type": "InternalServerError",
                                                                     "code": 500}}) + "\n\n")
                self._chunk("data: [DONE]\n\n")
                self.out.write(b"0\r\n\r\n")
            except OSError:
                req.cancelled = True
                self.close = True

        def _whole(self, req, chat):
            reasoning, content, finish = [], [], None
            for ev in self._events(req):
                if ev[0] == "token":
                    (reasoning if ev[2] else content).append(ev[1])
                elif ev[0] == "done":
                    finish = ev[1]
                else:
                    self._error(500, ev[1], "InternalServerError")
                    return
            base = {"id": req.id, "created": int(time.time()), "model": model_name, "usage": self._usage(req)}
            if chat:
                msg = {"role": "assistant", "content": words(content)}
                if reasoning:
                    msg[settings.reasoning_field] = words(reasoning)
                base.update(object="chat.completion",
                            choices=[{"index": 0, "message": msg, "logprobs": None, "finish_reason": finish}])
            else:
                base.update(object="text_completion", choices=[{"index": 0, "text": words(reasoning + content),
                                                                "logprobs": None, "finish_reason": finish}])
            self._send(200, json.dumps(base))

    return handle
