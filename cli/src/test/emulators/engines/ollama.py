"""Ollama's OpenAI-compatible API ("ollama"), at fb30760996871fa9460115c753afd2c60d4ab0f7 (v0.33.0-rc2, fetched
whole from github.com/ollama/ollama).

Upstream files read:
- openai/openai.go: ChatCompletionChunk {id, object, created, model, system_fingerprint "fp_ollama", choices,
  usage omitempty}, ChunkChoice {index, delta, finish_reason, logprobs omitempty}, Delta with every field
  omitempty except that content is an interface holding the message's string, so "content":"" is written even when
  empty; toChunk / ToStreamChunks (the role only on the first chunk written; thinking goes to "reasoning"; a
  response with both thinking and content is split in two chunks); FinishChunk (a separate chunk with "delta":{}
  and finish_reason, "length" at max_tokens); the usage chunk is that finish chunk again with "choices":[] and
  usage {prompt_tokens, completion_tokens, total_tokens} (no cached tokens); NewError for request errors.
- middleware/openai.go ChatWriter.writeResponse: chunk ids "chatcmpl-" + rand.Intn(999), created pinned to the first
  response; the runner's final Done response with no text is not written as a content chunk (isEmptyTrailer); then
  the finish chunk, the usage chunk when stream_options.include_usage, and "data: [DONE]". A mid-stream error:
  server/routes.go streamResponse writes {"error": "..."} to the writer once the stream has started; the
  ChatWriter (status 200) unmarshals it as an api.ChatResponse with nothing set and writes it as an ordinary chunk,
  delta {"content":""} and model "" - the "empty delta" - and the stream ends there: no finish chunk, no [DONE].
- server/routes.go ChatHandler: the thinking parser (thinking.Parser or a builtin parser) consumes <think> and
  </think>: a response whose content and thinking are both empty is not sent (so no chunk for those tokens);
  routes: GET / answers "Ollama is running", there is no /health and no /metrics (gin's 404, "404 page not found",
  text/plain), GET /v1/models lists the models (ListMiddleware: {"object":"list","data":[{id, object "model",
  created, owned_by "library"}]}).
- llm/llama_server.go: this Ollama runs llama.cpp's server underneath; prompt_eval_count = timings.cache_n +
  prompt_n (the whole prompt), so usage.prompt_tokens is the whole prompt; the slots and prompt cache are
  llama.cpp's (sim admission "slots", OLLAMA_NUM_PARALLEL = --slots).
"""
import random
import time

from engines import base


class Ollama(base.Engine):
    has_reasoning_parser = True

    def configure(self, cfg):
        cfg.admission = "slots"
        cfg.mix = True

    def new_id(self, chat):
        return ("chatcmpl-%d" if chat else "cmpl-%d") % random.randrange(999)

    def metrics_page(self):
        return 404, "text/plain", b"404 page not found", None

    def stream_headers(self):
        return [("Content-Type", "text/event-stream")]

    def health(self):
        return self.not_found()

    def not_found(self):
        return 404, "text/plain", b"404 page not found"

    def other_get(self, path):
        if path == "/":
            return 200, "text/plain; charset=utf-8", b"Ollama is running"
        return self.not_found()

    def models_body(self):
        return {"object": "list", "data": [{"id": self.model, "object": "model", "created": int(time.time()),
                                            "owned_by": "library"}]}

    def error_body(self, status, message):
        body = {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}
        return 400, "application/json", base.dumps_compact(body).encode()

    def chunk(self, job, choices, model=None, usage=None):
        c = {"id": job.id, "object": "chat.completion.chunk", "created": job.created,
             "model": self.model if model is None else model, "system_fingerprint": "fp_ollama", "choices": choices}
        if usage is not None:
            c["usage"] = usage
        return c

    def cmpl_chunk(self, job, choices, usage=None):
        c = {"id": job.id, "object": "text_completion", "created": job.created, "choices": choices,
             "model": self.model, "system_fingerprint": "fp_ollama"}
        if usage is not None:
            c["usage"] = usage
        return c

    def first_output(self, job):
        return []

    def token_frames(self, job, idx, kind, text):
        if not job.chat:
            u = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0} if job.include_usage else None
            choice = {"text": text, "index": 0, "finish_reason": None}
            return [base.sse(self.cmpl_chunk(job, [choice], u), choices=True, text=True)]
        if self.parser_on:
            if kind in ("think_open", "think_close"):
                return []
            delta = {"content": "", "reasoning": text} if kind == "reasoning" else {"content": text}
        else:
            delta = {"content": text}
        if not getattr(job, "role_sent", False):
            delta = dict({"role": "assistant"}, **delta)
            job.role_sent = True
        choice = {"index": 0, "delta": delta, "finish_reason": None}
        return [base.sse(self.chunk(job, [choice]), choices=True, text=True)]

    def usage_obj(self, job):
        p, c = self.usage(job)
        return {"prompt_tokens": p, "completion_tokens": c, "total_tokens": p + c}

    def finish_frames(self, job):
        if not job.chat:
            out = [base.sse(self.cmpl_chunk(job, [{"text": "", "index": 0, "finish_reason": job.finish}],
                                            {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
                                            if job.include_usage else None), choices=True)]
            if job.include_usage:
                out.append(base.sse(self.cmpl_chunk(job, [], self.usage_obj(job))))
            return out + [base.sse("[DONE]")]
        out = [base.sse(self.chunk(job, [{"index": 0, "delta": {}, "finish_reason": job.finish}]), choices=True)]
        if job.include_usage:
            out.append(base.sse(self.chunk(job, [], usage=self.usage_obj(job))))
        return out + [base.sse("[DONE]")]

    def error_frames(self, job):
        delta = {"content": ""}
        if not getattr(job, "role_sent", False):
            delta = {"role": "assistant", "content": ""}
        choice = {"index": 0, "delta": delta, "finish_reason": None}
        return [base.sse(self.chunk(job, [choice], model=""), choices=True)]

    def full_response(self, job):
        if job.status == "error":
            body = {"error": {"message": "model runner has unexpectedly stopped", "type": "api_error",
                              "param": None, "code": None}}
            return 500, "application/json", base.dumps_compact(body).encode()
        reasoning, content = self.split_text(job)
        if job.chat:
            msg = {"role": "assistant", "content": content}
            if reasoning:
                msg["reasoning"] = reasoning
            body = {"id": job.id, "object": "chat.completion", "created": job.created, "model": self.model,
                    "system_fingerprint": "fp_ollama",
                    "choices": [{"index": 0, "message": msg, "finish_reason": job.finish}],
                    "usage": self.usage_obj(job)}
        else:
            body = {"id": job.id, "object": "text_completion", "created": job.created, "model": self.model,
                    "system_fingerprint": "fp_ollama",
                    "choices": [{"text": "".join(t for _, t in job.texts), "index": 0, "finish_reason": job.finish}],
                    "usage": self.usage_obj(job)}
        return 200, "application/json", base.dumps_compact(body).encode()


def make(opts, clock, truth):
    return Ollama(opts, clock, truth)
