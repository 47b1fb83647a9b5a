#!/usr/bin/env python3
"""The figures of bench/served-kernels.sh as Markdown for docs/benchmarks.md: per run (1 and 8 sessions) the served
steps by batch from the kernel recordings (the load's result JSON, "served") and from the server's own profiler trace
(server-profile/diagnosis.json), the rules that need both views, the profiler's cost, and what the kernel recordings
kept of the load window.

    python3 bench/served_kernels_md.py OUT_DIR > served.md
"""
import glob
import json
import os
import sys


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        return {"error": str(e)}


def value(d, name):
    m = d.get("metrics", {}).get(name, {})
    v = m.get("value")
    return "n/a (%s)" % m.get("reason", "absent") if v is None else "%.4g %s (n=%s)" % (v, m.get("unit", ""), m.get("n"))


def table(title, served):
    lines = ["", title, ""]
    if not served or "byBatch" not in served:
        return lines + ["not applicable: %s" % (served or {}).get("reason", "no served steps")]
    lines += ["| batch | steps | step ms | kernels | GPU busy % | not on GPU ms | in flight |", "|---|---|---|---|---|---|---|"]
    fmt = lambda v: "n/a" if v is None else "%.3g" % v
    for b in served["byBatch"]:
        lines.append("| %d | %d | %s | %s | %s | %s | %s |" % (b["batch"], b["steps"], fmt(b["stepMs"]), fmt(b["kernels"]),
                                                     fmt(b["busyPct"]), fmt(b["notOnGpuMs"]), fmt(b["inFlight"])))
    return lines + ["", "basis: %s; %d steps, %d before the first scrape" % (served["basis"], served["steps"],
                                                                             served["unmatched"])]


def main():
    out = sys.argv[1]
    lines = []
    for sessions in (1, 8):
        r = load(os.path.join(out, "served-%d.json" % sessions))
        lines.append("### %d session%s" % (sessions, "" if sessions == 1 else "s"))
        if "error" in r:
            lines += ["", "no result: %s (see served-%d.err)" % (r["error"], sessions), ""]
            continue
        lines += table("Server steps by batch, from the kernel recordings (load window):", r.get("served"))
        runs = sorted(glob.glob(os.path.join(out, "runs", "*served-%d*" % sessions)))
        if runs:
            sp = load(os.path.join(runs[-1], "server-profile", "diagnosis.json"))
            lines += table("Server steps by batch, from the server's own profiler trace:", sp.get("served"))
            kw = load(os.path.join(runs[-1], "kernels-window.json"))
            lines += ["", "kernels-window.json: " + json.dumps({k: kw.get(k) for k in ("cut", "from_unix_ns", "to_unix_ns",
                                                                                      "flushed_at_start", "flushed_at_end")})]
            for f in kw.get("recordings", []):
                lines.append("- %s" % json.dumps(f))
        lines += ["", "| metric | value |", "|---|---|"]
        for name in ("served_busy_pct_low_batch", "served_busy_pct_high_batch", "served_batch_low", "served_batch_high",
                     "served_kernels_per_step", "served_long_step_factor", "served_itl_gaps_in_long_steps_pct",
                     "server_profile_cost_pct", "server_profile_cost_p", "load_tpot_ms", "gpu_busy_pct"):
            lines.append("| `%s` | %s |" % (name, value(r, name)))
        found = [(f["rule"], f["severity"]) for f in r.get("findings", []) if f["severity"] in ("warning", "info")]
        lines += ["", "findings: " + (", ".join("%s (%s)" % x for x in found) or "none"), ""]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
