"""The reference server's engine (docs/serve.md#engine): continuous batching over a slot KV cache.

Every engine step, as vLLM's V1 scheduler does: requests join from the waiting queue while fewer than
max_num_seqs run and the KV budget holds their prompt; prompts are prefilled in chunks within a token budget
per step (max_num_batched_tokens, decodes counted first); then every running sequence past its prefill decodes one
token in one batched forward pass. When a decode step would overflow the KV budget, the request admitted last
is preempted: its slot is freed, it goes back to the head of the queue and is recomputed later (its prompt and the
tokens it already produced), as vLLM's recompute preemption does.

With the prefix cache on, the KV of every full block (16 tokens) of a prefilled prompt is kept under a hash of
all tokens up to and including that block; a new prompt copies the longest run of cached blocks into its slot and
prefills only the rest. The block store is separate from the slots and bounded (least recently used blocks go
first); vLLM keeps both in one paged pool."""

import collections
import math
import queue
import json
import threading
import time
import traceback

import torch

from .glm import GlmModel, additive_mask
from .serve_profiler import Result

BLOCK = 16
ENGINE_STOP_S = 5.0      # how long stop() waits for the step in progress


class SlotCache:
    """[rows, KV heads, max_len, head dim] per layer; update writes each row's tokens at its own positions."""

    static = True

    def __init__(self, cfg, rows, max_len, device, dtype):
        shape = (rows, cfg.kv_heads, max_len, cfg.head_dim)
        self.k = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(cfg.layers)]
        self.v = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(cfg.layers)]

    def update(self, layer, k, v, where):
        rows, positions, length = where
        self.k[layer][rows[:, None], :, positions] = k.permute(0, 2, 1, 3)
        self.v[layer][rows[:, None], :, positions] = v.permute(0, 2, 1, 3)
        return self.k[layer][rows, :, :length], self.v[layer][rows, :, :length]


class Request:
    def __init__(self, rid, prompt, max_tokens, reasoning, stream_out):
        self.id, self.prompt, self.max_tokens, self.reasoning = rid, prompt, max_tokens, reasoning
        self.out = stream_out            # queue of ("token", id, is_reasoning) / ("done", reason) / ("error", msg)
        self.generated = []
        self.arrival = time.perf_counter()
        self.scheduled = self.first = self.end = None
        self.last_token = None
        self.slot = None
        self.done_tokens = 0             # tokens of `sequence` already in the slot
        self.cached_tokens = 0
        self.cancelled = False
        self.preemptions = 0
        self.image_embeddings = None     # position -> row of the vision tower's output, once it has run

    def sequence(self):
        """What must be in the KV cache before the next decode: the prompt and every token produced but the last."""
        return self.prompt.ids + self.generated[:-1] if self.generated else self.prompt.ids

    def decoding(self):
        return self.slot is not None and self.generated and self.done_tokens == len(self.sequence())


