#!/usr/bin/env python3
"""Independent figures for AnalysisTest and RuleFindingsTest, in plain Python from the raw trace JSON.

Each figure follows its definition in docs/analyses.md ("Metrics", "Kernel families and tensor cores"), with the
iterations and the busiest device of tools/independent_check.py (written from the same docs). Kernels count when
their launch call started inside an iteration and they ran on the busiest device.

    python3 tools/analysis_check.py TRACES_DIR [TRACE...] > testdata/expected/analysis.json

Communication kernels (`nccl` in the name; RCCL's keep NCCL's names) are left out of the kernel-size, occupancy and
launch figures (docs/analyses.md#communication): `kernels` counts every kernel, the rest are over the computation
kernels, and the launch figures over the launched activities that are not communication kernels.

Besides the traces themselves, "nccl-renamed" is the DataLoader trace with its nvjet GEMMs renamed to NCCL
all-reduce kernels (communication that overlaps no computation), as RuleFindingsTest makes it.
"""
import json
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from independent_check import API_CATS, GPU_CATS, iterations, load, ns, union  # noqa: E402

SMALL_US = 5.0
LAUNCH_CUTOFF_US = 50.0  # analysis.launch_runtime_cutoff_us: short kernels are judged against calls up to 50 us
# docs/analyses.md, "Kernel families and tensor cores (from names)", in its order
ATTENTION = re.compile(r"flash|fmha|sdpa|attention|attn|paged_attention", re.I)
GEMM = re.compile(r"gemm|nvjet|xmma|cutlass|matmul|gemv|cublas|magma|wgmma|_mma_|splitkreduce", re.I)
NOT_TC = re.compile(r"gemv|splitkreduce|splitk_reduce", re.I)
SIMT = re.compile(r"ffma|simt|sgemm|_s_gemm|fp32_gemm_nn_simt", re.I)
TC = re.compile(r"hmma|wgmma|gmma|imma|dmma|tensorop|tf32|bf16|f16|fp16|fp8|e4m3|e5m2|int8|i8816|h884|h1688|"
                r"h16816|s1688|s16816|16816|1688gemm|884gemm|nvjet|_mma_", re.I)


def communication(e):
    # docs/analyses.md, "Kernel families": communication when the name contains nccl
    return e["cat"] == "kernel" and "nccl" in e["name"].lower()


def calls(events):
    """The launching runtime or driver call of each correlation id: (start ns, duration ns)."""
    out = {}
    for e in events:
        if e.get("ph") == "X" and e.get("cat") in API_CATS and "correlation" in e.get("args", {}):
            out[e["args"]["correlation"]] = (ns(e["ts"]), ns(e["dur"]))
    return out


def launch_figures(events, gpu, compute):
    """launch_cpu_us, launch_delay_us over the launched activities that are not communication kernels; and
    short_kernel_pct: computation kernels shorter than their call (calls up to 50 us) among the computation kernels."""
    call = calls(events)
    cpu, delay = [], []
    for e in gpu:
        c = call.get(e["args"].get("correlation"))
        if c is None or communication(e):
            continue
        cpu.append(c[1] / 1e3)
        delay.append((ns(e["ts"]) - c[0]) / 1e3)
    out = {"launch_cpu_us": statistics.median(cpu) if cpu else None,
           "launch_delay_us": statistics.median(delay) if delay else None}
    short = 0
    for e in compute:
        c = call.get(e["args"].get("correlation"))
        if c is not None and c[1] / 1e3 <= LAUNCH_CUTOFF_US and ns(e["dur"]) < c[1]:
            short += 1
    out["short_kernel_pct"] = 100.0 * short / len(compute) if compute else None
    return out


def window_gpu(events, iters):
    launch = {k: v[0] for k, v in calls(events).items()}
    rows = []
    for e in events:
        if e.get("ph") != "X" or e.get("cat") not in GPU_CATS:
            continue
        t = launch.get(e["args"].get("correlation"))
        if iters and (t is None or not any(a <= t < b for a, b, _ in iters)):
            continue
        rows.append(e)
    if not rows:
        return []
    per_device = {}
    for e in rows:
        per_device[e["args"]["device"]] = per_device.get(e["args"]["device"], 0) + e["dur"]
    device = max(per_device, key=per_device.get)
    return [e for e in rows if e["args"]["device"] == device]


