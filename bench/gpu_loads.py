#!/usr/bin/env python3
"""Small GPU loads for bench/gpu-check.sh (the NVML/GPM checks of docs/benchmarks.md).

    python3 bench/gpu_loads.py matmul SECONDS   large bf16 matmuls back to back: high utilization, tensor activity
    python3 bench/gpu_loads.py sleepy SECONDS   a tiny kernel, then 20 ms asleep on the host: the GPU mostly idle
    python3 bench/gpu_loads.py idle SECONDS     CUDA initialised, nothing launched: tensor activity near zero

Prints one JSON line at the end: {"load": ..., "seconds": ..., "iterations": ...}.
"""
import json
import sys
import time

import torch


def main(load, seconds):
    dev = torch.device("cuda")
    n = 0
    t0 = time.time()
    if load == "matmul":
        a = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
        b = torch.randn(8192, 8192, device=dev, dtype=torch.bfloat16)
        while time.time() - t0 < seconds:
            for _ in range(10):
                c = a @ b
            torch.cuda.synchronize()
            n += 10
        del c
    elif load == "sleepy":
        x = torch.ones(1024, device=dev)
        while time.time() - t0 < seconds:
            x.add_(1)
            torch.cuda.synchronize()
            time.sleep(0.02)
            n += 1
    elif load == "idle":
        torch.zeros(1, device=dev)
        torch.cuda.synchronize()
        time.sleep(seconds)
    else:
        sys.exit(__doc__)
    print(json.dumps({"load": load, "seconds": time.time() - t0, "iterations": n}))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], float(sys.argv[2]))
