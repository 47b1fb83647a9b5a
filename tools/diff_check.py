#!/usr/bin/env python3
"""Independent per-kernel tables and iteration times, for the gate, compare and export tests.

Plain Python over the raw JSON (no code shared with the Java analyzers), using the iteration rules of
independent_check.py. For each trace: the kernel events in the file (cat "kernel", every one, for the
Perfetto export); the iteration times in ms and their p99 (linear between closest ranks, numpy's
default); and per kernel name on the busiest device, launched inside an iteration, its count and total
duration in ns (HTA's trace diff counts the same).

Usage: diff_check.py TRACE.json[.gz] ...   prints one JSON object keyed by file name.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from independent_check import API_CATS, iterations, load, ns  # noqa: E402


def quantile(values, q):
    s = sorted(values)
    pos = q * (len(s) - 1)
    lo = int(pos)
    hi = min(len(s) - 1, lo + 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def analyse(path):
    events = load(path)["traceEvents"]
    iters = iterations(events)
    all_kernels = sum(1 for e in events if e.get("ph") == "X" and e.get("cat") == "kernel")
    launch_ts = {}
    for e in events:
        if e.get("ph") == "X" and e.get("cat") in API_CATS and "correlation" in e.get("args", {}):
            launch_ts[e["args"]["correlation"]] = ns(e["ts"])
    per_device = {}
    kept = []
    for e in events:
        if e.get("ph") != "X" or e.get("cat") not in ("kernel", "gpu_memcpy", "gpu_memset"):
            continue
        t = launch_ts.get(e["args"].get("correlation"))
        if iters and (t is None or not any(a <= t < b for a, b, _ in iters)):
            continue
        d = e["args"]["device"]
        per_device[d] = per_device.get(d, 0) + ns(e["dur"])
        kept.append(e)
    device = max(per_device, key=per_device.get) if per_device else None
    by_name = {}
    for e in kept:
        if e["cat"] == "kernel" and e["args"]["device"] == device:
            c = by_name.setdefault(e["name"], [0, 0])
            c[0] += 1
            c[1] += ns(e["dur"])
    steps = [(b - a) / 1e6 for a, b, _ in iters]
    return {
        "kernel_events": all_kernels,
        "iterations": len(iters),
        "step_ms": steps,
        "step_ms_p99": quantile(steps, 0.99) if steps else None,
        "kernels": {k: {"count": v[0], "total_ns": v[1]} for k, v in sorted(by_name.items())},
    }


def main(paths):
    out = {os.path.basename(p): analyse(p) for p in paths}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