class PrefixStore:
    def __init__(self, capacity_blocks):
        self.blocks = collections.OrderedDict()
        self.capacity = capacity_blocks

    @staticmethod
    def hashes(ids):
        out, h = [], 0
        for i in range(len(ids) // BLOCK):
            h = hash((h, tuple(ids[i * BLOCK:(i + 1) * BLOCK])))
            out.append(h)
        return out

    def lookup(self, ids):
        found = []
        for h in self.hashes(ids):
            kv = self.blocks.get(h)
            if kv is None:
                break
            self.blocks.move_to_end(h)
            found.append(kv)
        return found

    def store(self, ids, cache, slot):
        for i, h in enumerate(self.hashes(ids)):
            if h in self.blocks:
                self.blocks.move_to_end(h)
                continue
            span = slice(i * BLOCK, (i + 1) * BLOCK)
            self.blocks[h] = ([k[slot, :, span].clone() for k in cache.k], [v[slot, :, span].clone() for v in cache.v])
            while len(self.blocks) > self.capacity:
                self.blocks.popitem(last=False)


class Engine:
    def __init__(self, cfg, device, dtype, settings, metrics):
        self.cfg, self.device, self.dtype, self.s, self.metrics = cfg, device, dtype, settings, metrics
        self.max_len = settings.max_model_len
        self.model = GlmModel(cfg, device, dtype, self.max_len).eval()
        self.cache = SlotCache(cfg, settings.max_num_seqs, self.max_len, device, dtype)
        self.prefix = PrefixStore(settings.prefix_cache_blocks) if settings.prefix_cache else None
        self.free_slots = list(range(settings.max_num_seqs))
        self.waiting = collections.deque()
        self.running = []
        self.lock = threading.Condition()
        self.stopping = False
        self.failure = None
        self.steps = 0
        self.profiler = None             # serve_profiler.Profiler with --profile-dir (VLLM_TORCH_PROFILER_DIR)
        self.profile_cmds = collections.deque()
        self.thread = threading.Thread(target=self._loop, name="engine", daemon=True)

    def start(self):
        self.thread.start()

    @property
    def profile_dir(self):
        return self.profiler.dir if self.profiler else None

    def stop(self):
        """Ends the loop after the step it is in; waits for that at most ENGINE_STOP_S (the thread is a daemon)."""
        with self.lock:
            self.stopping = True
            self.lock.notify_all()
        self.thread.join(timeout=ENGINE_STOP_S)

    def submit(self, req):
        with self.lock:
            if self.failure:
                raise RuntimeError(self.failure)
            self.waiting.append(req)
            self.metrics.gauges(len(self.running), len(self.waiting), self.kv_usage())
            self.lock.notify_all()

    def profile(self, action, timeout_s=60.0):
        """start or stop torch.profiler on the engine thread (the thread that runs the model, between two steps):
        a serve_profiler.Result, the trace's path once stopped."""
        if self.profiler is None:
            return Result(False, 400, "profiling is off")
        done = threading.Event()
        box = []

        def reply(result):
            box.append(result)
            done.set()
        with self.lock:
            self.profile_cmds.append((action, reply))
            self.lock.notify_all()
        if not done.wait(timeout_s):
            return Result(False, 409, f"the engine did not {action} the profiler in {timeout_s:.0f} s")
        return box[0]

    def kv_usage(self):
        """KV slots held by running requests against the budget: a request holds its whole prompt from admission
        (vLLM allocates the prompt's blocks when it schedules it), and each token it generates."""
        used = sum(len(r.sequence()) + (1 if r.generated else 0) for r in self.running)
        return used / self.s.kv_cache_tokens

    # ---- the loop ----
    def _loop(self):
        try:
            with torch.no_grad():
                while True:
                    with self.lock:
                        while not self.stopping and not self.waiting and not self.running and not self.profile_cmds:
                            left = self.profiler.left_s() if self.profiler else None
                            if left == 0.0:
                                break
                            self.lock.wait(left)
                        if self.stopping:
                            break
                        cmds = list(self.profile_cmds)
                        self.profile_cmds.clear()
                    for cmd in cmds:
                        self.profiler.command(*cmd)
                    if self.profiler:
                        self.profiler.check_time()
                    with self.lock:
                        if not self.waiting and not self.running:
                            continue
                        self._drop_cancelled()
                        self._admit()
                        self.metrics.gauges(len(self.running), len(self.waiting), self.kv_usage())
                    if self.profiler is None or not self.profiler.active:
                        self._step()
                    else:
                        # one ProfilerStep#N per engine step, as torch.profiler's step() marks them under Kineto
                        # (written out, so that builds without Kineto mark them too)
                        self.profiler.steps += 1
                        with torch.profiler.record_function(f"ProfilerStep#{self.profiler.steps}"):
                            self._step()
        except Exception as e:   # the engine is dead: every request gets the error, /health says so
            self.failure = f"{type(e).__name__}: {e}".splitlines()[0]
            traceback.print_exc()
            with self.lock:
                for r in list(self.running) + list(self.waiting):
                    r.out.put(("error", "engine failed: " + self.failure))
                self.running.clear()
                self.waiting.clear()

    def _drop_cancelled(self):
        for r in [r for r in self.waiting if r.cancelled]:
            self.waiting.remove(r)
        for r in [r for r in self.running if r.cancelled]:
            self._release(r)

    def _admit(self):
        while self.waiting and self.free_slots:
            r = self.waiting[0]
            need = len(r.sequence()) + 1
            used = sum(x.done_tokens for x in self.running) + sum(len(x.sequence()) - x.done_tokens
                                                                  for x in self.running)
            if self.running and used + need > self.s.kv_cache_tokens:
                break
            self.waiting.popleft()
            r.slot = self.free_slots.pop()
            if r.scheduled is None:
                r.scheduled = time.perf_counter()
            r.done_tokens = 0
            self._reuse_prefix(r)
            self.running.append(r)

    def _reuse_prefix(self, r):
        if self.prefix is None:
            return
        ids = r.sequence()
        blocks = self.prefix.lookup(ids)
        hit = min(len(blocks) * BLOCK, len(ids) - 1)     # one token is always prefilled, for its logits
        hit -= hit % BLOCK
        for i in range(hit // BLOCK):
            ks, vs = blocks[i]
            span = slice(i * BLOCK, (i + 1) * BLOCK)
            for layer in range(self.cfg.layers):
                self.cache.k[layer][r.slot, :, span] = ks[layer]
                self.cache.v[layer][r.slot, :, span] = vs[layer]
        r.done_tokens = hit
        if r.preemptions == 0:
            r.cached_tokens = hit
            self.metrics.prefix(len(ids), hit)

    def _forward(self, rows, ids, positions, images=None):
        length = int(positions.max().item()) + 1
        keys = torch.arange(length, device=self.device)
        allowed = (keys[None, None, :] <= positions[:, :, None]).unsqueeze(1)
        mask = additive_mask(allowed, self.dtype)
        return self.model(ids, positions, self.cache, mask, (rows, positions, length), images)

    def _images(self, r, start, chunk):
        """A model with a vision tower (autoglm-phone-tiny, autoglm-phone-9b) runs it on each image of the request
        before the first prefill chunk that holds the image's tokens, once per request (vLLM's encoder cache), and
        the chunk's image tokens get its embeddings. The tower runs on the image's patch grid (its size from the
        PNG's header, as the processor resizes it); the pixel values are not decoded, so the patches are seeded from
        the image's bytes: the tower's work is that of the real image, its output is not. Marked "vision encoder"
        in the server's profiler trace. None for a chunk without image tokens or a model without a tower."""
        if self.model.visual is None or not r.prompt.spans:
            return None
        inside = [(p, n, gh, gw, seed) for p, n, gh, gw, seed in r.prompt.spans if p < start + chunk and p + n > start]
        if not inside:
            return None
        if r.image_embeddings is None:
            r.image_embeddings = {}
        v = self.model.visual.v
        for p, n, gh, gw, seed in inside:
            if p in r.image_embeddings:
                continue
            gen = torch.Generator().manual_seed(seed)
            patches = torch.randn(1, gh * gw, v.channels * v.temporal * v.patch * v.patch, generator=gen)
            with torch.profiler.record_function("vision encoder"):
                r.image_embeddings[p] = self.model.visual(patches.to(self.device, self.dtype), gh, gw)
        where = torch.zeros(1, chunk, dtype=torch.bool, device=self.device)
        rows = []
        for p, n, gh, gw, seed in inside:
            lo, hi = max(p, start), min(p + n, start + chunk)
            where[0, lo - start:hi - start] = True
            rows.append(r.image_embeddings[p][lo - p:hi - p])
        return torch.cat(rows), where

    def _step(self):
        budget = self.s.max_num_batched_tokens - sum(1 for r in self.running if r.decoding())
        newly = []
        for r in list(self.running):
            if r.decoding() or budget <= 0:
                continue
            seq = r.sequence()
            chunk = min(budget, len(seq) - r.done_tokens)
            start = r.done_tokens
            ids = torch.tensor([seq[start:start + chunk]], device=self.device)
            pos = torch.arange(start, start + chunk, device=self.device)[None, :]
            logits = self._forward(torch.tensor([r.slot], device=self.device), ids, pos, self._images(r, start, chunk))
            r.done_tokens += chunk
            budget -= chunk
            if r.done_tokens == len(seq):
                if self.prefix is not None:
                    self.prefix.store(seq, self.cache, r.slot)
                if not r.generated:              # a recomputed (preempted) request already has its tokens
                    self._emit(r, int(logits[0].argmax().item()))
                    newly.append(r)
        self._preempt_if_full()
        decoders = [r for r in self.running if r.decoding() and r not in newly]
        if decoders:
            rows = torch.tensor([r.slot for r in decoders], device=self.device)
            ids = torch.tensor([[r.generated[-1]] for r in decoders], device=self.device)
            pos = torch.tensor([[len(r.sequence())] for r in decoders], device=self.device)
            logits = self._forward(rows, ids, pos)
            nxt = logits.argmax(dim=-1).tolist()
            for r, t in zip(decoders, nxt):
                r.done_tokens += 1
                self._emit(r, t)
        self.steps += 1
        with self.lock:
            for r in [r for r in self.running if len(r.generated) >= r.max_tokens]:
                self._finish(r, "length")
            self.metrics.gauges(len(self.running), len(self.waiting), self.kv_usage())

    def _preempt_if_full(self):
        with self.lock:
            while len(self.running) > 1:
                used = sum(r.done_tokens for r in self.running)
                grow = sum(1 for r in self.running if r.decoding())
                if used + grow <= self.s.kv_cache_tokens:
                    return
                victim = self.running[-1]
                self._release(victim)
                victim.done_tokens = 0
                victim.preemptions += 1
                self.waiting.appendleft(victim)
                self.metrics.preempted()

    def _emit(self, r, token):
        now = time.perf_counter()
        if r.first is None:
            r.first = now
        else:
            self.metrics.itl(now - r.last_token)
        r.last_token = now
        r.generated.append(token)
        reasoning = r.reasoning and len(r.generated) <= math.ceil(r.max_tokens * self.s.reasoning_share)
        r.out.put(("token", token, reasoning))

    def _release(self, r):
        if r in self.running:
            self.running.remove(r)
        if r.slot is not None:
            self.free_slots.append(r.slot)
            r.slot = None

    def _finish(self, r, reason):
        r.end = time.perf_counter()
        self._release(r)
        self.metrics.finished(r, reason)
        r.out.put(("done", reason))
        # the server's own log of request times, wall clock (docs/serve.md): what a request track is checked against
        print(json.dumps(dict(event="request", id=r.id, arrival_unix_ms=unix_ms(r.arrival),
                              scheduled_unix_ms=unix_ms(r.scheduled), first_token_unix_ms=unix_ms(r.first),
                              end_unix_ms=unix_ms(r.end), prompt_tokens=len(r.prompt.ids),
                              output_tokens=len(r.generated), finish=reason)), flush=True)


# time.perf_counter() to unix milliseconds: the offset taken once, at import
_WALL_OFFSET_S = time.time() - time.perf_counter()


def unix_ms(perf_s):
    return None if perf_s is None else round((perf_s + _WALL_OFFSET_S) * 1000.0, 3)


def new_stream():
    return queue.Queue()
