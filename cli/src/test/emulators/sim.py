"""The simulated engine: continuous batching in real wall-clock time, one thread per engine core.

Each core runs iterations (steps) like vLLM's EngineCore.step: schedule, "run the model" (sleep for the step's cost),
then hand out the tokens the step produced. A step's cost in ms is
    prefill: A + sum over the step's prefill chunks of (B*n + C*((p+n)^2 - p^2))   (only when the step prefills)
    decode:  D                                                                      (only when the step decodes)
for a chunk of n new prompt tokens after p tokens already in the KV cache (cached tokens included), so a whole
prompt of N uncached tokens costs A + B*N + C*N^2 however it is chunked, and a cached prefix still costs attention.

Policies (set per engine by its module, Config fields):
- admission "blocks" (vLLM, SGLang): a request is scheduled when a slot is free and the KV blocks for its next chunk
  can be allocated; decode allocates a block when a sequence crosses one; when none is free a running request is
  preempted (vLLM: the last scheduled, recompute; SGLang: the one with fewest output tokens and longest prompt,
  "retract") and goes back to the front of the waiting queue with its KV freed. With prefix caching, freed full
  blocks keep their hash and are reused (LRU eviction) until their space is needed.
- admission "reserve" (TGI): a request enters the batch when prompt + output tokens of every member fits the KV
  budget; no preemption.
- admission "slots" (llama.cpp, Ollama): n slots, each with kv_tokens / n of context; a request takes an idle slot
  (the one whose cached tokens share the longest prefix with it, else the least recently used) and reuses that
  common prefix; the others wait ("deferred"); no preemption.
- mix: whether a step may prefill and decode together (vLLM with chunked prefill, llama.cpp) or a step that
  prefills decodes nothing (vLLM without chunked prefill, SGLang without --enable-mixed-chunk, TGI).
Every request is given exactly min(max_tokens, --max-output) output tokens (finishing "length" at max_tokens, "stop"
when --max-output cut it short, as an end-of-sequence token would), or an error after N tokens with --fault
error-after-tokens:N.
"""
import collections
import queue
import threading
import time

import tokens as tok


class Config:
    def __init__(self, **kw):
        self.slots = 4
        self.kv_tokens = 65536
        self.block_size = 16
        self.prefix_cache = True
        self.prefill_ms = (1.0, 0.01, 0.0)
        self.decode_ms = 4.0
        self.chunked = True
        self.chunk_tokens = 2048
        self.mix = True
        self.admission = "blocks"
        self.victim = "last"
        self.max_output = None
        self.fault_after = None
        self.reasoning = False
        self.think_tokens = 8
        self.__dict__.update(kw)


class Clock:
    def __init__(self):
        self.t0 = time.monotonic()

    def ms(self):
        return (time.monotonic() - self.t0) * 1000.0


class Request:
    _ids = 0
    _lock = threading.Lock()

    def __init__(self, prompt, max_tokens, arrival_ms, extra=None):
        with Request._lock:
            Request._ids += 1
            self.id = Request._ids
        self.prompt = prompt
        self.max_tokens = max_tokens
        self.arrival_ms = arrival_ms
        self.extra = extra or {}
        self.events = queue.Queue()
        self.engine_rank = 0
        self.outputs = []           # output token ids so far
        self.num_computed = 0        # tokens whose KV is in the cache
        self.blocks = []
        self.block_hashes = []       # chain hashes of this request's full blocks
        self.queued_ms = None        # first scheduled
        self.first_token_ms = None
        self.last_token_ms = None
        self.token_ms = []
        self.cached_tokens = None    # prefix-cache hit at first scheduling
        self.preemptions = 0
        self.status = "waiting"
        self.slot = None
        self.target = max_tokens
        self.error = None

    def all_tokens(self):
        return self.prompt + self.outputs

    def num_tokens(self):
        return len(self.prompt) + len(self.outputs)

    def kind_of(self, index, cfg):
        if not cfg.reasoning:
            return "content"
        k = cfg.think_tokens
        if index == 0:
            return "think_open"
        if index < k - 1:
            return "reasoning"
        if index == k - 1:
            return "think_close"
        return "content"


