#!/usr/bin/env python3
"""A fleet replayed into Prometheus from recorded samples, and what diagnose --prometheus must find in it.

DCGM exporter cannot run without a GPU, and no fleet of vLLM replicas runs here. This writes recorded data as the
series such a fleet's Prometheus would hold, in the OpenMetrics text that `promtool tsdb create-blocks-from
openmetrics` backfills (docs/fleet.md#testing-from-recorded-samples), and computes independently, from the
definitions in docs/fleet.md and Prometheus's documentation, the figures the diagnosis must report.

GPU instances: rows of the H100 NVML/GPM stream (testdata/nvml/nvml-100ms.jsonl, recorded every 100 ms), one phase
per node, the first N rows of each written one per second (as an exporter scraped every second would hold them: the
values are the recorded ones, the spacing is not). node-a, node-b and node-c under DCGM exporter's names and units
(DCGM_FI_DEV_* in percent, MiB, W, MHz; DCGM_FI_PROF_* as ratios; a profiling value on every second row, as GPM
was read), node-d under autoglm's own (--prometheus-port) names, node-e under DCGM's names with its profiling
metrics off (no DCGM_FI_PROF_* series).

Replicas: the /metrics pages `autoglm load` scraped from real `autoglm serve` runs (testdata/load/*/
server-metrics.csv), each run one replica, at its own times after the window's start.

    python3 tools/fleet_replay.py /tmp/fleet-replay.om > testdata/expected/fleet-replay.json   (the test writes the .om itself)

Prometheus's query semantics used (querying/basics, "Staleness"): a range query's value at time t is the
series' latest sample at or before t, if not older than 5 minutes (backfilled data carries no staleness markers).
increase(): the sum of rises between consecutive points, a fall being a reset (the new value all rise); a series
first seen after the instance's first point rises from 0 (docs/fleet.md).
"""
import csv
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
T0_MS = 1795349600000  # 2026-11-22T...; the window starts here
STEP_MS = 1000
ROWS = 50
LOOKBACK_MS = 300000
LIMITING = 0x4 | 0x8 | 0x20 | 0x40 | 0x80
MIB = 1024 * 1024

NODES = [  # (instance, job, hostname, phase, names)
    ("node-a:9400", "dcgm-exporter", "node-a", "matmul-bf16", "dcgm"),
    ("node-b:9400", "dcgm-exporter", "node-b", "glm-eager-decode", "dcgm"),
    ("node-c:9400", "dcgm-exporter", "node-c", "memory-fill-70GiB", "dcgm"),
    ("node-d:9464", "autoglm", "node-d", "small-kernels-then-sleep", "autoglm"),
    ("node-e:9400", "dcgm-exporter", "node-e", "pageable-h2d-copies", "dcgm-no-profiling"),
]
REPLICAS = [  # (instance, recorded load run)
    ("replica-1:8000", "agent-glm-tiny"),
    ("replica-2:8000", "agent-image-heavy"),
    ("replica-3:8000", "synthetic-long-context"),
    ("replica-4:8000", "agent-kv-pressure"),
]


def phase_rows(phase):
    lines = [json.loads(l) for l in (ROOT / "testdata/nvml/nvml-100ms.jsonl").read_text().splitlines() if l.strip()]
    p = next(x for x in json.loads((ROOT / "testdata/nvml/phases.json").read_text()) if x["phase"] == phase)
    return [r for r in lines if p["start_ms"] <= r["t_ms"] <= p["end_ms"]][:ROWS]


