"""How a batch is run through the model: prefill once, then one decode step per token.

- EagerDecoder: dynamic KV cache, a Python-launched kernel sequence per step (transformers' default).
- RecomputeDecoder: no KV cache; every step feeds the whole sequence again (use_cache=False).
- StaticDecoder: static KV cache; the decode step replayed as a CUDA graph or run through torch.compile.
All share: prefill(ids, valid, positions, images, past) -> logits of the last position; step(tokens) -> logits;
reorder(index); row(i) -> row i's keys and values as held (for the prefix cache).

positions: [B, T] or [3, B, T] (M-RoPE), or None for 0.. over the valid tokens; images: None or (embeddings,
where) as GlmModel takes them; past: a Past, keys and values already computed for a prefix of each row."""

import time

import torch

from .glm import StaticCache, additive_mask, prefill_mask


def first_positions(valid):
    return (valid.long().cumsum(1) - 1).clamp(min=0)


def next_positions(positions):
    """[B] the position after each row's last one: text after an image continues from its largest position."""
    last = positions.amax(dim=-1)
    return (last.amax(dim=0) if positions.dim() == 3 else last) + 1


class Past:
    """A reused prefix: keys and values per layer [B, KV, P, D] (left-padded) and which of the P columns hold one."""

    def __init__(self, keys, values, valid):
        self.keys, self.values, self.valid = keys, values, valid


class EagerDecoder:
    def __init__(self, model, dtype):
        self.model, self.dtype = model, dtype

    def prefill(self, ids, valid, positions=None, images=None, past=None):
        self.cache = self.model.new_cache()
        positions = first_positions(valid) if positions is None else positions
        if past is not None:
            self.cache.install(past.keys, past.values)
        self.keys = valid if past is None else torch.cat((past.valid, valid), dim=1)
        self.pos = next_positions(positions)
        return self.model(ids, positions, self.cache, prefill_mask(valid, self.dtype, past=None if past is None
                                                                   else past.valid), images=images)

    def step(self, tokens):
        self.keys = torch.cat((self.keys, torch.ones_like(self.keys[:, :1])), dim=1)
        mask = additive_mask(self.keys[:, None, None, :], self.dtype)
        logits = self.model(tokens[:, None], self.pos[:, None], self.cache, mask)
        self.pos = self.pos + 1
        return logits

    def reorder(self, index):
        self.cache.reorder(index)
        self.keys, self.pos = self.keys.index_select(0, index), self.pos.index_select(0, index)

    def kv_bytes(self):
        return self.cache.bytes()

    def row(self, i):
        return self.cache.row(i, self.keys[i].nonzero().view(-1))


class RecomputeDecoder:
    """use_cache=False: the input of step n is the whole sequence so far."""

    def __init__(self, model, dtype):
        self.model, self.dtype = model, dtype

    def prefill(self, ids, valid, positions=None, images=None, past=None):
        if past is not None:
            raise ValueError("kv_cache=off keeps no keys and values: there is no prefix to reuse")
        self.ids, self.valid, self.images = ids, valid, images
        self.positions = first_positions(valid) if positions is None else positions
        return self.model(ids, self.positions, None, prefill_mask(valid, self.dtype), images=images)

    def step(self, tokens):
        self.ids = torch.cat((self.ids, tokens[:, None]), dim=1)
        self.valid = torch.cat((self.valid, torch.ones_like(self.valid[:, :1])), dim=1)
        nxt = next_positions(self.positions)
        if self.positions.dim() == 3:
            nxt = nxt.unsqueeze(0).expand(3, -1)
        self.positions = torch.cat((self.positions, nxt.unsqueeze(-1)), dim=-1)
        if self.images is not None:
            emb, where = self.images
            self.images = (emb, torch.cat((where, torch.zeros_like(where[:, :1])), dim=1))
        return self.model(self.ids, self.positions, None, prefill_mask(self.valid, self.dtype), images=self.images)

    def reorder(self, index):
        self.ids, self.valid = self.ids.index_select(0, index), self.valid.index_select(0, index)
        self.positions = self.positions.index_select(self.positions.dim() - 2, index)
        if self.images is not None:
            raise ValueError("beam search over images with kv_cache=off is not supported")

    def kv_bytes(self):
        return 0

    def row(self, i):
        raise ValueError("kv_cache=off keeps no keys and values")


