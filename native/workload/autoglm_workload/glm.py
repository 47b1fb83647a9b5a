"""The GLM architecture in plain PyTorch (no transformers): RMSNorm, partial interleaved rotary embedding,
grouped-query attention with biased QKV, SwiGLU MLP, and a KV cache that is either dynamic (grows by
concatenation) or static (preallocated, written in place: the shape CUDA graphs and torch.compile need).

Written after transformers' GlmForCausalLM, layer by layer (not compared numerically here); works on torch 1.13 (Debian) up to 2.x.
"""

import math
import os

import torch
import torch.nn.functional as F
from torch import nn

_SDPA = getattr(F, "scaled_dot_product_attention", None)
# enable_gqa came with torch 2.5: SDPA then reads each KV head for its group of query heads itself
_GQA_SDPA = _SDPA is not None and "enable_gqa" in (_SDPA.__doc__ or "")


class RMSNorm(nn.Module):
    def __init__(self, hidden, eps, device, dtype):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(hidden, device=device, dtype=dtype))
        self.eps = eps

    def forward(self, x):
        dtype = x.dtype
        x = x.float()
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
        return self.weight * x.to(dtype)


class Rotary(nn.Module):
    """Rotary embedding of the rotated part of each head (partial_rotary of head_dim), pairs interleaved.

    With cfg.mrope_section (GLM-4.1V's multimodal rotary), positions are [3, B, T] (temporal, height, width) and
    frequency j of the rotated part turns with the stream its section names: the first mrope_section[0]
    frequencies with the temporal position, the next with the height, the rest with the width. A text token has
    the same three positions, so for text this is the 1-D rotary."""

    def __init__(self, cfg, max_len, device):
        super().__init__()
        dim = int(cfg.head_dim * cfg.partial_rotary)
        inv = 1.0 / (cfg.rope_theta ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
        # built on the CPU (small), then moved: also works for the meta device
        self.register_buffer("inv", inv.to(device), persistent=False)
        stream = None
        if cfg.mrope_section:
            if sum(cfg.mrope_section) != dim // 2:
                raise ValueError(f"mrope_section {cfg.mrope_section} must sum to {dim // 2}")
            stream = torch.cat([torch.full((n,), i, dtype=torch.long) for i, n in enumerate(cfg.mrope_section)])
            stream = stream.to(device)
        self.register_buffer("stream", stream, persistent=False)
        self.dim = dim

    def angles(self, positions):
        """[B, T, dim/2] angles: position times frequency (per stream with M-RoPE)."""
        if positions.dim() == 3:
            p = positions.float()                                   # [3, B, T]
            per_stream = p[..., None] * self.inv                    # [3, B, T, dim/2]
            index = self.stream.view(1, 1, 1, -1).expand(1, *per_stream.shape[1:])
            return per_stream.gather(0, index).squeeze(0)
        return positions.float()[..., None] * self.inv

    def forward(self, x, positions):
        """x: [B, H, T, D]; positions: [B, T] (or [3, B, T]) long. Rotates x[..., :dim]."""
        a = self.angles(positions).repeat_interleave(2, dim=-1).unsqueeze(1)
        cos, sin = a.cos().to(x.dtype), a.sin().to(x.dtype)
        rot, rest = x[..., : self.dim], x[..., self.dim:]
        x1 = rot[..., 0::2]
        x2 = rot[..., 1::2]
        half = torch.stack((-x2, x1), dim=-1).flatten(-2)
        return torch.cat((rot * cos + half * sin, rest), dim=-1)


class DynamicCache:
    """Keys and values per layer, [B, KV, capacity, D], preallocated at the first write and written in place:
    attention reads a view of the first `length` slots, so nothing is copied as the sequence grows (the
    serving engines users run do not copy either; transformers' DynamicCache concatenates every step)."""

    static = False

    def __init__(self, layers, capacity):
        self.k = [None] * layers
        self.v = [None] * layers
        self.lengths = [0] * layers
        self.capacity = capacity

    def _room(self, layer, k, need):
        if self.k[layer] is None:
            shape = (k.shape[0], k.shape[1], max(self.capacity, need), k.shape[3])
            self.k[layer] = torch.empty(shape, device=k.device, dtype=k.dtype)
            self.v[layer] = torch.empty(shape, device=k.device, dtype=k.dtype)
        elif need > self.k[layer].shape[2]:
            # past the capacity given (a longer sequence than planned): grow once, doubling
            grow = max(need, 2 * self.k[layer].shape[2])
            for store in (self.k, self.v):
                old = store[layer]
                new = torch.empty((old.shape[0], old.shape[1], grow, old.shape[3]), device=old.device, dtype=old.dtype)
                new[:, :, :self.lengths[layer]] = old[:, :, :self.lengths[layer]]
                store[layer] = new

    def update(self, layer, k, v, slots):
        start = self.lengths[layer]
        end = start + k.shape[2]
        self._room(layer, k, end)
        self.k[layer][:, :, start:end] = k
        self.v[layer][:, :, start:end] = v
        self.lengths[layer] = end
        return self.k[layer][:, :, :end], self.v[layer][:, :, :end]

    def install(self, keys, values):
        """Starts from given keys and values per layer ([B, KV, P, D], a reused prefix)."""
        for layer, (k, v) in enumerate(zip(keys, values)):
            self.update(layer, k, v, None)

    def length(self):
        return self.lengths[0]

    def row(self, i, columns):
        """Row i's keys and values at the given columns (a LongTensor), per layer: copies."""
        return ([k[i, :, columns].clone() for k in self.k], [v[i, :, columns].clone() for v in self.v])

    def reorder(self, index):
        """Rows reordered (beam search, every step): only the slots written are copied, not the whole capacity."""
        for store in (self.k, self.v):
            for layer, t in enumerate(store):
                n = self.lengths[layer]
                t[:, :, :n] = t[:, :, :n].index_select(0, index)

    def bytes(self):
        """Bytes of the keys and values held (the slots written, not the capacity)."""
        total = 0
        for t, n in zip(self.k + self.v, self.lengths + self.lengths):
            if t is not None:
                total += t.shape[0] * t.shape[1] * n * t.shape[3] * t.element_size()
        return total


class StaticCache:
    """Preallocated [B, KV, max_len, D] buffers written in place at the given slots: shapes never change."""

    static = True

    def __init__(self, cfg, batch, max_len, device, dtype):
        shape = (batch, cfg.kv_heads, max_len, cfg.head_dim)
        self.k = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(cfg.layers)]
        self.v = [torch.zeros(shape, device=device, dtype=dtype) for _ in range(cfg.layers)]
        self.max_len = max_len

    def update(self, layer, k, v, slots):
        self.k[layer].index_copy_(2, slots, k)
        self.v[layer].index_copy_(2, slots, v)
        return self.k[layer], self.v[layer]

    def reorder(self, index):
        for t in self.k + self.v:
            t.copy_(t.index_select(0, index))

    def bytes(self):
        return sum(t.numel() * t.element_size() for t in self.k + self.v)