def analyse(trace):
    events = trace["traceEvents"]
    iters = iterations(events)
    gpu = window_gpu(events, iters)
    kernels = [e for e in gpu if e["cat"] == "kernel"]
    compute = [e for e in kernels if not communication(e)]
    out = {"iterations": len(iters), "kernels": len(kernels), "computation_kernels": len(compute)}
    if compute:
        us = sorted(e["dur"] for e in compute)
        out["kernel_us"] = statistics.median(us)
        out["small_kernel_pct"] = 100.0 * sum(1 for d in us if d < SMALL_US) / len(us)
        out["small_kernel_time_pct"] = 100.0 * sum(d for d in us if d < SMALL_US) / sum(us)
        occ = [(e["args"]["est. achieved occupancy %"], e["dur"]) for e in compute
               if "est. achieved occupancy %" in e["args"]]
        out["occupancy_pct"] = sum(o * d for o, d in occ) / sum(d for _, d in occ) if occ else None
        blocks = [(e["args"]["blocks per SM"], e["dur"]) for e in compute if "blocks per SM" in e["args"]]
        with_blocks = sum(d for _, d in blocks)
        out["low_blocks_time_pct"] = (100.0 * sum(d for b, d in blocks if b < 1) / with_blocks
                                      if with_blocks else None)
        out["kernels_per_step"] = len(compute) / len(iters) if iters else None
        out.update(launch_figures(events, gpu, compute))
    if kernels:
        total = sum(sorted(e["dur"] for e in kernels))  # summed in duration order, as before
        gemm = [e for e in kernels if "nccl" not in e["name"].lower() and not ATTENTION.search(e["name"])
                and GEMM.search(e["name"])]
        applicable = [e for e in gemm if not NOT_TC.search(e["name"])]
        simt = sum(e["dur"] for e in applicable if SIMT.search(e["name"]))
        tc = sum(e["dur"] for e in applicable if not SIMT.search(e["name"]) and TC.search(e["name"]))
        gemm_time = sum(e["dur"] for e in gemm)
        applicable_time = sum(e["dur"] for e in applicable)
        out["gemm_time_pct"] = 100.0 * gemm_time / total
        out["simt_gemm_pct"] = 100.0 * simt / total if gemm_time else None
        out["gemm_tensor_core_pct"] = 100.0 * tc / applicable_time if applicable_time else None
        nccl = union([(ns(e["ts"]), ns(e["ts"]) + ns(e["dur"])) for e in kernels if "nccl" in e["name"].lower()])
        busy = union([(ns(e["ts"]), ns(e["ts"]) + ns(e["dur"])) for e in gpu])
        out["comm_time_pct"] = 100.0 * sum(b - a for a, b in nccl) / sum(b - a for a, b in busy) if nccl else None
    streams = {}
    for e in gpu:
        streams[e["args"]["stream"]] = streams.get(e["args"]["stream"], 0) + 1
    out["stream_activities"] = {str(k): v for k, v in sorted(streams.items())}
    out["host_syncs_per_step"] = syncs_per_step(events, iters, gpu)
    out.update(input_growth(events, iters))
    pageable = [e for e in gpu if e["cat"] == "gpu_memcpy" and "pageable" in e["name"].lower()]
    out["pageable_memcpy_count"] = len(pageable)
    out["pageable_memcpy_bytes"] = sum(e["args"].get("bytes", 0) for e in pageable)
    return out


def syncs_per_step(events, iters, gpu):
    """Calls per iteration that block the host: names ending in Synchronize, synchronous cudaMemcpy*/cuMemcpy*
    (no Async), and asynchronous copies from or to pageable memory (their GPU copy says Pageable)."""
    if not iters:
        return None
    pageable = {e["args"].get("correlation") for e in gpu if e["cat"] == "gpu_memcpy" and "pageable" in e["name"].lower()}
    counts = [0] * len(iters)
    for e in events:
        if e.get("ph") != "X" or e.get("cat") not in API_CATS:
            continue
        name = e.get("name", "")
        blocking = name.endswith("Synchronize") or (
            re.match(r"(cuda|cu)Memcpy", name) and "Async" not in name) or (
            re.match(r"(cuda|cu)Memcpy", name) and e.get("args", {}).get("correlation") in pageable)
        if blocking:
            t = ns(e["ts"])
            for i, (a, b, _) in enumerate(iters):
                if a <= t < b:
                    counts[i] += 1
                    break
    return sum(counts) / len(counts)


def input_growth(events, iters):
    """The first top-level CPU op of each iteration and its Input Dims: the longest run of iterations over which
    one of its sizes grows by exactly one per iteration (0 steps without shapes or growth)."""
    dims = []
    ops = [e for e in events if e.get("ph") == "X" and e.get("cat") == "cpu_op"]
    for a, b, tid in iters:
        inside = sorted((e for e in ops if e["tid"] == tid and a <= ns(e["ts"]) < b), key=lambda e: (e["ts"], -e["dur"]))
        first = inside[0] if inside else None
        dims.append((first or {}).get("args", {}).get("Input Dims") if first else None)
    best = (0, None, None)
    positions = {(i, j) for d in dims if d for i, x in enumerate(d) if isinstance(x, list) for j in range(len(x))}
    for i, j in sorted(positions):
        vals = [d[i][j] if d and i < len(d) and isinstance(d[i], list) and j < len(d[i]) else None for d in dims]
        run = 1
        for k in range(1, len(vals)):
            if vals[k] is not None and vals[k - 1] is not None and vals[k] == vals[k - 1] + 1:
                run += 1
                if run > best[0]:
                    best = (run, vals[k - run + 1], vals[k])
            else:
                run = 1
    steps = best[0] if best[0] >= 2 else 0
    return {"input_growth_steps": steps, "input_len_first": best[1] if steps else None,
            "input_len_last": best[2] if steps else None}


def renamed(trace):
    n = 0
    for e in trace["traceEvents"]:
        if e.get("cat") == "kernel" and e.get("name", "").startswith("nvjet"):
            e["name"] = "ncclDevKernel_AllReduce_Sum_bf16_RING_LL(ncclDevKernelArgsStorage<4096ul>)"
            n += 1
    return trace, n


def main(folder, extra):
    out = {}
    for name in sorted(os.listdir(folder)):
        if name.endswith((".json", ".json.gz")):
            out[name] = analyse(load(os.path.join(folder, name)))
    for path in extra:
        out[os.path.basename(path)] = analyse(load(path))
    trace, n = renamed(load(os.path.join(folder, "A-dataloader-stall.trace.json.gz")))
    out["nccl-renamed"] = dict(analyse(trace), renamed=n)
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2:])
