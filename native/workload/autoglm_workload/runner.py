"""The serving loop: builds the model, warms up, serves the requests batch by batch (turn by turn for
conversations), and reports every phase as events."""

import random
import time

import torch

from . import bandwidth, pipeline
from .decoders import EagerDecoder, RecomputeDecoder, StaticDecoder
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
    def run_batch(self, item, wait_s, history, turn, queue_left, record):
        k = self.knobs
        t0 = time.perf_counter() - wait_s
        beams = k["num_beams"]
        prompts = []
        for r, new in zip(item.requests, item.new_tokens):
            past = history.get(r.id)
            ids = new if past is None else torch.cat((past, new))
            if k["history_window"] and past is not None and ids.numel() > k["history_window"] + new.numel():
                ids = ids[-(k["history_window"] + new.numel()):]
            prompts.append(ids)
        lengths = [p.numel() for p in prompts]
        width = padded_length(lengths, k)
        b = len(prompts)
        ids = torch.zeros((b, width), dtype=torch.long)
        valid = torch.zeros((b, width), dtype=torch.bool)
        for i, p in enumerate(prompts):
            ids[i, width - p.numel():] = p
            valid[i, width - p.numel():] = True
        if k["pin_memory"] and self.device.type == "cuda":
            ids, valid = ids.pin_memory(), valid.pin_memory()
        ids = ids.to(self.device, non_blocking=k["pin_memory"])
        valid = valid.to(self.device, non_blocking=k["pin_memory"])
        if beams > 1:
            ids, valid = ids.repeat_interleave(beams, 0), valid.repeat_interleave(beams, 0)
        rows = b * beams
        dec = self.decoder(rows)

        with torch.no_grad():
            s0 = time.perf_counter()
            logits = dec.prefill(ids, valid)
            tokens, scores = self.select(logits, None, b, beams, dec, first=True)
            sync(self.device)
            ms = (time.perf_counter() - s0) * 1000.0
            self._check_dynamo(ms)
            self.step_event(record, "prefill", b, sum(lengths), b * width, ms, wait_s * 1000.0, width, turn,
                            queue_left)
            t_first = time.perf_counter()
            produced = [tokens.view(b, beams)[:, 0].cpu()]
            done_at = {}
            wanted = [r.output_len for r in item.requests]
            for i, w in enumerate(wanted):
                if w <= 1:
                    done_at[i] = t_first
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
                self.step_event(record, "decode", b, active, b, ms, 0.0, width + step, turn, queue_left)
                for i, w in enumerate(wanted):
                    if w == step + 1:
                        done_at[i] = now
            end = time.perf_counter()
        out = torch.stack(produced, 1)
        kv = dec.kv_bytes()
        for i, r in enumerate(item.requests):
            n = min(wanted[i], out.shape[1])
            history[r.id] = torch.cat((prompts[i], out[i, :n]))
            finish = done_at.get(i, end)
            ttft = (t_first - t0) * 1000.0
            e2e = (finish - t0) * 1000.0
            if record:
                self.events.emit("request", id=r.id, turn=turn, prompt_tokens=lengths[i], output_tokens=n,
                                 ttft_ms=round(ttft, 3), tpot_ms=round((e2e - ttft) / (n - 1), 4) if n > 1 else None,
                                 e2e_ms=round(e2e, 3), kv_bytes=kv // max(1, b))
        return end - t0

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

    def step_event(self, record, phase, batch, real, padded, ms, wait_ms, kv_len, turn, queue_left):
        self.events.emit("step", phase=phase, batch=batch, real_tokens=real, padded_tokens=padded, ms=round(ms, 4),
                         input_wait_ms=round(wait_ms, 3), kv_len=kv_len, turn=turn, queue=queue_left,
                         warmup=not record)

    def fault(self):
        if not self.warming:
            self.measured_steps += 1
            if self.knobs["fail_at_step"] and self.measured_steps == self.knobs["fail_at_step"]:
                raise InjectedFault(f"fail_at_step={self.knobs['fail_at_step']}: the fault the knob asked for")

    # ---- the whole run ----
    def serve(self, generator):
        k = self.knobs
        rng = random.Random(k["seed"])
        measured = make_requests(k, k["requests"], 0, rng)
        batches = make_batches(measured, k)
        warm = [batches[0]] * k["warmup"] if batches else []
        work = [(batch, turn, False) for batch in warm for turn in range(k["turns"])]
        work += [(batch, turn, True) for batch in batches for turn in range(k["turns"])]
        source = pipeline.Source([(bt, turn) for bt, turn, _ in work], k, generator, self.model.cfg.vocab)
        history_warm, history = {}, {}
        left = len(measured)
        warm_start = time.perf_counter()
        in_warmup = bool(warm)
        self.warming = in_warmup
        for bt, turn, record in work:
            if record and in_warmup:
                in_warmup = False
                self.warming = False
                self.events.emit("warmup", ms=round((time.perf_counter() - warm_start) * 1000.0, 3),
                                 batches=len(warm))
            item, wait = source.next()
            if record and turn == 0:
                left -= len(bt)
            self.run_batch(item, wait, history if record else history_warm, turn, left if record else 0, record)
        if in_warmup:
            self.events.emit("warmup", ms=round((time.perf_counter() - warm_start) * 1000.0, 3), batches=len(warm))
        return len(measured)


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
