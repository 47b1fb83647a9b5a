"""Decode-step attention of one GLM-4-9B layer (32 query heads, 2 KV heads, head 128) at several context lengths:
the workload's old path (keys and values repeat_interleave'd 16x every step, the cache grown by torch.cat) against
the current one (a preallocated cache read through a view, queries grouped per KV head: no copy). Prints one JSON
line per length with the median of N steps for each. Used for docs/benchmarks.md ("Attention without copies").

    PYTHONPATH=native/workload python3 bench/attention.py [--lengths 2048,8192,20480] [--steps 20] [--device cpu]"""

import argparse
import json
import statistics
import time

import torch

from autoglm_workload.glm import DynamicCache, attend, attention_path


def old_step(q, cache_k, cache_v, k, v, mask):
    cache_k = torch.cat((cache_k, k), dim=2)
    cache_v = torch.cat((cache_v, v), dim=2)
    kk = cache_k.repeat_interleave(16, dim=1)
    vv = cache_v.repeat_interleave(16, dim=1)
    if hasattr(torch.nn.functional, "scaled_dot_product_attention"):
        out = torch.nn.functional.scaled_dot_product_attention(q, kk, vv, attn_mask=mask)
    else:
        s = torch.matmul(q / 128 ** 0.5, kk.transpose(-1, -2)) + mask
        out = torch.matmul(torch.softmax(s, -1), vv)
    return out, cache_k, cache_v


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--lengths", default="2048,8192,20480")
    a.add_argument("--steps", type=int, default=20)
    a.add_argument("--device", default="cpu")
    a.add_argument("--dtype", default="fp32")
    args = a.parse_args()
    dev = torch.device(args.device)
    dtype = {"fp32": torch.float32, "bf16": torch.bfloat16}[args.dtype]
    sync = torch.cuda.synchronize if dev.type == "cuda" else (lambda: None)
    for n in [int(x) for x in args.lengths.split(",")]:
        g = torch.Generator().manual_seed(0)
        base_k = torch.randn((1, 2, n, 128), generator=g).to(dev, dtype)
        base_v = torch.randn((1, 2, n, 128), generator=g).to(dev, dtype)
        times = {"old": [], "new": []}
        # old: the cache as the old DynamicCache held it, concatenated every step
        ck, cv = base_k, base_v
        cache = DynamicCache(1, n + args.steps + 1)
        cache.update(0, base_k, base_v, None)
        for step in range(args.steps):
            q = torch.randn((1, 32, 1, 128), generator=g).to(dev, dtype)
            k = torch.randn((1, 2, 1, 128), generator=g).to(dev, dtype)
            v = torch.randn((1, 2, 1, 128), generator=g).to(dev, dtype)
            mask = torch.zeros((1, 1, 1, n + step + 1), device=dev, dtype=dtype)
            sync()
            t = time.perf_counter()
            _, ck, cv = old_step(q, ck, cv, k, v, mask)
            sync()
            times["old"].append(time.perf_counter() - t)
            t = time.perf_counter()
            kk, vv = cache.update(0, k, v, None)
            attend(q, kk, vv, mask)
            sync()
            times["new"].append(time.perf_counter() - t)
        old, new = statistics.median(times["old"]) * 1000, statistics.median(times["new"]) * 1000
        print(json.dumps(dict(tokens=n, steps=args.steps, device=args.device, dtype=args.dtype,
                              torch=torch.__version__, path=attention_path(), old_ms=round(old, 3),
                              new_ms=round(new, 3), speedup=round(old / new, 2))), flush=True)


if __name__ == "__main__":
    main()
