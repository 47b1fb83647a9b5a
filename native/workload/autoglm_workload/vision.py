"""GLM-4.1V's vision tower in plain PyTorch, after transformers' Glm4vVisionModel (docs/workload.md#models):
patch embedding (a Conv3d over two frames of 14x14 pixels), RMSNorm, a learned position table resized to the
image's patch grid by bicubic interpolation, blocks of RMSNorm + attention with 2-D rotary (height and width) +
RMSNorm + SwiGLU, a last RMSNorm, a 2x2 Conv2d that merges four patches into one token of the text model's width,
and the patch merger (linear, LayerNorm, GELU, SwiGLU). Random weights: performance does not depend on them.

Patches come in the processor's order: for each 2x2 block of the (height, width) patch grid in row order, its four
patches in row order, so that four consecutive patches make one output token."""

import math

import torch
import torch.nn.functional as F
from torch import nn

from .glm import RMSNorm


def grid_coordinates(gh, gw, merge):
    """(row, column) of each patch of a gh x gw grid in the processor's order (2x2 blocks)."""
    rows = torch.arange(gh).view(gh // merge, merge, 1, 1).expand(gh // merge, merge, gw // merge, merge)
    cols = torch.arange(gw).view(1, 1, gw // merge, merge).expand(gh // merge, merge, gw // merge, merge)
    return rows.permute(0, 2, 1, 3).reshape(-1), cols.permute(0, 2, 1, 3).reshape(-1)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class VisionBlock(nn.Module):
    def __init__(self, v, device, dtype):
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        self.norm1 = RMSNorm(v.hidden, v.rms_eps, device, dtype)
        self.norm2 = RMSNorm(v.hidden, v.rms_eps, device, dtype)
        self.qkv = nn.Linear(v.hidden, 3 * v.hidden, bias=v.attention_bias, **kw)
        self.proj = nn.Linear(v.hidden, v.hidden, bias=False, **kw)
        self.gate_proj = nn.Linear(v.hidden, v.mlp, bias=False, **kw)
        self.up_proj = nn.Linear(v.hidden, v.mlp, bias=False, **kw)
        self.down_proj = nn.Linear(v.mlp, v.hidden, bias=False, **kw)
        self.heads = v.heads

    def forward(self, x, cos, sin):
        """x: [N, P, hidden] (N images of P patches each); attention within each image, not causal."""
        n, p, h = x.shape
        q, k, v = self.qkv(self.norm1(x)).view(n, p, 3, self.heads, h // self.heads).permute(2, 0, 3, 1, 4)
        q = (q.float() * cos + rotate_half(q.float()) * sin).to(x.dtype)
        k = (k.float() * cos + rotate_half(k.float()) * sin).to(x.dtype)
        scores = torch.matmul(q, k.transpose(-1, -2)) * (1.0 / math.sqrt(h // self.heads))
        out = torch.matmul(torch.softmax(scores.float(), dim=-1).to(x.dtype), v)
        x = x + self.proj(out.transpose(1, 2).reshape(n, p, h))
        y = self.norm2(x)
        return x + self.down_proj(F.silu(self.gate_proj(y)) * self.up_proj(y))


class VisionTower(nn.Module):
    def __init__(self, v, out_hidden, device, dtype):
        super().__init__()
        kw = dict(device=device, dtype=dtype)
        self.v = v
        self.out_hidden = out_hidden
        kernel = (v.temporal, v.patch, v.patch)
        self.patch_embed = nn.Conv3d(v.channels, v.hidden, kernel_size=kernel, stride=kernel, **kw)
        self.post_conv_layernorm = RMSNorm(v.hidden, v.rms_eps, device, dtype)
        side = v.image_size // v.patch
        self.position_embedding = nn.Embedding(side * side, v.hidden, **kw)
        self.blocks = nn.ModuleList(VisionBlock(v, device, dtype) for _ in range(v.depth))
        self.post_layernorm = RMSNorm(v.hidden, v.rms_eps, device, dtype)
        self.downsample = nn.Conv2d(v.hidden, out_hidden, kernel_size=v.merge, stride=v.merge, **kw)
        self.merger_proj = nn.Linear(out_hidden, out_hidden, bias=False, **kw)
        self.merger_norm = nn.LayerNorm(out_hidden, **kw)
        self.merger_gate = nn.Linear(out_hidden, v.merger, bias=False, **kw)
        self.merger_up = nn.Linear(out_hidden, v.merger, bias=False, **kw)
        self.merger_down = nn.Linear(v.merger, out_hidden, bias=False, **kw)
        head = v.hidden // v.heads
        # 2-D rotary: a quarter of the head turns with the row, a quarter with the column, doubled as in rotate_half
        self.register_buffer("inv", 1.0 / (10000.0 ** (torch.arange(0, head // 2, 2, dtype=torch.float32)
                                                       / (head // 2))).to(device), persistent=False)

    def tokens(self, gh, gw):
        """Output tokens of one image of gh x gw patches."""
        return (gh // self.v.merge) * (gw // self.v.merge)

    def positions(self, gh, gw, device):
        """The learned table resized to the gh x gw grid (bicubic, border padding), in patch order: [P, hidden]."""
        rows, cols = grid_coordinates(gh, gw, self.v.merge)
        side = int(math.isqrt(self.position_embedding.weight.shape[0]))
        table = self.position_embedding.weight.float().view(side, side, -1).permute(2, 0, 1).unsqueeze(0)
        x = (cols.float() + 0.5) / gw * 2 - 1
        y = (rows.float() + 0.5) / gh * 2 - 1
        grid = torch.stack((x, y), dim=-1).view(1, -1, 1, 2).to(table.device)
        out = F.grid_sample(table, grid, mode="bicubic", align_corners=False, padding_mode="border")
        return out.squeeze(0).squeeze(-1).t()

    def forward(self, patches, gh, gw):
        """patches: [N, gh * gw, channels * temporal * patch * patch] (N images of the same grid) -> [N * tokens,
        out_hidden] embeddings, image by image in token order."""
        v = self.v
        n, p, _ = patches.shape
        x = self.patch_embed(patches.reshape(n * p, v.channels, v.temporal, v.patch, v.patch)).view(n, p, v.hidden)
        x = self.post_conv_layernorm(x)
        x = x + self.positions(gh, gw, x.device).to(x.dtype)
        rows, cols = grid_coordinates(gh, gw, v.merge)
        angles = torch.cat((rows.float().to(x.device)[:, None] * self.inv, cols.float().to(x.device)[:, None]
                            * self.inv), dim=-1)
        emb = torch.cat((angles, angles), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        for block in self.blocks:
            x = block(x, cos, sin)
        x = self.post_layernorm(x)
        x = x.view(-1, v.merge, v.merge, v.hidden).permute(0, 3, 1, 2)
        x = self.downsample(x).view(-1, self.out_hidden)
        x = F.gelu(self.merger_norm(self.merger_proj(x)))
        return self.merger_down(F.silu(self.merger_gate(x)) * self.merger_up(x))
