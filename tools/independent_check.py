#!/usr/bin/env python3
"""Independent computation of autoglm's headline trace metrics, straight from the raw JSON.

Written separately from the Java analyzers (no shared code), following HTA's definitions, to check
them: GPU busy share of the GPU span (HTA temporal breakdown), the idle split into host wait, kernel
wait and other (HTA idle-time breakdown, consecutive_kernel_delay 30 us), and the share of iteration
time inside enumerate(DataLoader) annotations.

Iterations: ProfilerStep#N annotations (a last step of zero duration, with a launch whose GPU activity is
missing, or with fewer than half the median launches of the others, is dropped: docs/analyses.md#iterations); without them, forward passes starting at top-level
aten::embedding ops. GPU activity belongs to the iteration in which its launch call started (joined
by args.correlation); only the busiest device is analysed.

Usage: independent_check.py TRACE.json[.gz] ...   prints one JSON object keyed by file name.
"""
import gzip
import json
import os
import statistics
import sys

GPU_CATS = {"kernel", "gpu_memcpy", "gpu_memset"}
API_CATS = {"cuda_runtime", "cuda_driver"}
KERNEL_WAIT_NS = 30000  # 30 us, as HTA applies it (docs/analyses.md#metrics)


def load(path):
    with open(path, "rb") as f:
        magic = f.read(2)
    opener = gzip.open if magic == b"\x1f\x8b" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return json.load(f)


def ns(us):
    # microseconds with up to 3 decimals -> integer nanoseconds, from the decimal text
    return int(round(us * 1000))


def union(intervals):
    merged = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def covered(merged, lo, hi):
    return sum(max(0, min(b, hi) - max(a, lo)) for a, b in merged)


def iterations(events):
    steps = sorted(
        (e for e in events if e.get("ph") == "X" and e.get("cat") == "user_annotation"
         and e.get("name", "").startswith("ProfilerStep#")),
        key=lambda e: e["ts"])
    if steps:
        spans = [(ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]), e["tid"]) for e in steps]
        last = spans[-1]
        launches = [0] * len(spans)
        for e in events:
            if e.get("ph") == "X" and e.get("cat") in API_CATS and any(
                    w in e.get("name", "") for w in ("Launch", "Memcpy", "Memset")):
                t = ns(e["ts"])
                for i, (a, b, _) in enumerate(spans):
                    if a <= t < b:
                        launches[i] += 1
                        break
        # docs/analyses.md#iterations: the last step is incomplete (autoglm's heuristic; HTA drops the last step
        # always) when its duration is zero, when a launch inside it has no GPU activity in the trace, or when it
        # launched fewer than half the median of the other steps
        with_gpu = {e["args"].get("correlation") for e in events
                    if e.get("ph") == "X" and e.get("cat") in GPU_CATS and isinstance(e.get("args"), dict)}
        missing = sum(1 for e in events
                      if e.get("ph") == "X" and e.get("cat") in API_CATS
                      and any(w in e.get("name", "") for w in ("Launch", "Memcpy", "Memset"))
                      and last[0] <= ns(e["ts"]) < last[1]
                      and e.get("args", {}).get("correlation") not in with_gpu)
        if last[1] - last[0] <= 0 or missing > 0 or (
                len(spans) >= 3 and launches[-1] < 0.5 * statistics.median(launches[:-1])):
            spans = spans[:-1]
        if spans:
            return spans
    # forward passes: top-level aten::embedding ops on the thread that has most of them
    ops = sorted((e for e in events if e.get("ph") == "X" and e.get("cat") == "cpu_op"),
                 key=lambda e: (str(e["tid"]), e["ts"], -e["dur"]))
    by_thread = {}
    stack_end = {}
    for e in ops:
        tid = e["tid"]
        s, end = ns(e["ts"]), ns(e["ts"]) + ns(e["dur"])
        stack = stack_end.setdefault(tid, [])
        while stack and stack[-1] <= s:
            stack.pop()
        if not stack and e["name"] == "aten::embedding":
            by_thread.setdefault(tid, []).append(s)
        stack.append(end)
    if not by_thread:
        return []
    tid, starts = max(by_thread.items(), key=lambda kv: len(kv[1]))
    last_end = max(ns(e["ts"]) + ns(e["dur"]) for e in events if e.get("ph") == "X")
    return [(s, starts[i + 1] if i + 1 < len(starts) else last_end, tid) for i, s in enumerate(starts)]


def analyse(path):
    trace = load(path)
    events = trace["traceEvents"]
    iters = iterations(events)
    launch_ts = {}
    for e in events:
        if e.get("ph") == "X" and e.get("cat") in API_CATS and "correlation" in e.get("args", {}):
            launch_ts[e["args"]["correlation"]] = ns(e["ts"])
    gpu = []
    for e in events:
        if e.get("ph") != "X" or e.get("cat") not in GPU_CATS:
            continue
        t = launch_ts.get(e["args"].get("correlation"))
        if iters:
            if t is None or not any(a <= t < b for a, b, _ in iters):
                continue
        gpu.append((ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]), e["args"]["device"], e["args"]["stream"], t))
    if not gpu:
        return {"gpu_busy_pct": None}
    per_device = {}
    for g in gpu:
        per_device[g[2]] = per_device.get(g[2], 0) + (g[1] - g[0])
    device = max(per_device, key=per_device.get)
    gpu = [g for g in gpu if g[2] == device]

    merged = union([(a, b) for a, b, *_ in gpu])
    span = merged[-1][1] - merged[0][0]
    busy = sum(b - a for a, b in merged)

    host = kernel = other = 0
    for stream in {g[3] for g in gpu}:
        rows = sorted((g for g in gpu if g[3] == stream), key=lambda g: g[0])
        for prev, cur in zip(rows, rows[1:]):
            gap = cur[0] - prev[1]
            if gap <= 0:
                continue
            if cur[4] is not None and cur[4] > prev[1]:
                host += gap
            elif gap < KERNEL_WAIT_NS:
                kernel += gap
            else:
                other += gap
    idle = host + kernel + other

    result = {
        "iterations": len(iters),
        "gpu_busy_pct": 100.0 * busy / span,
        "idle_host_wait_pct": 100.0 * host / idle if idle else None,
        "idle_kernel_wait_pct": 100.0 * kernel / idle if idle else None,
        "idle_other_pct": 100.0 * other / idle if idle else None,
    }
    loader = union([(ns(e["ts"]), ns(e["ts"]) + ns(e["dur"])) for e in events
                    if e.get("ph") == "X" and e.get("cat") == "user_annotation"
                    and e.get("name", "").startswith("enumerate(DataLoader)")])
    if loader and iters:
        inside = sum(covered(loader, a, b) for a, b, _ in iters)
        result["dataloader_pct"] = 100.0 * inside / sum(b - a for a, b, _ in iters)
    else:
        result["dataloader_pct"] = None
    return result


def main(paths):
    out = {os.path.basename(p): analyse(p) for p in paths}
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