def attention_path():
    """Which attention runs: AUTOGLM_ATTENTION=sdpa or matmul (tests use both); sdpa by default where the
    installed torch has scaled_dot_product_attention (2.0 and later)."""
    want = os.environ.get("AUTOGLM_ATTENTION", "sdpa" if _SDPA is not None else "matmul")
    if want not in ("sdpa", "matmul"):
        raise ValueError(f"AUTOGLM_ATTENTION={want}: expected sdpa or matmul")
    if want == "sdpa" and _SDPA is None:
        raise ValueError(f"AUTOGLM_ATTENTION=sdpa: torch {torch.__version__} has no scaled_dot_product_attention")
    return want


def attend(q, k, v, mask, path=None):
    """Grouped-query attention without copying keys and values. q: [B, H, T, D]; k, v: [B, KV, S, D] (views of
    the cache); mask: additive [B, 1, T, S]. Query head h reads KV head h // (H / KV), as repeat_interleave would
    give it.

    - sdpa where torch has enable_gqa (2.5 and later): SDPA groups the heads itself.
    - sdpa on an older torch: one query token (decode) is folded as [B, KV, G, D], G queries per KV head, so SDPA
      reads each KV head once; a prefill (T > 1) repeats the keys and values once for that prefill (its own
      tokens and any reused prefix), because folding T queries would repeat the [T, S] mask G times instead.
    - matmul: queries folded as [B, KV, G*T, D]; scores [B, KV, G, T, S] take the mask broadcast; no copy."""
    path = path or attention_path()
    b, h, t, d = q.shape
    kvh = k.shape[1]
    groups = h // kvh
    if path == "sdpa":
        if groups == 1:
            return _SDPA(q, k, v, attn_mask=mask)
        if _GQA_SDPA:
            return _SDPA(q, k, v, attn_mask=mask, enable_gqa=True)
        if t == 1:
            out = _SDPA(q.reshape(b, kvh, groups, d), k, v, attn_mask=mask.expand(b, 1, groups, mask.shape[-1]))
            return out.view(b, h, 1, d)
        return _SDPA(q, k.repeat_interleave(groups, dim=1), v.repeat_interleave(groups, dim=1), attn_mask=mask)
    # the scale folded into q and the mask added in place: two passes fewer over the [T, S] scores
    qg = (q * (1.0 / math.sqrt(d))).reshape(b, kvh, groups * t, d)
    scores = torch.matmul(qg, k.transpose(-1, -2)).view(b, kvh, groups, t, -1)
    scores.add_(mask.unsqueeze(2))
    probs = torch.softmax(scores.float(), dim=-1).to(q.dtype).view(b, kvh, groups * t, -1)
    return torch.matmul(probs, v).view(b, h, t, d)


