"""A reference forward pass of the GLM presets, written from the architecture as docs/workload.md#models describes it,
sharing no code with native/workload: one sequence at a time, no cache, no padding, every token recomputed. It
reads the workload model's weights by their parameter names and returns the logits of every position, so a test
can hold the workload's cached, batched, padded, prefix-reusing paths against it.

Different routes on purpose: rotary as a product of complex numbers (pairs (2i, 2i+1) of the rotated part for the
text model; pairs (i, i + half) for the vision tower), keys and values repeated per query head, the image position
table resized with F.interpolate rather than grid_sample, and the 3D/2D convolutions as matrix products.

    logits = forward(cfg, weights, ids, images=None, image_grid=None)

cfg: a dict of the preset (hidden, layers, heads, kv_heads, head_dim, intermediate, vocab, partial_rotary, rope_theta,
rms_eps, post_norms, mrope_section, vision {...}); weights: name -> tensor; ids: a list of token ids, with -1 for
image tokens; images: [patches, values] float per image in order, image_grid: (patch rows, patch columns)."""

import math

import torch
import torch.nn.functional as F


def rms(x, w, eps):
    return w * (x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps))


def rotate_pairs(x, angles):
    """x: [..., T, 2n] as n complex numbers (x[2i] + j x[2i+1]); angles: [T, n]. Multiplied by e^(j angle)."""
    c = torch.view_as_complex(x.reshape(*x.shape[:-1], -1, 2).contiguous())
    return torch.view_as_real(c * torch.polar(torch.ones_like(angles), angles)).flatten(-2)


def rotate_halves(x, angles):
    """x: [..., T, 2n] as n complex numbers (x[i] + j x[i+n]); angles: [T, n]."""
    n = x.shape[-1] // 2
    c = torch.complex(x[..., :n].contiguous(), x[..., n:].contiguous())
    r = c * torch.polar(torch.ones_like(angles), angles)
    return torch.cat((r.real, r.imag), dim=-1)


def text_positions(ids, grid, merge):
    """[3, T] positions: text advances (t, h, w) together; an image sits at (p, p + row, p + col) of its merged grid
    and the text after it resumes at p + max(rows, cols)."""
    out = []
    p = 0
    i = 0
    while i < len(ids):
        if ids[i] >= 0:
            out.append((p, p, p))
            p += 1
            i += 1
            continue
        rows, cols = grid[0] // merge, grid[1] // merge
        for r in range(rows):
            for c in range(cols):
                out.append((p, p + r, p + c))
        p += max(rows, cols)
        i += rows * cols
    return torch.tensor(out, dtype=torch.float64).t()


