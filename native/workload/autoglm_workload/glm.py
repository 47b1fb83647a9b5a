"""The GLM architecture in plain PyTorch (no transformers): RMSNorm, partial interleaved rotary embedding,
grouped-query attention with biased QKV, SwiGLU MLP, and a KV cache that is either dynamic (grows by
concatenation) or static (preallocated, written in place: the shape CUDA graphs and torch.compile need).

Written after transformers' GlmForCausalLM, layer by layer (not compared numerically here); works on torch 1.13 (Debian) up to 2.x.
"""

import math

import torch
import torch.nn.functional as F
from torch import nn

_SDPA = getattr(F, "scaled_dot_product_attention", None)


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
    """cos/sin tables for the rotated part of each head (partial_rotary of head_dim), pairs interleaved."""

    def __init__(self, cfg, max_len, device):
        super().__init__()
        dim = int(cfg.head_dim * cfg.partial_rotary)
        inv = 1.0 / (cfg.rope_theta ** (torch.arange(0, dim, 2, dtype=torch.float32) / dim))
        freqs = torch.outer(torch.arange(max_len, dtype=torch.float32), inv)
        # built on the CPU (small), then moved: also works for the meta device
        self.register_buffer("cos", freqs.cos().repeat_interleave(2, dim=-1).to(device), persistent=False)
        self.register_buffer("sin", freqs.sin().repeat_interleave(2, dim=-1).to(device), persistent=False)
        self.dim = dim

    def forward(self, x, positions):
        """x: [B, H, T, D]; positions: [B, T] long. Rotates x[..., :dim]."""
        cos = self.cos[positions].unsqueeze(1).to(x.dtype)
        sin = self.sin[positions].unsqueeze(1).to(x.dtype)
        rot, rest = x[..., : self.dim], x[..., self.dim:]
        x1 = rot[..., 0::2]
        x2 = rot[..., 1::2]
        half = torch.stack((-x2, x1), dim=-1).flatten(-2)
        return torch.cat((rot * cos + half * sin, rest), dim=-1)


class DynamicCache:
    """Keys and values per layer, [B, KV, T, D], grown by concatenation (transformers' DynamicCache)."""

    static = False

    def __init__(self, layers):
        self.k = [None] * layers
        self.v = [None] * layers

    def update(self, layer, k, v, slots):
        if self.k[layer] is not None:
            k = torch.cat((self.k[layer], k), dim=2)
            v = torch.cat((self.v[layer], v), dim=2)
        self.k[layer], self.v[layer] = k, v
        return k, v

    def length(self):
        return 0 if self.k[0] is None else self.k[0].shape[2]

    def reorder(self, index):
        self.k = [t.index_select(0, index) for t in self.k]
        self.v = [t.index_select(0, index) for t in self.v]

    def bytes(self):
        return sum(t.numel() * t.element_size() for t in self.k + self.v if t is not None)


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

    def forward(self, x, positions, rotary, cache, mask, slots):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv_heads, self.head_dim).transpose(1, 2)
        q, k = rotary(q, positions), rotary(k, positions)
        if cache is not None:
            k, v = cache.update(self.layer, k, v, slots)
        groups = self.heads // self.kv_heads
        k = k.repeat_interleave(groups, dim=1)
        v = v.repeat_interleave(groups, dim=1)
        if _SDPA is not None:
            out = _SDPA(q, k, v, attn_mask=mask)
        else:
            # the scale folded into q and the mask added in place: two passes fewer over the [T, S] scores
            scores = torch.matmul(q * (1.0 / math.sqrt(self.head_dim)), k.transpose(-1, -2))
            scores.add_(mask)
            out = torch.matmul(torch.softmax(scores.float(), dim=-1).to(q.dtype), v)
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

    def forward(self, x, positions, rotary, cache, mask, slots):
        x = x + self.self_attn(self.input_layernorm(x), positions, rotary, cache, mask, slots)
        return x + self.mlp(self.post_attention_layernorm(x))


class GlmModel(nn.Module):
    """GlmForCausalLM: embedding, layers, final norm, untied lm_head. Returns the last position's logits."""

    def __init__(self, cfg, device, dtype, max_len):
        super().__init__()
        self.cfg = cfg
        self.embed_tokens = nn.Embedding(cfg.vocab, cfg.hidden, device=device, dtype=dtype)
        self.layers = nn.ModuleList(Layer(cfg, i, device, dtype) for i in range(cfg.layers))
        self.norm = RMSNorm(cfg.hidden, cfg.rms_eps, device, dtype)
        self.lm_head = nn.Linear(cfg.hidden, cfg.vocab, bias=False, device=device, dtype=dtype)
        self.rotary = Rotary(cfg, max_len, device)
        with torch.no_grad():
            for p in self.parameters():
                if p.dim() > 1:
                    p.normal_(0.0, 0.02)

    def new_cache(self):
        return DynamicCache(self.cfg.layers)

    def forward(self, ids, positions, cache, mask, slots=None):
        """ids, positions: [B, T]; mask: additive [B, 1, T, S] (0 attend, dtype min masked)."""
        x = self.embed_tokens(ids)
        for layer in self.layers:
            x = layer(x, positions, self.rotary, cache, mask, slots)
        return self.lm_head(self.norm(x[:, -1:, :])).squeeze(1)


def additive_mask(allowed, dtype):
    """Bool [B, 1, T, S] (True = may attend) to the additive form both attention paths take."""
    return torch.zeros(allowed.shape, device=allowed.device, dtype=dtype).masked_fill(
        ~allowed, torch.finfo(dtype).min)


def prefill_mask(valid, dtype, total=None):
    """Causal mask over left-padded inputs; valid: bool [B, T]. Each query also sees itself, so a pad
    row never has every key masked (which would give NaN). total: the key length (a static cache's)."""
    b, t = valid.shape
    s = t if total is None else total
    keys = torch.zeros((b, s), dtype=torch.bool, device=valid.device)
    keys[:, :t] = valid
    causal = torch.ones((t, s), dtype=torch.bool, device=valid.device).tril()
    allowed = causal.unsqueeze(0) & keys.unsqueeze(1)
    allowed |= torch.eye(t, s, dtype=torch.bool, device=valid.device).unsqueeze(0)
    return additive_mask(allowed.unsqueeze(1), dtype)
