#!/usr/bin/env python3
"""HTA's own figures for traces, to hold autoglm to (docs/analyses.md#hta): temporal breakdown (idle, compute,
non-compute shares of the GPU's kernel time), idle-time breakdown (host wait, kernel wait, other, summed over the
streams), kernel launch statistics (median launch delay; short kernels, calls up to 50 us) and, for traces with NCCL
kernels, the communication/computation overlap.

Runs Holistic Trace Analysis from ../shared/peers/hta (its README says how) with its rounding of nanosecond
timestamps to whole microseconds turned off (HTA_DISABLE_NS_ROUNDING=1) and its last profiler step kept
(include_last_profiler_step=True): HTA's window is then every ProfilerStep, or the whole trace without them. HTA's
consecutive_kernel_delay is passed as 30, which HTA compares with microseconds (30 us).

    HTA=../shared/peers/hta /usr/bin/python3 tools/hta_figures.py TRACE.json.gz ...   (JSON on stdout)
"""
import json
import os
import shutil
import sys
import tempfile

os.environ["HTA_DISABLE_NS_ROUNDING"] = "1"
sys.path.insert(0, os.environ.get("HTA", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "peers", "hta")))

import logging  # noqa: E402

logging.disable(logging.WARNING)

from hta.trace_analysis import TraceAnalysis  # noqa: E402


def figures(path):
    with tempfile.TemporaryDirectory() as d:
        shutil.copy(path, os.path.join(d, os.path.basename(path)))
        a = TraceAnalysis(trace_dir=d, include_last_profiler_step=True)
        t = a.get_temporal_breakdown(visualize=False).iloc[0]
        # from HTA's times, not its *_pctg columns, which it rounds to two decimals
        kernel = float(t["kernel_time(us)"])
        out = {
            "idle_time_pctg": 100.0 * float(t["idle_time(us)"]) / kernel,
            "compute_time_pctg": 100.0 * float(t["compute_time(us)"]) / kernel,
            "non_compute_time_pctg": 100.0 * float(t["non_compute_time(us)"]) / kernel,
        }
        idle, _ = a.get_idle_time_breakdown(ranks=[int(t["rank"])], visualize=False, consecutive_kernel_delay=30)
        by = idle.groupby("idle_category")["idle_time"].sum()
        total = float(by.sum())
        for cat in ("host_wait", "kernel_wait", "other"):
            out[cat + "_pctg"] = 100.0 * float(by.get(cat, 0.0)) / total if total else None
        launches = a.get_cuda_kernel_launch_stats(ranks=[int(t["rank"])], visualize=False)[int(t["rank"])]
        if len(launches):
            # HTA's launch statistics: per event launch_delay (us, clipped at 0), cpu_duration, gpu_duration
            out["launch_delay_median_us"] = float(launches["launch_delay"].median())
            short = (launches["cpu_duration"] <= 50) & (launches["gpu_duration"] < launches["cpu_duration"])
            out["short_kernel_pctg"] = 100.0 * float(short.sum()) / len(launches)
        if any("nccl" in str(n).lower() for n in a.t.symbol_table.sym_table):
            o = a.get_comm_comp_overlap(visualize=False).iloc[0]
            out["comp_comm_overlap_pctg"] = float(o["comp_comm_overlap_pctg"])
        return out


def main(paths):
    out = {os.path.basename(p): figures(p) for p in paths}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