class Attention(nn.Module):
    def __init__(self, cfg, layer, device, dtype):
        super().__init__()
        q, kv = cfg.heads * cfg.head_dim, cfg.kv_heads * cfg.head_dim
        kw = dict(device=device, dtype=dtype)
        self.q_proj = nn.Linear(cfg.hidden, q, bias=cfg.attention_bias, **kw)
        self.k_proj = nn.Linear(cfg.hidden, kv, bias=cfg.attention_bias, **kw)
        self.v_proj = nn.Linear(cfg.hidden, kv, bias=cfg.attention_bias, **kw)
        self.o_proj = nn.Linear(q, cfg.hidden, bias=False, **kw)
        self.heads, self.kv_heads, self.head_dim, self.layer = cfg.heads, cfg.kv_heads, cfg.head_dim, layer
        self.path = attention_path()

    def forward(self, x, positions, rotary, cache, mask, slots):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q, k = rotary(q, positions), rotary(k, positions)
        if cache is not None:
            k, v = cache.update(self.layer, k, v, slots)
        out = attend(q, k, v, mask, self.path)
        return self.o_proj(out.transpose(1, 2).reshape(b, t, self.heads * self.head_dim))


class Mlp(nn.Module):
    def __init__(self, cfg, device, dtype):
        super().__init__()
        kw = dict(device=device, dtype=dtype, bias=False)
        self.gate_up_proj = nn.Linear(cfg.hidden, 2 * cfg.intermediate, **kw)
        self.down_proj = nn.Linear(cfg.intermediate, cfg.hidden, **kw)

    def forward(self, x):
        gate, up = self.gate_up_proj(x).chunk(2, dim=-1)
        return self.down_proj(F.silu(gate) * up)