class StaticDecoder:
    """A static cache of max_len slots per row. Prefill writes slots 0..T-1 eagerly; each decode step
    writes the next slot. With graphs, the step is captured once (per decoder, i.e. per batch size) and
    replayed; with compile, it goes through torch.compile(mode="reduce-overhead"). on_compile(ms, what)
    is called for each capture or compilation."""

    def __init__(self, model, dtype, rows, max_len, device, mode, on_compile):
        self.model, self.dtype, self.mode, self.on_compile = model, dtype, mode, on_compile
        self.cache = StaticCache(model.cfg, rows, max_len, device, dtype)
        self.max_len = max_len
        self.keys = torch.zeros((rows, max_len), dtype=torch.bool, device=device)
        self.tokens = torch.zeros((rows, 1), dtype=torch.long, device=device)
        self.pos = torch.zeros((rows, 1), dtype=torch.long, device=device)
        self.slot = torch.zeros((1,), dtype=torch.long, device=device)
        self.graph = None
        self.compiled = None
        if mode == "compile":
            self.compiled = torch.compile(self._step, mode="reduce-overhead", fullgraph=True)

    def _step(self):
        self.keys.index_fill_(1, self.slot, True)
        mask = additive_mask(self.keys[:, None, None, :], self.dtype)
        out = self.model(self.tokens, self.pos, self.cache, mask, self.slot)
        self.pos.add_(1)
        self.slot.add_(1)
        return out

    def prefill(self, ids, valid, positions=None, images=None, past=None):
        p = 0 if past is None else past.valid.shape[1]
        t = ids.shape[1]
        if p + t >= self.max_len:
            raise ValueError(f"prompt of {p + t} tokens does not fit the static cache of {self.max_len}")
        positions = first_positions(valid) if positions is None else positions
        self.keys.zero_()
        if past is not None:
            self.keys[:, :p] = past.valid
            for layer, (k, v) in enumerate(zip(past.keys, past.values)):
                self.cache.k[layer][:, :, :p] = k
                self.cache.v[layer][:, :, :p] = v
        self.keys[:, p:p + t] = valid
        slots = torch.arange(p, p + t, device=ids.device)
        logits = self.model(ids, positions, self.cache, prefill_mask(valid, self.dtype, self.max_len, past=None
                                                                     if past is None else past.valid),
                            slots, images=images)
        self.pos.copy_(next_positions(positions)[:, None])
        self.slot.fill_(p + t)
        return logits

    def step(self, tokens):
        self.tokens.copy_(tokens[:, None])
        if self.mode == "graphs":
            if self.graph is None:
                self._capture()
            self.graph.replay()
            return self.out
        if self.compiled is not None:
            return self.compiled().clone()
        return self._step()

    def _capture(self):
        """Warms the step up on a side stream (three runs, as PyTorch's docs advise), captures it, and rewinds
        the state those runs advanced."""
        start = time.perf_counter()
        saved = (self.keys.clone(), self.pos.clone(), self.slot.clone())
        side = torch.cuda.Stream()
        side.wait_stream(torch.cuda.current_stream())
        with torch.cuda.stream(side):
            for _ in range(3):
                self._restore(saved)
                self._step()
        torch.cuda.current_stream().wait_stream(side)
        self._restore(saved)
        self.graph = torch.cuda.CUDAGraph()
        with torch.cuda.graph(self.graph):
            self.out = self._step()
        self._restore(saved)
        torch.cuda.synchronize()
        self.on_compile((time.perf_counter() - start) * 1000.0, "cuda graph capture")

    def _restore(self, saved):
        self.keys.copy_(saved[0])
        self.pos.copy_(saved[1])
        self.slot.copy_(saved[2])

    def reorder(self, index):
        self.cache.reorder(index)
        self.keys.copy_(self.keys.index_select(0, index))
        self.pos.copy_(self.pos.index_select(0, index))

    def kv_bytes(self):
        return self.cache.bytes()

    def row(self, i):
        columns = self.keys[i].nonzero().view(-1)
        return ([k[i, :, columns].clone() for k in self.cache.k], [v[i, :, columns].clone() for v in self.cache.v])
