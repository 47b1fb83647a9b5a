"""The serving loop: builds the model, warms up, serves the requests batch by batch (turn by turn for
conversations), and reports every phase as events."""

import random
import time

import torch

from . import bandwidth, pipeline, prompts
from .decoders import EagerDecoder, Past, RecomputeDecoder, StaticDecoder
from .serve_prompt import smart_resize as image_size
from .requests import make_batches, make_requests, padded_length

DTYPES = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}


class InjectedFault(RuntimeError):
    pass


def sync(device):
    if device.type == "cuda":
        torch.cuda.synchronize()


class Runner:
    def __init__(self, model, device, dtype, knobs, events, max_len):
        self.model, self.device, self.dtype, self.knobs, self.events = model, device, dtype, knobs, events
        self.max_len = max_len
        self.static = {}          # rows -> StaticDecoder (one capture per batch size)
        self.measured_steps = 0
        self.compile_count = 0
        self.warming = False
        self.compiles_seen = self._compile_counter()
        self._system = None
        self.image_count = 0
        self.image = None       # (rows, columns) of merged image tokens, when every turn sends an image
        self.grid = None        # (rows, columns) of patches
        if knobs["image"] != "none":
            w, _, h = knobs["image"].partition("x")
            hb, wb = image_size(int(h), int(w), max_pixels=knobs["max_pixels"])
            v = model.cfg.vision
            self.grid = (hb // v.patch, wb // v.patch)
            self.image = (self.grid[0] // v.merge, self.grid[1] // v.merge)

    # ---- decoders ----
    def decoder(self, rows):
        k = self.knobs
        if not k["kv_cache"]:
            return RecomputeDecoder(self.model, self.dtype)
        if k["mode"] == "eager":
            return EagerDecoder(self.model, self.dtype)
        if rows not in self.static:
            self.static[rows] = StaticDecoder(self.model, self.dtype, rows, self.max_len, self.device, k["mode"],
                                              lambda ms, what: self.compiled(ms, what, rows))
        return self.static[rows]

    def compiled(self, ms, what, rows):
        self.compile_count += 1
        self.events.emit("compile", ms=round(ms, 3), what=what, shape=f"batch {rows}", warmup=self.warming,
                         count=self.compile_count)

    @staticmethod
    def _compile_counter():
        try:
            from torch._dynamo.utils import counters
            return counters["stats"]["unique_graphs"] if "stats" in counters else 0
        except Exception:
            return 0

    def _check_dynamo(self, ms):
        """torch.compile compiles inside a call: a call that grew dynamo's unique_graphs counter was a compilation."""
        if self.knobs["mode"] != "compile":
            return
        now = self._compile_counter()
        if now > self.compiles_seen:
            self.compiles_seen = now
            self.compiled(ms, "torch.compile", "n/a")

    # ---- one batch ----
    def prompt_keys(self, r, new, conv, turn):
        """This turn's prompt as token keys (prompts.py), and its image or None."""
        k = self.knobs
        vocab = self.model.cfg.vocab
        history = conv.history
        if k["history_window"] and turn > 0 and len(history) - conv.system > k["history_window"]:
            # the window keeps the system prompt and the last history_window tokens of the rest
            history = history[:conv.system] + history[len(history) - k["history_window"]:]
        text = new.tolist()
        if self.image is None:
            return history + text, None
        image = prompts.Image(-(1 + self.image_count), *self.image)
        self.image_count += 1
        return prompts.agent_prompt(history, text, image, vocab), image

    def run_batch(self, item, wait_s, convs, turn, queue_left, record, arrival):
        k = self.knobs
        vocab = self.model.cfg.vocab
        t0 = time.perf_counter() - wait_s
        beams = k["num_beams"]
        mrope = bool(self.model.cfg.mrope_section)
        keys, images, shared = [], {}, []
        for r, new in zip(item.requests, item.new_tokens):
            conv = convs.setdefault(r.id, Conversation(self.system_tokens(r.id), self.knobs["system_len"]))
            q, image = self.prompt_keys(r, new, conv, turn)
            keys.append(q)
            if image is not None:
                images[image.key] = image
            reuse = 0
            if k["prefix_cache"] and conv.cached is not None:
                reuse = min(prompts.shared_prefix(conv.cached_keys, q), len(q) - 1)
            shared.append(reuse)
        b = len(keys)
        lengths = [len(q) for q in keys]
        suffix = [n - s for n, s in zip(lengths, shared)]
        width = padded_length(suffix, k) if not any(shared) else max(suffix)
        ids = torch.zeros((b, width), dtype=torch.long)
        valid = torch.zeros((b, width), dtype=torch.bool)
        pos = torch.zeros((3, b, width) if mrope else (b, width), dtype=torch.long)
        where = torch.zeros((b, width), dtype=torch.bool)
        for i, q in enumerate(keys):
            n = suffix[i]
            ids[i, width - n:] = torch.tensor(prompts.ids_of(q[shared[i]:], vocab), dtype=torch.long)
            valid[i, width - n:] = True
            full = prompts.positions_of(q, images, mrope)
            pos[..., i, width - n:] = full[..., shared[i]:]
            where[i, width - n:] = torch.tensor([x < 0 for x in q[shared[i]:]], dtype=torch.bool)
        past = self.past(convs, item.requests, shared) if any(shared) else None
        if k["pin_memory"] and self.device.type == "cuda":
            ids, valid, pos = ids.pin_memory(), valid.pin_memory(), pos.pin_memory()
        nb = k["pin_memory"]
        ids, valid, pos = ids.to(self.device, non_blocking=nb), valid.to(self.device, non_blocking=nb), \
            pos.to(self.device, non_blocking=nb)
        where = where.to(self.device)
        if beams > 1:
            ids, valid, where = ids.repeat_interleave(beams, 0), valid.repeat_interleave(beams, 0), \
                where.repeat_interleave(beams, 0)
            pos = pos.repeat_interleave(beams, pos.dim() - 2)
        rows = b * beams
        dec = self.decoder(rows)

        with torch.no_grad():
            s0 = time.perf_counter()
            vision_ms = 0.0
            image_input = None
            if item.patches is not None:
                embeddings = self.model.visual(item.patches.to(self.device, self.dtype), *self.grid)
                if beams > 1:
                    embeddings = embeddings.view(b, -1, embeddings.shape[-1]).repeat_interleave(beams, 0) \
                        .view(-1, embeddings.shape[-1])
                image_input = (embeddings, where)
                sync(self.device)
                vision_ms = (time.perf_counter() - s0) * 1000.0
            logits = dec.prefill(ids, valid, pos, image_input, past)
            tokens, scores = self.select(logits, None, b, beams, dec, first=True)
            sync(self.device)
            ms = (time.perf_counter() - s0) * 1000.0
            self._check_dynamo(ms)
            self.step_event(record, "prefill", b, sum(suffix), b * width, ms, wait_s * 1000.0, width, turn,
                            queue_left, cached=sum(shared), image_tokens=sum(i.tokens for i in images.values()),
                            vision_ms=vision_ms)
            t_first = time.perf_counter()
            produced = [tokens.view(b, beams)[:, 0].cpu()]
            done_at = {}
            wanted = [r.output_len for r in item.requests]
            for i, w in enumerate(wanted):
                if w <= 1:
                    done_at[i] = t_first
            held = sum(lengths)     # keys the rows hold after prefill: prompts, reused prefixes included
            for step in range(1, k["max_new_tokens"]):
                active = sum(1 for w in wanted if w > step)
                if active == 0:
                    break
                self.fault()
                s0 = time.perf_counter()
                logits = dec.step(tokens)
                tokens, scores = self.select(logits, scores, b, beams, dec, first=False)
                sync(self.device)
                now = time.perf_counter()
                ms = (now - s0) * 1000.0
                self._check_dynamo(ms)
                produced.append(tokens.view(b, beams)[:, 0].cpu())
                # keys each row really holds (its prompt, reused prefix included, and the tokens fed so far): what
                # a decode step must read at the least, whatever the padding
                real_kv = (held + step * b) * beams
                self.step_event(record, "decode", b, active, b, ms, 0.0, width + step + max(shared), turn,
                                queue_left, kv_tokens=real_kv)
                for i, w in enumerate(wanted):
                    if w == step + 1:
                        done_at[i] = now
            end = time.perf_counter()
        out = torch.stack(produced, 1)
        kv = dec.kv_bytes()
        for i, r in enumerate(item.requests):
            n = min(wanted[i], out.shape[1])
            conv = convs[r.id]
            answer = out[i, :n].tolist()
            if self.image is None:
                conv.history = keys[i] + answer
            else:
                conv.history = prompts.agent_history(conv.history, item.new_tokens[i].tolist(), answer, vocab)
            if k["prefix_cache"]:
                conv.cached_keys = keys[i] + out[i, :out.shape[1] - 1].tolist()
                conv.cached = dec.row(i)
            finish = done_at.get(i, end)
            start = arrival if arrival is not None else t0
            ttft = (t_first - start) * 1000.0
            e2e = (finish - start) * 1000.0
            if record:
                self.events.emit("request", id=r.id, turn=turn, prompt_tokens=lengths[i], cached_tokens=shared[i],
                                 image_tokens=sum(1 for x in keys[i] if x < 0), output_tokens=n,
                                 queue_ms=round(max(0.0, (t0 - start) * 1000.0), 3), ttft_ms=round(ttft, 3),
                                 tpot_ms=round((e2e - ttft) / (n - 1), 4) if n > 1 else None,
                                 e2e_ms=round(e2e, 3), kv_bytes=kv // max(1, b))
        return end

    def past(self, convs, requests, shared):
        """The reused prefixes of a batch's rows, left-padded to the longest: keys, values and their columns."""
        p = max(shared)
        first = next(convs[r.id].cached for r, s in zip(requests, shared) if s)
        keys, values = [], []
        for layer in range(len(first[0])):
            shape = (len(requests),) + first[0][layer].shape[:1] + (p,) + first[0][layer].shape[2:]
            keys.append(torch.zeros(shape, device=self.device, dtype=first[0][layer].dtype))
            values.append(torch.zeros(shape, device=self.device, dtype=first[0][layer].dtype))
        valid = torch.zeros((len(requests), p), dtype=torch.bool, device=self.device)
        for i, (r, s) in enumerate(zip(requests, shared)):
            if not s:
                continue
            ck, cv = convs[r.id].cached
            for layer in range(len(ck)):
                keys[layer][i, :, p - s:] = ck[layer][:, :s]
                values[layer][i, :, p - s:] = cv[layer][:, :s]
            valid[i, p - s:] = True
        return Past(keys, values, valid)

    def select(self, logits, scores, b, beams, dec, first):
        """Greedy: argmax. Beams: log-probabilities added to the beam scores, top beams per request kept, the
        cache reordered to follow them (what transformers' beam search does every step)."""
        if beams == 1:
            return logits.argmax(-1), None
        logp = torch.log_softmax(logits.float(), -1)
        vocab = logp.shape[-1]
        if first:
            scores = torch.zeros((b, beams), device=logp.device)
            scores[:, 1:] = -1e9
        total = (scores.view(-1, 1) + logp).view(b, beams * vocab)
        best, index = total.topk(beams, dim=1)
        beam = index // vocab
        tokens = (index % vocab).view(-1)
        source = (torch.arange(b, device=logp.device)[:, None] * beams + beam).view(-1)
        dec.reorder(source)
        return tokens, best

    def step_event(self, record, phase, batch, real, padded, ms, wait_ms, kv_len, turn, queue_left, **extra):
        fields = dict(phase=phase, batch=batch, real_tokens=real, padded_tokens=padded, ms=round(ms, 4),
                      input_wait_ms=round(wait_ms, 3), kv_len=kv_len, turn=turn, queue=queue_left, warmup=not record)
        fields.update({key: round(v, 3) if isinstance(v, float) else v for key, v in extra.items()})
        self.events.emit("step", **fields)

    def fault(self):
        if not self.warming:
            self.measured_steps += 1
            if self.knobs["fail_at_step"] and self.measured_steps == self.knobs["fail_at_step"]:
                raise InjectedFault(f"fail_at_step={self.knobs['fail_at_step']}: the fault the knob asked for")

    # ---- the whole run ----
    def system_tokens(self, conv_id):
        """The system prompt: the same for every conversation (seeded ids)."""
        if self._system is None:
            g = torch.Generator().manual_seed(self.knobs["seed"] + 7)
            self._system = torch.randint(16, self.model.cfg.vocab - 16, (self.knobs["system_len"],), generator=g).tolist()
        return list(self._system)

    def serve(self, generator):
        k = self.knobs
        rng = random.Random(k["seed"])
        measured = make_requests(k, k["requests"], 0, rng)
        batches = make_batches(measured, k)
        warm = [batches[0]] * k["warmup"] if batches else []
        work = [(batch, turn, False) for batch in warm for turn in range(k["turns"])]
        work += [(batch, turn, True) for batch in batches for turn in range(k["turns"])]
        patches = None
        if self.image is not None:
            patches = (self.grid[0] * self.grid[1], self.model.cfg.vision.patch_values())
        source = pipeline.Source([(bt, turn) for bt, turn, _ in work], k, generator, self.model.cfg.vocab, patches)
        convs_warm, convs = {}, {}
        left = len(measured)
        warm_start = time.perf_counter()
        in_warmup = bool(warm)
        self.warming = in_warmup
        serving_start = None
        last_end = None
        for bt, turn, record in work:
            if record and in_warmup:
                in_warmup = False
                self.warming = False
                self.events.emit("warmup", ms=round((time.perf_counter() - warm_start) * 1000.0, 3),
                                 batches=len(warm))
            if record and serving_start is None:
                # every measured request is in the queue when serving starts (an offline batch, as vLLM's
                # throughput benchmark has it): time to first token counts from there, the wait in the queue included
                serving_start = time.perf_counter()
            arrival = None
            if turn > 0 and k["action_ms"] > 0:
                # the phone acts on the last answer before it sends the next step; nothing runs meanwhile
                time.sleep(k["action_ms"] / 1000.0)
            if record:
                arrival = serving_start if turn == 0 else time.perf_counter()
            item, wait = source.next()
            if record and turn == 0:
                left -= len(bt)
            last_end = self.run_batch(item, wait, convs if record else convs_warm, turn, left if record else 0,
                                      record, arrival)
            if turn == k["turns"] - 1:
                # a conversation done: its kept keys and values are freed
                for r in bt:
                    (convs if record else convs_warm).pop(r.id, None)
        if in_warmup:
            self.events.emit("warmup", ms=round((time.perf_counter() - warm_start) * 1000.0, 3), batches=len(warm))
        return len(measured)


class Conversation:
    """One conversation's state between turns: what the model sees as history, and with the prefix cache the keys
    and values of the last turn (cached: per-layer lists) with the token keys they belong to."""

    def __init__(self, system, system_len):
        self.history = system
        self.system = system_len
        self.cached = None
        self.cached_keys = None


def make_generator(seed):
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def measure_bandwidth(device, device_name, knobs, events, cache_file):
    """Once per device: the knob, else the cache file (written by an earlier run), else a measurement."""
    if knobs["bandwidth_gbps"] > 0:
        events.emit("bandwidth", gbps=knobs["bandwidth_gbps"], method="given (bandwidth_gbps knob)")
        return
    cached = bandwidth.cached(cache_file, device_name)
    if cached is not None:
        events.emit("bandwidth", gbps=cached["gbps"], method=f"cached in {cache_file} ({cached['method']}, "
                    f"{cached.get('measured', 'earlier')})")
        return
    result = bandwidth.measure(device)
    bandwidth.store(cache_file, device_name, result)
    events.emit("bandwidth", **result)