class Layer(nn.Module):
    def __init__(self, cfg, index, device, dtype):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.hidden, cfg.rms_eps, device, dtype)
        self.self_attn = Attention(cfg, index, device, dtype)
        self.post_attention_layernorm = RMSNorm(cfg.hidden, cfg.rms_eps, device, dtype)
        self.mlp = Mlp(cfg, device, dtype)
        # GLM-4.1V (and GLM-4-0414) also normalise each branch's output before the residual add
        self.post_norms = cfg.post_norms
        if cfg.post_norms:
            self.post_self_attn_layernorm = RMSNorm(cfg.hidden, cfg.rms_eps, device, dtype)
            self.post_mlp_layernorm = RMSNorm(cfg.hidden, cfg.rms_eps, device, dtype)

    def forward(self, x, positions, rotary, cache, mask, slots):
        a = self.self_attn(self.input_layernorm(x), positions, rotary, cache, mask, slots)
        x = x + (self.post_self_attn_layernorm(a) if self.post_norms else a)
        m = self.mlp(self.post_attention_layernorm(x))
        return x + (self.post_mlp_layernorm(m) if self.post_norms else m)


class GlmModel(nn.Module):
    """GlmForCausalLM: embedding, layers, final norm, untied lm_head. Returns the last position's logits.
    With cfg.vision (GLM-4.1V), a vision tower turns each image's patches into embeddings that take the place of
    its image tokens in the prompt."""

    def __init__(self, cfg, device, dtype, max_len):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab, cfg.hidden, device=device, dtype=dtype)
        self.layers = nn.ModuleList(Layer(cfg, i, device, dtype) for i in range(cfg.layers))
        self.norm = RMSNorm(cfg.hidden, cfg.rms_eps, device, dtype)
        self.lm_head = nn.Linear(cfg.hidden, cfg.vocab, bias=False, device=device, dtype=dtype)
        self.rotary = Rotary(cfg, max_len, device)
        self.max_len = max_len
        self.visual = None
        if cfg.vision is not None:
            from .vision import VisionTower
            self.visual = VisionTower(cfg.vision, cfg.hidden, device, dtype)
        with torch.no_grad():
            for p in self.parameters():
                if p.dim() > 1:
                    p.normal_(0.0, 0.02)

    def new_cache(self):
        return DynamicCache(self.cfg.layers, self.max_len)

    def forward(self, ids, positions, cache, mask, slots=None, images=None):
        """ids: [B, T]; positions: [B, T], or [3, B, T] with M-RoPE; mask: additive [B, 1, T, S] (0 attend, dtype
        min masked); images: None, or (embeddings [N, hidden], bool [B, T] of the image tokens they replace)."""
        x = self.embed_tokens(ids)
        if images is not None:
            embeddings, where = images
            x = x.masked_scatter(where.unsqueeze(-1), embeddings.to(x.dtype))
        for layer in self.layers:
            x = layer(x, positions, self.rotary, cache, mask, slots)
        return self.lm_head(self.norm(x[:, -1:, :])).squeeze(1)


def additive_mask(allowed, dtype):
    """Bool [B, 1, T, S] (True = may attend) to the additive form both attention paths take."""
    return torch.zeros(allowed.shape, device=allowed.device, dtype=dtype).masked_fill(
        ~allowed, torch.finfo(dtype).min)


def prefill_mask(valid, dtype, total=None, past=None):
    """Causal mask over left-padded inputs; valid: bool [B, T]. Each query also sees itself, so a pad
    row never has every key masked (which would give NaN). total: the key length (a static cache's);
    past: bool [B, P] of keys already in the cache before these T tokens (a reused prefix), which every
    query may see where valid."""
    b, t = valid.shape
    p = 0 if past is None else past.shape[1]
    s = p + t if total is None else total
    keys = torch.zeros((b, s), dtype=torch.bool, device=valid.device)
    if past is not None:
        keys[:, :p] = past
    keys[:, p:p + t] = valid
    causal = torch.ones((t, s), dtype=torch.bool, device=valid.device).tril(p)
    allowed = causal.unsqueeze(0) & keys.unsqueeze(1)
    rows = torch.arange(t, device=valid.device)[:, None] + p
    allowed |= (rows == torch.arange(s, device=valid.device)[None, :]).unsqueeze(0)
    return additive_mask(allowed.unsqueeze(1), dtype)
