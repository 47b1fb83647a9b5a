"""How a batch is run through the model: prefill once, then one decode step per token.

- EagerDecoder: dynamic KV cache, a Python-launched kernel sequence per step (transformers' default).
- RecomputeDecoder: no KV cache; every step feeds the whole sequence again (use_cache=False).
- StaticDecoder: static KV cache; the decode step replayed as a CUDA graph or run through torch.compile.
All share: prefill(ids, valid) -> logits of the last position; step(tokens) -> logits; reorder(index)."""

import time

import torch

from .glm import StaticCache, additive_mask, prefill_mask


def first_positions(valid):
    return (valid.long().cumsum(1) - 1).clamp(min=0)


class EagerDecoder:
    def __init__(self, model, dtype):
        self.model, self.dtype = model, dtype

    def prefill(self, ids, valid):
        self.cache = self.model.new_cache()
        self.keys = valid
        self.pos = valid.long().sum(1)
        return self.model(ids, first_positions(valid), self.cache, prefill_mask(valid, self.dtype))

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


class RecomputeDecoder:
    """use_cache=False: the input of step n is the whole sequence so far."""

    def __init__(self, model, dtype):
        self.model, self.dtype = model, dtype

    def prefill(self, ids, valid):
        self.ids, self.valid = ids, valid
        return self.model(ids, first_positions(valid), None, prefill_mask(valid, self.dtype))

    def step(self, tokens):
        self.ids = torch.cat((self.ids, tokens[:, None]), dim=1)
        self.valid = torch.cat((self.valid, torch.ones_like(self.valid[:, :1])), dim=1)
        return self.model(self.ids, first_positions(self.valid), None, prefill_mask(self.valid, self.dtype))

    def reorder(self, index):
        self.ids, self.valid = self.ids.index_select(0, index), self.valid.index_select(0, index)

    def kv_bytes(self):
        return 0


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

    def prefill(self, ids, valid):
        t = ids.shape[1]
        if t >= self.max_len:
            raise ValueError(f"prompt of {t} tokens does not fit the static cache of {self.max_len}")
        self.keys.zero_()
        self.keys[:, :t] = valid
        slots = torch.arange(t, device=ids.device)
        logits = self.model(ids, first_positions(valid), self.cache, prefill_mask(valid, self.dtype, self.max_len),
                            slots)
        self.pos.copy_(valid.long().sum(1, keepdim=True))
        self.slot.fill_(t)
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
