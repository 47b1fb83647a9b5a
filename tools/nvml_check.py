#!/usr/bin/env python3
"""Independent check of autoglm's sample statistics on the recorded H100 NVML/GPM stream.

Reads testdata/nvml/nvml-100ms.jsonl and phases.json directly (no autoglm code) and computes, per phase,
what docs/analyses.md#samples defines: the GPUs in use, the active window, and time-weighted means and
quantiles over it. The replay test (probes: ReplayTest) drives autoglm's sampler with the same lines,
one sampler round per recorded line and GPM asked every second round (200 ms at 100 ms), and compares.
Prints JSON; tests read the committed copy in testdata/expected/nvml-phases.json and re-run this when
python3 is present.
"""
import json
from fractions import Fraction
import sys
from pathlib import Path

LIMITING = 0x4 | 0x8 | 0x20 | 0x40 | 0x80
INTERVAL = 100.0
GPM_EVERY = 2


def weighted(samples, start, end):
    """samples: (t, covers_from, value); time-weighted mean, p50, p95, max over (start, end]."""
    pts = []
    for t, frm, v in samples:
        if v is None:
            continue
        w = min(t, end) - max(frm, start)
        if w > 0:
            pts.append((v, w))
    if not pts:
        return None
    total = sum(w for _, w in pts)
    mean = sum(v * w for v, w in pts) / total

    def q(percent):
        # docs/analyses.md, time-weighted statistics: the smallest value whose cumulative weight reaches percent
        # of the total, decided in exact rational arithmetic (each float weight taken at its exact value)
        exact = [(v, Fraction(w)) for v, w in pts]
        target = Fraction(percent, 100) * sum(w for _, w in exact)
        cum = Fraction(0)
        for v, w in sorted(exact):
            cum += w
            if cum >= target:
                return v
        return max(v for v, _ in pts)

    return {"mean": mean, "p50": q(50), "p95": q(95), "max": max(v for v, _ in pts), "n": len(pts)}


def phase(lines, start_ms, end_ms):
    rows = [r for r in lines if start_ms <= r["t_ms"] <= end_ms]
    util = [r.get("gpu_util") if r.get("util_rc", 0) == 0 else None for r in rows]
    mem = [r.get("mem_used") if r.get("mem_rc", 0) == 0 else None for r in rows]
    used = any(u is not None and u > 0 for u in util)
    if not used:
        # docs/analyses.md#samples: a heuristic of ours, not NVML's: no utilization at all, but used memory grew
        # by at least 256 MiB over the run (a process that loaded a model and did nothing yet)
        vals = [m for m in mem if m is not None]
        used = bool(vals) and max(vals) - vals[0] >= 256 * 1024 * 1024
    out = {"samples": len(rows), "used": used}
    if not used:
        return out
    times = [r["t_ms"] for r in rows]
    covers = [times[0] - INTERVAL] + times[:-1]
    busy = [i for i, u in enumerate(util) if u is not None and u > 0]
    if busy:
        start, end = covers[busy[0]], times[busy[-1]]
    else:
        start, end = covers[0], times[-1]
    out["window_ms"] = end - start

    def series(f):
        return [(t, c, f(r)) for t, c, r in zip(times, covers, rows)]

    out["gpu_util_pct"] = weighted(series(lambda r: r["gpu_util"] if r.get("util_rc", 0) == 0 else None), start, end)
    out["power_w"] = weighted(series(lambda r: r["power_mw"] / 1000.0), start, end)
    peak = max(100.0 * r["mem_used"] / r["mem_total"] for r in rows if r.get("mem_rc", 0) == 0)
    out["gpu_mem_peak_pct"] = peak
    out["clock_throttled_pct"] = weighted(series(
        lambda r: None if not (r.get("util_rc", 0) == 0 and r["gpu_util"] > 0) or r.get("reasons_rc", 0) != 0
        else (100.0 if r["clock_reasons"] & LIMITING else 0.0)), start, end)
    # GPM: the sampler asks every GPM_EVERY-th round and gets the newest recorded GPM line not yet returned
    gpm = []
    last_ask = None
    returned = None
    for i, r in enumerate(rows):
        if i % GPM_EVERY:
            continue
        t = r["t_ms"]
        candidates = [g for g in rows if "gpm_rc" in g and g["t_ms"] <= t and (returned is None or g["t_ms"] > returned)]
        if candidates:
            g = candidates[-1]
            returned = g["t_ms"]
            interval = 200.0 if last_ask is None else t - last_ask
            gpm.append((t, t - interval, g))
        last_ask = t
    for name, key, scale in [("sm_active_pct", "sm_util", 1), ("tensor_active_pct", "any_tensor_util", 1),
                             ("dram_bw_pct", "dram_bw_util", 1), ("pcie_rx_gbps", "pcie_rx_mib_s", 1.048576 / 1000)]:
        out[name] = weighted([(t, c, g[key] * scale) for t, c, g in gpm], start, end)
    return out


def main():
    root = Path(__file__).resolve().parent.parent / "testdata" / "nvml"
    lines = [json.loads(l) for l in (root / "nvml-100ms.jsonl").read_text().splitlines() if l.strip()]
    phases = json.loads((root / "phases.json").read_text())
    result = {p["phase"]: phase(lines, p["start_ms"], p["end_ms"]) for p in phases}
    json.dump(result, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