def gpu_values(row, names):
    """The series (name -> value) one row gives, in the exporter's own units; None for a value not read."""
    ok = lambda rc: row.get(rc, 0) == 0
    v = {}
    if names.startswith("dcgm"):
        if ok("util_rc"):
            v["DCGM_FI_DEV_GPU_UTIL"] = row["gpu_util"]
            v["DCGM_FI_DEV_MEM_COPY_UTIL"] = row["mem_util"]
        if ok("mem_rc"):
            v["DCGM_FI_DEV_FB_USED"] = row["mem_used"] // MIB
            v["DCGM_FI_DEV_FB_FREE"] = row["mem_free"] // MIB
            v["DCGM_FI_DEV_FB_RESERVED"] = row["mem_reserved"] // MIB
        v["DCGM_FI_DEV_POWER_USAGE"] = row["power_mw"] / 1000
        v["DCGM_FI_DEV_SM_CLOCK"] = row["sm_mhz"]
        v["DCGM_FI_DEV_MEM_CLOCK"] = row["mem_mhz"]
        v["DCGM_FI_DEV_GPU_TEMP"] = row["temp_c"]
        if ok("reasons_rc"):
            v["DCGM_FI_DEV_CLOCK_THROTTLE_REASONS"] = row["clock_reasons"]
        if "sm_util" in row and ok("gpm_rc") and names == "dcgm":
            v["DCGM_FI_PROF_SM_ACTIVE"] = row["sm_util"] / 100
            v["DCGM_FI_PROF_SM_OCCUPANCY"] = row["sm_occupancy"] / 100
            v["DCGM_FI_PROF_PIPE_TENSOR_ACTIVE"] = row["any_tensor_util"] / 100
            v["DCGM_FI_PROF_DRAM_ACTIVE"] = row["dram_bw_util"] / 100
    else:
        if ok("util_rc"):
            v["autoglm_gpu_utilization_ratio"] = row["gpu_util"] / 100
            v["autoglm_gpu_memory_utilization_ratio"] = row["mem_util"] / 100
        if ok("mem_rc"):
            v["autoglm_gpu_memory_used_bytes"] = row["mem_used"]
            v["autoglm_gpu_memory_total_bytes"] = row["mem_total"]
        v["autoglm_gpu_power_watts"] = row["power_mw"] / 1000
        v["autoglm_gpu_sm_clock_hertz"] = row["sm_mhz"] * 1e6
        v["autoglm_gpu_memory_clock_hertz"] = row["mem_mhz"] * 1e6
        v["autoglm_gpu_temperature_celsius"] = row["temp_c"]
        if ok("reasons_rc"):
            v["autoglm_gpu_clock_event_reasons"] = row["clock_reasons"]
        if "sm_util" in row and ok("gpm_rc"):
            v["autoglm_gpu_sm_active_ratio"] = row["sm_util"] / 100
            v["autoglm_gpu_sm_occupancy_ratio"] = row["sm_occupancy"] / 100
            v["autoglm_gpu_tensor_active_ratio"] = row["any_tensor_util"] / 100
            v["autoglm_gpu_dram_active_ratio"] = row["dram_bw_util"] / 100
    return v


def at(points, t):
    """Prometheus's value of a series at t: its latest sample at or before t, within the lookback."""
    best = None
    for ts, val in points:
        if ts <= t and t - ts <= LOOKBACK_MS:
            best = val
    return best


def query_times(end_ms):
    return list(range(T0_MS, end_ms + 1, STEP_MS))


def mean(vals):
    vals = [v for v in vals if v is not None]
    return (sum(vals) / len(vals), len(vals)) if vals else (None, 0)


def node_expected(series, times, names):
    """docs/fleet.md#gpus: each point covers the step before it; every point in the window weighs the same."""
    d = names.startswith("dcgm")
    g = lambda n: [at(series.get(n, []), t) for t in times]
    util = g("DCGM_FI_DEV_GPU_UTIL" if d else "autoglm_gpu_utilization_ratio")
    if not d:
        util = [None if u is None else u * 100 for u in util]
    sm = g("DCGM_FI_PROF_SM_ACTIVE" if d else "autoglm_gpu_sm_active_ratio")
    tensor = g("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE" if d else "autoglm_gpu_tensor_active_ratio")
    power = g("DCGM_FI_DEV_POWER_USAGE" if d else "autoglm_gpu_power_watts")
    reasons = g("DCGM_FI_DEV_CLOCK_THROTTLE_REASONS" if d else "autoglm_gpu_clock_event_reasons")
    if d:
        used, free, res = g("DCGM_FI_DEV_FB_USED"), g("DCGM_FI_DEV_FB_FREE"), g("DCGM_FI_DEV_FB_RESERVED")
        mem = [None if u is None else 100 * u / (u + f + r) for u, f, r in zip(used, free, res)]
    else:
        used, total = g("autoglm_gpu_memory_used_bytes"), g("autoglm_gpu_memory_total_bytes")
        mem = [None if u is None else 100 * u / tot for u, tot in zip(used, total)]
    busy = [(100 if r & LIMITING else 0) for u, r in zip(util, reasons) if u is not None and u > 0 and r is not None]
    out = {}
    for name, vals, scale in (("gpu_util_pct", util, 1), ("sm_active_pct", sm, 100), ("tensor_active_pct", tensor, 100),
                              ("power_w", power, 1)):
        m, n = mean([None if v is None else v * scale for v in vals])
        out[name] = {"mean": m, "n": n}
    out["gpu_mem_peak_pct"] = max(v for v in mem if v is not None)
    out["clock_throttled_pct"] = {"mean": sum(busy) / len(busy), "n": len(busy)} if busy else None
    return out


