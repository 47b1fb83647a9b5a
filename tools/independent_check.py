#!/usr/bin/env python3
"""Independent computation of autoglm's headline trace metrics, straight from the raw JSON.

Written separately from the Java analyzers (no shared code), following HTA's definitions, to check
them: GPU busy share of the GPU span (HTA temporal breakdown), the idle split into host wait, kernel
wait and other (HTA idle-time breakdown, consecutive_kernel_delay 30 us), and the share of iteration
time inside enumerate(DataLoader) annotations; and the top CPU ops by the GPU time they launched (each GPU activity
of the window goes to the innermost cpu_op on its launch call's thread whose span holds the call's start:
docs/analyses.md#ops).

Iterations: ProfilerStep#N annotations (a last step of zero duration, with a launch whose GPU activity is
missing, or with fewer than half the median launches of the others, is dropped: docs/analyses.md#iterations); without them, forward passes starting at top-level
aten::embedding ops. GPU activity belongs to the iteration in which its launch call started (joined
by args.correlation); only the busiest device is analysed.

Usage: independent_check.py TRACE.json[.gz] ...   prints one JSON object keyed by file name.
"""
import bisect
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
    calls = {}
    for e in events:
        if e.get("ph") == "X" and e.get("cat") in API_CATS and "correlation" in e.get("args", {}):
            launch_ts[e["args"]["correlation"]] = ns(e["ts"])
            calls[e["args"]["correlation"]] = (ns(e["ts"]), ns(e["dur"]), e["tid"])
    gpu = []
    for e in events:
        if e.get("ph") != "X" or e.get("cat") not in GPU_CATS:
            continue
        t = launch_ts.get(e["args"].get("correlation"))
        if iters:
            if t is None or not any(a <= t < b for a, b, _ in iters):
                continue
        gpu.append((ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]), e["args"]["device"], e["args"]["stream"], t,
                    e["args"].get("correlation")))
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
    result["top_ops"] = top_ops(events, gpu, calls)
    result.update(launch_queue(gpu))
    loader = union([(ns(e["ts"]), ns(e["ts"]) + ns(e["dur"])) for e in events
                    if e.get("ph") == "X" and e.get("cat") == "user_annotation"
                    and e.get("name", "").startswith("enumerate(DataLoader)")])
    if loader and iters:
        inside = sum(covered(loader, a, b) for a, b, _ in iters)
        result["dataloader_pct"] = 100.0 * inside / sum(b - a for a, b, _ in iters)
    else:
        result["dataloader_pct"] = None
    return result


def launch_queue(gpu):
    """HTA's queue length per stream (docs/analyses.md#queue): +1 at the launch call's start, -1 at the GPU start,
    the launch first at one instant; the most on any stream, the time-weighted mean of the stream with the most
    activities, and the time at 1024 or more, summed over streams (ms)."""
    streams = {}
    for g in gpu:
        if g[4] is not None:
            streams.setdefault(g[3], []).extend([(g[4], 0), (g[0], 1)])
    if not streams:
        return {"launch_queue_max": None, "launch_queue_mean": None, "launch_queue_full_ms": None}
    most = 0
    full = 0
    means = {}
    for stream, ev in streams.items():
        ev.sort()
        length = 0
        area = 0
        prev_t = ev[0][0]
        for t, code in ev:
            area += (t - prev_t) * length
            if length >= 1024:
                full += t - prev_t
            prev_t = t
            length += 1 if code == 0 else -1
            most = max(most, length)
        span = ev[-1][0] - ev[0][0]
        means[stream] = (len(ev) // 2, area / span if span else length)
    busiest = max(means, key=lambda k: means[k][0])
    return {"launch_queue_max": most, "launch_queue_mean": means[busiest][1], "launch_queue_full_ms": full / 1e6}


def top_ops(events, gpu, calls):
    """[op, activities, GPU ms, launch ms] of the 10 ops with the most GPU time, most first (ties by name)."""
    by_tid = {}
    for e in events:
        if e.get("ph") == "X" and e.get("cat") == "cpu_op":
            by_tid.setdefault(e["tid"], []).append((ns(e["ts"]), ns(e["ts"]) + ns(e["dur"]), e["name"]))
    index = {}
    for tid, ops in by_tid.items():
        # by start, at the same start the longest first: a parent before its children
        ops.sort(key=lambda o: (o[0], -o[1]))
        parent = []
        stack = []
        for i, o in enumerate(ops):
            while stack and ops[stack[-1]][1] <= o[0]:
                stack.pop()
            parent.append(stack[-1] if stack else -1)
            stack.append(i)
        index[tid] = (ops, [o[0] for o in ops], parent)

    def innermost(tid, t):
        if tid not in index:
            return "(launched outside any CPU op)"
        ops, starts, parent = index[tid]
        i = bisect.bisect_right(starts, t) - 1
        # an op holding t started before the last op that started by t, and was still open then: an ancestor
        while i >= 0 and not (ops[i][0] <= t < ops[i][1]):
            i = parent[i]
        return ops[i][2] if i >= 0 else "(launched outside any CPU op)"

    acc = {}
    counted = set()
    for g in gpu:
        call = calls.get(g[5])
        op = "(no launch call in the trace)" if call is None else innermost(call[2], call[0])
        a = acc.setdefault(op, [0, 0, 0])
        a[0] += 1
        a[1] += g[1] - g[0]
        if call is not None and g[5] not in counted:
            counted.add(g[5])
            a[2] += call[1]
    rows = sorted(acc.items(), key=lambda kv: (-kv[1][1], kv[0]))[:10]
    return [[op, a[0], a[1] / 1e6, a[2] / 1e6] for op, a in rows]


def main(paths):
    out = {os.path.basename(p): analyse(p) for p in paths}
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