def vision(cfg, v, W, patches, grid):
    """One image: [P, values] patches in 2x2-block order -> [P / merge^2, hidden] embeddings."""
    g = lambda n: W["visual." + n].double()
    h, heads, merge = v["hidden"], v["heads"], v["merge"]
    gh, gw = grid
    x = patches.double() @ g("patch_embed.weight").reshape(h, -1).t() + g("patch_embed.bias")
    x = rms(x, g("post_conv_layernorm.weight"), v["rms_eps"])
    # the patch grid in row order, then put in 2x2-block order
    order = torch.arange(gh * gw).view(gh // merge, merge, gw // merge, merge).permute(0, 2, 1, 3).reshape(-1)
    side = int(math.isqrt(g("position_embedding.weight").shape[0]))
    table = g("position_embedding.weight").float().t().reshape(1, h, side, side)
    resized = F.interpolate(table, size=(gh, gw), mode="bicubic", align_corners=False)[0]
    x = x + resized.reshape(h, -1).t()[order].double()
    rows = (order // gw).double()
    cols = (order % gw).double()
    d = h // heads
    inv = 1.0 / (10000.0 ** (torch.arange(0, d // 2, 2, dtype=torch.float64) / (d // 2)))
    angles = torch.cat((rows[:, None] * inv, cols[:, None] * inv), dim=-1)
    for b in range(v["depth"]):
        p = f"blocks.{b}."
        y = rms(x, g(p + "norm1.weight"), v["rms_eps"])
        qkv = y @ g(p + "qkv.weight").t()
        if v.get("attention_bias"):
            qkv = qkv + g(p + "qkv.bias")
        q, k, val = qkv.view(-1, 3, heads, d).unbind(1)
        q = rotate_halves(q.transpose(0, 1), angles)
        k = rotate_halves(k.transpose(0, 1), angles)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d), -1) @ val.transpose(0, 1)
        x = x + att.transpose(0, 1).reshape(-1, h) @ g(p + "proj.weight").t()
        y = rms(x, g(p + "norm2.weight"), v["rms_eps"])
        x = x + (F.silu(y @ g(p + "gate_proj.weight").t()) * (y @ g(p + "up_proj.weight").t())) @ g(p + "down_proj.weight").t()
    x = rms(x, g("post_layernorm.weight"), v["rms_eps"])
    # four consecutive patches (one 2x2 block, row order) -> one token: the 2x2 convolution as a matrix product
    blocks = x.view(-1, merge * merge, h).transpose(1, 2).reshape(-1, h * merge * merge)
    x = blocks @ g("downsample.weight").reshape(cfg["hidden"], -1).t() + g("downsample.bias")
    x = x @ g("merger_proj.weight").t()
    x = F.gelu(F.layer_norm(x, (cfg["hidden"],), g("merger_norm.weight"), g("merger_norm.bias")))
    return (F.silu(x @ g("merger_gate.weight").t()) * (x @ g("merger_up.weight").t())) @ g("merger_down.weight").t()


def forward(cfg, W, ids, images=None, image_grid=None):
    g = lambda n: W[n].double()
    T = len(ids)
    x = g("embed_tokens.weight")[torch.tensor([max(i, 0) for i in ids])]
    if images:
        emb = torch.cat([vision(cfg, cfg["vision"], W, im, image_grid) for im in images])
        x[torch.tensor([i < 0 for i in ids])] = emb
    heads, kvh, d = cfg["heads"], cfg["kv_heads"], cfg["head_dim"]
    rot = int(d * cfg["partial_rotary"])
    inv = 1.0 / (cfg["rope_theta"] ** (torch.arange(0, rot, 2, dtype=torch.float64) / rot))
    if cfg.get("mrope_section"):
        pos = text_positions(ids, image_grid, cfg["vision"]["merge"] if cfg.get("vision") else 2)
        stream = torch.cat([torch.full((n,), s) for s, n in enumerate(cfg["mrope_section"])])
        angles = pos[stream].t() * inv                    # [T, rot/2]: frequency j turns with its section's stream
    else:
        angles = torch.arange(T, dtype=torch.float64)[:, None] * inv
    causal = torch.full((T, T), float("-inf"), dtype=torch.float64).triu(1)
    for layer in range(cfg["layers"]):
        p = f"layers.{layer}."
        y = rms(x, g(p + "input_layernorm.weight"), cfg["rms_eps"])
        q = (y @ g(p + "self_attn.q_proj.weight").t() + g(p + "self_attn.q_proj.bias")).view(T, heads, d).transpose(0, 1)
        k = (y @ g(p + "self_attn.k_proj.weight").t() + g(p + "self_attn.k_proj.bias")).view(T, kvh, d).transpose(0, 1)
        v = (y @ g(p + "self_attn.v_proj.weight").t() + g(p + "self_attn.v_proj.bias")).view(T, kvh, d).transpose(0, 1)
        q = torch.cat((rotate_pairs(q[..., :rot], angles), q[..., rot:]), -1)
        k = torch.cat((rotate_pairs(k[..., :rot], angles), k[..., rot:]), -1)
        # query head h reads key/value head h // (heads / kv_heads)
        k = torch.stack([k[h * kvh // heads] for h in range(heads)])
        v = torch.stack([v[h * kvh // heads] for h in range(heads)])
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(d) + causal, -1) @ v
        a = att.transpose(0, 1).reshape(T, heads * d) @ g(p + "self_attn.o_proj.weight").t()
        if cfg.get("post_norms"):
            a = rms(a, g(p + "post_self_attn_layernorm.weight"), cfg["rms_eps"])
        x = x + a
        y = rms(x, g(p + "post_attention_layernorm.weight"), cfg["rms_eps"])
        gate, up = (y @ g(p + "mlp.gate_up_proj.weight").t()).chunk(2, -1)
        m = (F.silu(gate) * up) @ g(p + "mlp.down_proj.weight").t()
        if cfg.get("post_norms"):
            m = rms(m, g(p + "post_mlp_layernorm.weight"), cfg["rms_eps"])
        x = x + m
    return rms(x, g("norm.weight"), cfg["rms_eps"]) @ g("lm_head.weight").t()