def read_pages(run):
    pages = {}
    with open(ROOT / "testdata/load" / run / "server-metrics.csv") as f:
        for r in csv.DictReader(f):
            pages.setdefault(T0_MS + round(float(r["t_ms"])), []).append((r["series"], float(r["value"])))
    return pages


def split(series):
    m = re.match(r'^([^{]+)(\{(.*)\})?$', series)
    return m.group(1), m.group(3) or ""


def replica_expected(pages, times):
    """Requests (increase of the e2e histogram's count) and the mean ITL (increase of sum over increase of count)."""
    by_series = {}
    for t in sorted(pages):
        for s, v in pages[t]:
            by_series.setdefault(s, []).append((t, v))
    points = {s: [at(p, t) for t in times] for s, p in by_series.items()}
    first = min(i for s, vals in points.items() for i, v in enumerate(vals) if v is not None)

    def increase(prefix):
        total, seen = 0.0, False
        for s, vals in points.items():
            if split(s)[0] != prefix:
                continue
            seen = True
            prev = None
            for i, v in enumerate(vals):
                if v is None:
                    continue
                if prev is None:
                    prev = v if i == first else 0.0
                total += v - prev if v >= prev else v
                prev = v
        return total if seen else None

    requests = increase("vllm:e2e_request_latency_seconds_count")
    count = increase("vllm:inter_token_latency_seconds_count")
    total = increase("vllm:inter_token_latency_seconds_sum")
    return {"requests": requests, "itl_ms": total / count * 1000 if count else None, "itl_tokens": count}


def om_escape(v):
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def main():
    out_path = Path(sys.argv[1])
    lines = []
    expected = {"start_s": T0_MS / 1000, "step_s": STEP_MS / 1000, "nodes": {}, "replicas": {}}
    end_ms = T0_MS + (ROWS - 1) * STEP_MS
    times = query_times(end_ms)
    expected["end_s"] = end_ms / 1000
    families = {}
    for instance, job, host, phase, names in NODES:
        rows = phase_rows(phase)
        assert len(rows) == ROWS, (phase, len(rows))
        series = {}
        for i, row in enumerate(rows):
            for name, val in gpu_values(row, names).items():
                series.setdefault(name, []).append((T0_MS + i * STEP_MS, val))
        if names.startswith("dcgm"):
            labels = ('gpu="0",UUID="GPU-recorded-h100",device="nvidia0",modelName="NVIDIA H100 80GB HBM3",'
                      f'Hostname="{host}",instance="{instance}",job="{job}"')
        else:
            labels = f'host="{host}",run="replay",gpu="0",uuid="GPU-recorded-h100",instance="{instance}",job="{job}"'
        for name, pts in series.items():
            families.setdefault(name, []).extend((labels, t, v) for t, v in pts)
        e = node_expected(series, times, names)
        e["phase"] = phase
        expected["nodes"][instance] = e
    for instance, run in REPLICAS:
        pages = read_pages(run)
        for t in sorted(pages):
            for s, v in pages[t]:
                name, labels = split(s)
                extra = f'instance="{instance}",job="vllm"'
                families.setdefault(name, []).append(((labels + "," if labels else "") + extra, t, v))
        e = replica_expected(pages, times)
        e["run"] = run
        expected["replicas"][instance] = e
    for name in sorted(families):
        lines.append(f"# TYPE {name} gauge")
        for labels, t, v in sorted(families[name], key=lambda x: (x[0], x[1])):
            lines.append(f"{name}{{{labels}}} {repr(float(v))} {t / 1000:.3f}")
    lines.append("# EOF")
    out_path.write_text("\n".join(lines) + "\n")
    timed = {k: v["itl_ms"] for k, v in expected["replicas"].items() if v["itl_ms"] is not None}
    slowest = max(timed, key=timed.get)
    others = sorted(v for k, v in timed.items() if k != slowest)
    median = others[len(others) // 2] if len(others) % 2 else (others[len(others) // 2 - 1] + others[len(others) // 2]) / 2
    busy = {k: v["clock_throttled_pct"]["mean"] for k, v in expected["nodes"].items() if v["clock_throttled_pct"]}
    served = {k: v["requests"] for k, v in expected["replicas"].items() if v["requests"]}
    expected["fleet"] = {
        "straggler_instance": slowest, "straggler_ratio": timed[slowest] / median, "others_itl_ms": median,
        "throttled_instance": max(busy, key=busy.get), "throttle_gap_pct": max(busy.values()) - min(busy.values()),
        "imbalance_ratio": max(served.values()) / min(served.values()),
    }
    json.dump(expected, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
