#!/usr/bin/env python3
"""Cross-rank figures of several Kineto traces (the ranks of one job), computed from the raw JSON by the
definitions in docs/analyses.md#ranks, independently of autoglm's Java: aligned ProfilerStep numbers, per rank
the computation and NCCL time per aligned step and the collective wait, and the straggler ratio.

    python3 tools/ranks_check.py RANK0.json.gz RANK1.json.gz ...   (JSON on stdout)
"""
from decimal import Decimal
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from independent_check import load  # noqa: E402


def ns(us):
    # microseconds to nanoseconds exactly: epoch timestamps (1.7e15 us) times 1000 pass 2^53, where a float rounds
    return int((Decimal(repr(us)) * 1000).to_integral_value())


def rank_of(trace, path):
    base = trace.get("baseTimeNanoseconds") or 0
    events = trace["traceEvents"]
    steps = []
    for e in events:
        if e.get("ph") == "X" and e.get("cat") == "user_annotation" and str(e.get("name", "")).startswith("ProfilerStep#"):
            steps.append((int(e["name"].split("#")[1]), ns(e["ts"]), ns(e["ts"]) + ns(e["dur"])))
    steps.sort(key=lambda s: s[1])
    launches = {}
    for e in events:
        if e.get("ph") == "X" and e.get("cat") in ("cuda_runtime", "cuda_driver"):
            corr = (e.get("args") or {}).get("correlation")
            if corr is not None:
                launches[corr] = ns(e["ts"])
    gpu_time = {}
    for e in events:
        if e.get("ph") == "X" and e.get("cat") in ("kernel", "gpu_memcpy", "gpu_memset"):
            dev = (e.get("args") or {}).get("device", 0)
            gpu_time[dev] = gpu_time.get(dev, 0) + ns(e["dur"])
    device = max(gpu_time, key=gpu_time.get)
    per = {s[0]: {"step_ns": s[2] - s[1], "compute": 0, "comm": 0, "coll": []} for s in steps}
    for e in events:
        if e.get("ph") != "X" or e.get("cat") != "kernel" or (e.get("args") or {}).get("device", 0) != device:
            continue
        t = launches.get((e.get("args") or {}).get("correlation"))
        if t is None:
            continue
        step = next((s[0] for s in steps if s[1] <= t < s[2]), None)
        if step is None:
            continue
        start, dur = base + ns(e["ts"]), ns(e["dur"])
        if "nccl" in e["name"].lower():
            per[step]["comm"] += dur
            per[step]["coll"].append((start, start + dur))
        else:
            per[step]["compute"] += dur
    for p in per.values():
        p["coll"].sort()
    dist = trace.get("distributedInfo") or {}
    return {"path": path, "rank": dist.get("rank"), "steps": per}


def main(paths):
    ranks = [rank_of(load(p), p) for p in paths]
    ranks.sort(key=lambda r: (r["rank"] is None, r["rank"] if r["rank"] is not None else 0))
    common = sorted(set.intersection(*(set(r["steps"]) for r in ranks)))
    wait = [0] * len(ranks)
    matched = 0
    for n in common:
        count = min(len(r["steps"][n]["coll"]) for r in ranks)
        for j in range(count):
            last = max(r["steps"][n]["coll"][j][0] for r in ranks)
            for i, r in enumerate(ranks):
                a, e = r["steps"][n]["coll"][j]
                wait[i] += max(0, min(last, e) - a)
            matched += 1
    k = len(common)
    rows = []
    for i, r in enumerate(ranks):
        rows.append({
            "rank": r["rank"],
            "step_ms": sum(r["steps"][n]["step_ns"] for n in common) / k / 1e6,
            "compute_ms_per_step": sum(r["steps"][n]["compute"] for n in common) / k / 1e6,
            "comm_ms_per_step": sum(r["steps"][n]["comm"] for n in common) / k / 1e6,
            "collective_wait_ms_per_step": wait[i] / k / 1e6,
        })
    compute = [row["compute_ms_per_step"] for row in rows]
    worst = max(range(len(rows)), key=lambda i: compute[i])
    others = [c for i, c in enumerate(compute) if i != worst]
    out = {
        "aligned_steps": common,
        "matched_collectives": matched,
        "ranks": rows,
        "slowest": rows[worst]["rank"],
        "straggler_ratio": compute[worst] / statistics.median(others),
        "collective_wait_pct": statistics.mean(
            100 * rows[i]["collective_wait_ms_per_step"] / rows[i]["step_ms"] for i in range(len(rows)) if i != worst),
    }
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
