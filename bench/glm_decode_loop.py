#!/usr/bin/env python3
"""Eager GLM-architecture decode loop for the --kernels checks on a GPU (docs/benchmarks.md, "Kernel recording").

transformers' GlmForCausalLM with GLM-4-9B's dimensions (hidden 4096, 32 heads, 2 KV heads, head_dim 128, MLP
13696, vocabulary 151552, partial rotary 0.5), LAYERS layers (8 as in ../shared/fixtures/cupti), random bf16
weights, batch 1: REPS repetitions of a 128-token prefill and STEPS eager decode steps with a DynamicCache.
Prints one JSON line per repetition: {"rep": i, "ms_per_token": ...} (decode steps only, synchronised).

    python3 bench/glm_decode_loop.py [--layers 8] [--steps 64] [--reps 3] [--torch-profiler cuda|all OUT.json]

--torch-profiler wraps the last repetition in torch.profiler with only CUDA activities ("cuda": CUPTI kernels
and runtime calls, what the injected library records) or CPU and CUDA ("all") and exports a Chrome trace.
"""
import argparse
import json
import time

import torch
from transformers import GlmConfig, GlmForCausalLM


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=8)
    ap.add_argument("--steps", type=int, default=64)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--prompt", type=int, default=128)
    ap.add_argument("--torch-profiler", nargs=2, metavar=("WHAT", "OUT"))
    a = ap.parse_args()
    cfg = GlmConfig(hidden_size=4096, num_attention_heads=32, num_key_value_heads=2, head_dim=128,
                    intermediate_size=13696, vocab_size=151552, num_hidden_layers=a.layers,
                    partial_rotary_factor=0.5, max_position_embeddings=4096)
    torch.manual_seed(0)
    with torch.device("cuda"):
        model = GlmForCausalLM(cfg).to(torch.bfloat16).eval()
    ids = torch.randint(0, cfg.vocab_size, (1, a.prompt), device="cuda")
    for rep in range(a.reps):
        prof = None
        if a.torch_profiler and rep == a.reps - 1:
            acts = [torch.profiler.ProfilerActivity.CUDA]
            if a.torch_profiler[0] == "all":
                acts.append(torch.profiler.ProfilerActivity.CPU)
            prof = torch.profiler.profile(activities=acts)
            prof.__enter__()
        with torch.no_grad():
            out = model(ids, use_cache=True)
            past, tok = out.past_key_values, out.logits[:, -1:].argmax(-1)
            torch.cuda.synchronize()
            t0 = time.perf_counter()
            for _ in range(a.steps):
                out = model(tok, past_key_values=past, use_cache=True)
                past, tok = out.past_key_values, out.logits[:, -1:].argmax(-1)
            torch.cuda.synchronize()
            ms = (time.perf_counter() - t0) * 1e3 / a.steps
        if prof is not None:
            prof.__exit__(None, None, None)
            prof.export_chrome_trace(a.torch_profiler[1])
        print(json.dumps({"rep": rep, "ms_per_token": round(ms, 3)}), flush=True)


if __name__ == "__main__":
    main()