class BlockCache:
    """vLLM-style block pool with a hash-keyed prefix cache and LRU eviction of unreferenced cached blocks."""

    def __init__(self, total_tokens, block_size, enabled):
        self.bs = block_size
        self.total = max(1, total_tokens // block_size)
        self.enabled = enabled
        self.free = collections.deque(range(self.total))
        self.ref = [0] * self.total
        self.hash_of = [None] * self.total
        self.by_hash = {}
        self.evictable = collections.OrderedDict()

    def num_free(self):
        return len(self.free) + len(self.evictable)

    def used(self):
        return self.total - self.num_free()

    def usage(self):
        return self.used() / self.total

    def chain(self, ids, upto_blocks, start_hashes=()):
        hashes = list(start_hashes)
        parent = hashes[-1] if hashes else 0
        for b in range(len(hashes), upto_blocks):
            parent = hash((parent, tuple(ids[b * self.bs:(b + 1) * self.bs])))
            hashes.append(parent)
        return hashes

    def match(self, ids, max_tokens):
        """Blocks (touched) of the longest cached prefix of ids, at most max_tokens tokens."""
        if not self.enabled:
            return []
        n = max_tokens // self.bs
        hit = []
        for h in self.chain(ids, n):
            b = self.by_hash.get(h)
            if b is None:
                break
            hit.append(b)
        for b in hit:
            self._take(b)
        return hit

    def _take(self, b):
        if self.ref[b] == 0 and b in self.evictable:
            del self.evictable[b]
        self.ref[b] += 1

    def allocate(self, n):
        if n > self.num_free():
            return None
        out = []
        for _ in range(n):
            if self.free:
                b = self.free.popleft()
            else:
                b, _ = self.evictable.popitem(last=False)
                del self.by_hash[self.hash_of[b]]
                self.hash_of[b] = None
            self.ref[b] = 1
            out.append(b)
        return out

    def release(self, blocks):
        for b in reversed(blocks):
            self.ref[b] -= 1
            if self.ref[b] == 0:
                if self.hash_of[b] is not None:
                    self.evictable[b] = True
                else:
                    self.free.append(b)

    def commit(self, req):
        """Register the hashes of req's newly full blocks."""
        if not self.enabled:
            return
        full = req.num_computed // self.bs
        if full <= len(req.block_hashes):
            return
        req.block_hashes = self.chain(req.all_tokens(), full, req.block_hashes)
        for i in range(len(req.block_hashes)):
            if i >= len(req.blocks):
                break
            b = req.blocks[i]
            h = req.block_hashes[i]
            if self.hash_of[b] is None and h not in self.by_hash:
                self.hash_of[b] = h
                self.by_hash[h] = b


class Core(threading.Thread):
    """One engine core. hooks: the engine module's metric callbacks (see engines/base.py Hooks)."""

    def __init__(self, rank, cfg, clock, hooks, truth):
        super().__init__(daemon=True, name="core-%d" % rank)
        self.rank = rank
        self.cfg = cfg
        self.clock = clock
        self.hooks = hooks
        self.truth = truth
        self.cond = threading.Condition()
        self.waiting = collections.deque()
        self.running = []
        self.stop_flag = False
        if cfg.admission == "slots":
            self.cache = None
            n = max(1, cfg.slots)
            self.slot_ctx = max(1, cfg.kv_tokens // n)
            self.slot_tokens = [[] for _ in range(n)]   # tokens each slot keeps in its KV (llama.cpp cache_tokens)
            self.slot_busy = [None] * n
            self.slot_used_at = [0.0] * n
        else:
            self.cache = BlockCache(cfg.kv_tokens, cfg.block_size, cfg.prefix_cache)
        self.steps = 0

    # --- load, for the DP load balancer -------------------------------------------------------------
    def load(self):
        with self.cond:
            return len(self.waiting), len(self.running)

    def submit(self, req):
        req.engine_rank = self.rank
        with self.cond:
            self.waiting.append(req)
            self.hooks.on_arrival(self, req)
            self.cond.notify()

    def stop(self):
        with self.cond:
            self.stop_flag = True
            self.cond.notify()

    # --- KV accounting ---------------------------------------------------------------------------------
    def kv_used_tokens(self):
        if self.cfg.admission == "slots":
            return sum(len(t) for t in self.slot_tokens)
        if self.cfg.admission == "reserve":
            return sum(r.num_computed for r in self.running)
        return self.cache.used() * self.cache.bs

    def kv_usage(self):
        if self.cfg.admission == "slots":
            return self.kv_used_tokens() / float(self.cfg.kv_tokens)
        if self.cfg.admission == "reserve":
            return self.kv_used_tokens() / float(self.cfg.kv_tokens)
        return self.cache.usage()

    def _blocks_needed(self, req, upto):
        return max(0, -(-upto // self.cache.bs) - len(req.blocks))

    def _grow(self, req, upto):
        need = self._blocks_needed(req, upto)
        if need == 0:
            return True
        got = self.cache.allocate(need)
        if got is None:
            return False
        req.blocks.extend(got)
        return True

    def _free(self, req):
        if self.cfg.admission == "blocks":
            self.cache.release(req.blocks)
            req.blocks = []
            req.block_hashes = req.block_hashes if self.cfg.prefix_cache else []
        elif self.cfg.admission == "slots" and req.slot is not None:
            self.slot_busy[req.slot] = None
            self.slot_used_at[req.slot] = self.clock.ms()

    def _preempt(self, victim, now):
        self.running.remove(victim)
        self._free(victim)
        victim.num_computed = 0
        victim.block_hashes = []
        victim.preemptions += 1
        victim.status = "waiting"
        self.waiting.appendleft(victim)
        self.hooks.on_preempt(self, victim, now)

    def _pick_victim(self):
        if self.cfg.victim == "sglang":
            # SGLang retract_decode: sort by (output len, -input len) descending and pop from the end
            return min(self.running, key=lambda r: (len(r.outputs), -len(r.prompt)))
        return self.running[-1]

    # --- admission ---------------------------------------------------------------------------------
    def _admit_blocks(self, req, budget, now):
        """Schedule waiting req with at most budget new tokens; returns tokens to compute, or None."""
        first_time = req.queued_ms is None
        if req.num_computed == 0:
            total = req.num_tokens()
            hit = self.cache.match(req.all_tokens(), total - 1)
            req.blocks = list(hit)
            req.num_computed = len(hit) * self.cache.bs
            cached = req.num_computed
            req.block_hashes = req.block_hashes[:len(hit)] if req.block_hashes else \
                self.cache.chain(req.all_tokens(), len(hit))
        else:
            cached = 0
        remaining = req.num_tokens() - req.num_computed
        n = min(remaining, budget) if self.cfg.chunked else remaining
        if n > budget and not self.cfg.chunked and self.running:
            self.cache.release(req.blocks)
            req.blocks, req.num_computed, req.block_hashes = [], 0, []
            return None
        if not self._grow(req, req.num_computed + n):
            self.cache.release(req.blocks)
            req.blocks, req.num_computed, req.block_hashes = [], 0, []
            return None
        if first_time:
            req.queued_ms = now
            req.cached_tokens = cached
        self.hooks.on_schedule(self, req, now, cached, first_time)
        return n

    def _admit_reserve(self, req):
        # the tokens the request will generate (min(max_tokens, --max-output)): with --max-output the emulated
        # model stops there, and TGI's reservation of max_new_tokens would refuse requests a real model answers
        # shortly; a request admitted alone is never held back (no hang on a cache smaller than one request)
        need = len(req.prompt) + req.target
        held = sum(len(r.prompt) + r.target for r in self.running)
        return not self.running or held + need <= self.cfg.kv_tokens

    def _pick_slot(self, req):
        idle = [i for i, r in enumerate(self.slot_busy) if r is None]
        if not idle:
            return None, 0
        ids = req.all_tokens()

        def lcp(i):
            t = self.slot_tokens[i]
            n = 0
            for a, b in zip(t, ids):
                if a != b:
                    break
                n += 1
            return n
        best = max(idle, key=lcp)
        common = lcp(best) if self.cfg.prefix_cache else 0
        if common > 0 and common >= 0.5 * len(ids):
            slot = best
        else:
            slot = min(idle, key=lambda i: self.slot_used_at[i])
            common = lcp(slot) if self.cfg.prefix_cache else 0
        return slot, min(common, len(ids) - 1)

    # --- the step ----------------------------------------------------------------------------------
    def _schedule(self, now):
        """Returns (prefill list of (req, n, p), decode list)."""
        cfg = self.cfg
        budget = cfg.chunk_tokens if cfg.chunked else 10 ** 9
        prefill, decode = [], []
        if cfg.admission == "blocks":
            return self._schedule_blocks(now, budget)
        # reserve and slots
        for r in self.running:
            rem = r.num_tokens() - r.num_computed
            if rem > 1 or (rem == 1 and not r.outputs):
                n = min(rem, budget)
                if n > 0:
                    prefill.append((r, n, r.num_computed))
                    budget -= n
            else:
                decode.append(r)
        while self.waiting and len(self.running) < cfg.slots and budget > 0:
            req = self.waiting[0]
            if cfg.admission == "reserve":
                if not self._admit_reserve(req):
                    break
                cached = 0
            else:
                slot, cached = self._pick_slot(req)
                if slot is None:
                    break
                req.slot = slot
                self.slot_busy[slot] = req
                self.slot_tokens[slot] = self.slot_tokens[slot][:cached]
                req.num_computed = cached
            self.waiting.popleft()
            req.status = "running"
            self.running.append(req)
            first_time = req.queued_ms is None
            if first_time:
                req.queued_ms = now
                req.cached_tokens = cached
            self.hooks.on_schedule(self, req, now, cached, first_time)
            n = min(req.num_tokens() - req.num_computed, budget)
            prefill.append((req, n, req.num_computed))
            budget -= n
        if prefill and not cfg.mix:
            decode = []
        return prefill, decode

    def _schedule_blocks(self, now, budget):
        cfg = self.cfg
        prefill, decode = [], []
        preempted = False
        # running requests first (vLLM V1 scheduler order)
        for r in list(self.running):
            if r not in self.running:
                continue
            rem = r.num_tokens() - r.num_computed
            is_prefill = rem > 1 or (rem == 1 and not r.outputs)
            if is_prefill:
                if budget <= 0:
                    continue
                n = min(rem, budget)
            else:
                n = 1
            while not self._grow(r, r.num_computed + n):
                victim = self._pick_victim()
                self._preempt(victim, now)
                preempted = True
                if victim is r:
                    break
            if r not in self.running:
                continue
            if is_prefill:
                prefill.append((r, n, r.num_computed))
                budget -= n
            else:
                decode.append(r)
                if cfg.mix:
                    budget -= 1
        mixing_blocked = not cfg.mix and decode and not self.waiting
        if not preempted and not mixing_blocked:
            admitted_any = False
            while self.waiting and len(self.running) < cfg.slots and budget > 0:
                req = self.waiting[0]
                n = self._admit_blocks(req, budget, now)
                if n is None:
                    break
                self.waiting.popleft()
                req.status = "running"
                self.running.append(req)
                prefill.append((req, n, req.num_computed))
                budget -= n
                admitted_any = True
            if not cfg.mix and (admitted_any or prefill):
                decode = []
        if not cfg.mix and prefill:
            decode = []
        return prefill, decode

    def _cost(self, prefill, decode):
        a, b, c = self.cfg.prefill_ms
        ms = 0.0
        if prefill:
            ms += a
            for _, n, p in prefill:
                ms += b * n + c * ((p + n) ** 2 - p ** 2)
        if decode:
            ms += self.cfg.decode_ms
        return ms

    def _emit(self, req, now):
        idx = len(req.outputs)
        kind = req.kind_of(idx, self.cfg)
        req.outputs.append(tok.output_id(idx, kind))
        if req.first_token_ms is None:
            req.first_token_ms = now
        req.last_token_ms = now
        req.token_ms.append(now)
        self.hooks.on_token(self, req, idx, now)
        req.events.put(("token", idx, kind, now))
        fault = self.cfg.fault_after
        if fault is not None and len(req.outputs) >= fault and len(req.outputs) < req.target:
            self._finish(req, now, "error")
        elif len(req.outputs) >= req.target:
            self._finish(req, now, req.extra.get("finish", "length"))

    def _finish(self, req, now, reason):
        if req in self.running:
            self.running.remove(req)
        if self.cfg.admission == "slots" and req.slot is not None:
            self.slot_tokens[req.slot] = req.all_tokens()[:req.num_computed]
        self._free(req)
        req.status = reason
        self.hooks.on_finish(self, req, now, reason)
        req.events.put(("error" if reason == "error" else "done", None, None, now))

    def run(self):
        while True:
            with self.cond:
                while not self.stop_flag and not self.waiting and not self.running:
                    self.cond.wait()
                if self.stop_flag:
                    return
                now = self.clock.ms()
                prefill, decode = self._schedule(now)
                cost = self._cost(prefill, decode)
                self.hooks.on_step_start(self, prefill, decode, now)
            if not prefill and not decode:
                # nothing schedulable (waiting for KV or slots): wait for a change
                with self.cond:
                    self.cond.wait(0.005)
                continue
            time.sleep(cost / 1000.0)
            with self.cond:
                now = self.clock.ms()
                self.steps += 1
                produced = []
                for r, n, p in prefill:
                    if r not in self.running:
                        continue
                    r.num_computed = p + n
                    if self.cache is not None:
                        self.cache.commit(r)
                    if r.num_computed >= r.num_tokens():
                        produced.append(r)
                for r in decode:
                    if r not in self.running:
                        continue
                    r.num_computed += 1
                    if self.cache is not None:
                        self.cache.commit(r)
                    produced.append(r)
                if self.cfg.admission == "slots":
                    for r in self.running:
                        self.slot_tokens[r.slot] = r.all_tokens()[:r.num_computed]
                for r in produced:
                    self._emit(r, now)
                self.hooks.on_step_end(self, prefill, decode, produced, now, cost)
                if self.truth is not None:
                    self.truth.write({"type": "step", "t_ms": round(now, 3), "engine_rank": self.rank,
                                      "running": len(self.running), "waiting": len(self.waiting),
                                      "kv_used_tokens": self.kv_used_tokens(),
                                      "prefill_tokens": sum(n for _, n, _ in prefill), "decode": len(decode),
                                      "cost_ms": round(cost, 3)})
