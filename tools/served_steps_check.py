#!/usr/bin/env python3
"""Independent check of the served steps (docs/analyses.md, "Served steps") of a load run with the server's own
profiler trace (load --server-profile), in plain Python from the run folder's files.

Steps: the ProfilerStep#N annotations of the trace in server-profile/ with the most of them (a last step of zero
duration dropped), on the wall clock with the trace's baseTimeNanoseconds. Batch: the running-requests gauge of the
server's /metrics (server-metrics.csv: a row where a series changed, a series without a row keeping its value; the
first gauge name present, summed over label sets) at the last scrape at or before the step's start, scrape times on
the wall clock with load.json's started_epoch_ms. In flight: the requests of requests.csv sent at or before the step's
start and not ended by then. Per batch: the steps, their median time and median requests in flight.
Long steps: longer than 3x the median of all steps; their median, that over the median step, their share of all step
time. Long gaps: gaps between consecutive token chunks (chunk_ms) of the measured requests that ended ok, longer than
3x the median of all those gaps, lying within the steps' span (first start to last end); of their summed time, the
share during which a long step ran that began beside another request: two requests or more in flight at its start
(by requests.csv, as for the batches) or a running batch of two or more at the last scrape at or before it.
Vision encoder: the user annotations (not ProfilerStep#N) whose name contains "vision" or "visual" (any case), their
time inside each step; over the steps with any, that time's share of theirs, and its median per step.

    python3 tools/served_steps_check.py RUN_FOLDER > served.json
"""
import csv
import glob
import gzip
import json
import os
import re
import statistics
import sys

RUNNING = ("vllm:num_requests_running", "sglang:num_running_reqs", "tgi_batch_current_size",
           "llamacpp:requests_processing")


def load_json(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        return json.load(f)


def span(base, e):
    """Wall-clock start and end in integer ns (a float of about 1.8e18 ns cannot hold single nanoseconds)."""
    start = int(base) + round(float(e["ts"]) * 1000)
    return start, start + round(float(e.get("dur", 0)) * 1000)


def vision_ranges(trace):
    base = trace.get("baseTimeNanoseconds", 0) or 0
    return [span(base, e) for e in trace.get("traceEvents", []) if e.get("ph") == "X"
            and e.get("cat") == "user_annotation"
            and re.search("vision|visual", str(e.get("name", "")), re.I)]


def vision(steps, ranges):
    per = [sum(max(0.0, min(e, b) - max(s, a)) for a, b in ranges) for s, e in steps]
    with_vision = [(p, e - s) for p, (s, e) in zip(per, steps) if p > 0]
    if not with_vision:
        return {"steps": 0}
    return {"steps": len(with_vision), "pct": 100 * sum(p for p, _ in with_vision) / sum(d for _, d in with_vision),
            "median_ms": statistics.median(p / 1e6 for p, _ in with_vision)}


def steps_of(trace):
    base = trace.get("baseTimeNanoseconds", 0) or 0
    steps = sorted((e for e in trace.get("traceEvents", []) if e.get("ph") == "X"
                    and str(e.get("name", "")).startswith("ProfilerStep#")
                    and e.get("cat") != "gpu_user_annotation"), key=lambda e: float(e["ts"]))
    out = [span(base, e) for e in steps]
    if out and out[-1][1] == out[-1][0]:
        out.pop()
    return out


def running_gauge(path):
    """[(t_ms, value)] per scrape, for the first running-gauge name present."""
    rows = list(csv.DictReader(open(path, newline="")))
    for name in RUNNING:
        if not any(r["series"] == name or r["series"].startswith(name + "{") for r in rows):
            continue
        values, out, last_t = {}, [], None
        for r in rows:
            if last_t is not None and r["t_ms"] != last_t and values:
                out.append((float(last_t), sum(values.values())))
            last_t = r["t_ms"]
            if r["series"] == name or r["series"].startswith(name + "{"):
                values[r["series"]] = float(r["value"])
        if values:
            out.append((float(last_t), sum(values.values())))
        return out
    return []


def stalls(steps, run, epoch, beside):
    ms = [(e - s) / 1e6 for s, e in steps]
    median = statistics.median(ms)
    long = [(s, e) for s, e in steps if (e - s) / 1e6 > 3 * median]
    shared = [(s, e) for s, e in long if beside(s)]
    out = {"count": len(long)}
    if not long:
        return out
    long_ms = [(e - s) / 1e6 for s, e in long]
    out["median_ms"] = statistics.median(long_ms)
    out["factor"] = out["median_ms"] / median
    out["time_pct"] = 100 * sum(long_ms) / sum(ms)
    rows = [r for r in csv.DictReader(open(os.path.join(run, "requests.csv"), newline=""))
            if r["warmup"] == "false" and r["status"] == "ok"]
    chunks = [[float(x) for x in r["chunk_ms"].split()] for r in rows]
    gaps = [c[i] - c[i - 1] for c in chunks for i in range(1, len(c))]
    p50 = statistics.median(gaps)
    lo, hi = steps[0][0] / 1e6 - epoch, steps[-1][1] / 1e6 - epoch
    n, total, inside = 0, 0.0, 0.0
    for c in chunks:
        for i in range(1, len(c)):
            if c[i] - c[i - 1] <= 3 * p50 or c[i - 1] < lo or c[i] > hi:
                continue
            n += 1
            a, b = (epoch + c[i - 1]) * 1e6, (epoch + c[i]) * 1e6
            total += b - a
            inside += sum(max(0.0, min(b, e) - max(a, s)) for s, e in shared)
    out["long_gaps"] = n
    out["long_steps_beside"] = len(shared)
    if n:
        out["gaps_in_long_steps_pct"] = 100 * inside / total
    return out


def main():
    run = sys.argv[1]
    traces = [p for p in glob.glob(os.path.join(run, "server-profile", "*.json*"))
              if os.path.basename(p) != "diagnosis.json"]
    best = max(((steps_of(load_json(p)), p) for p in traces), key=lambda x: len(x[0]))
    steps, name = best
    ranges = vision_ranges(load_json(name))
    epoch = json.load(open(os.path.join(run, "load.json")))["settings"]["started_epoch_ms"]
    gauge = running_gauge(os.path.join(run, "server-metrics.csv"))
    requests = [(float(r["sent_ms"]), float(r["end_ms"]) if r["end_ms"] not in ("", "NaN") else float("inf"))
                for r in csv.DictReader(open(os.path.join(run, "requests.csv"), newline="")) if r["sent_ms"] not in ("", "NaN")]
    def batch_at(s):
        at = [v for t, v in gauge if epoch + t <= s / 1e6]
        return at[-1] if at else None

    def flight_at(s):
        ms = s / 1e6 - epoch
        return sum(1 for a, b in requests if a <= ms < b)

    def beside(s):
        b = batch_at(s)
        return flight_at(s) >= 2 or (b is not None and b >= 2)

    by, unmatched = {}, 0
    for s, e in steps:
        b = batch_at(s)
        if b is None:
            unmatched += 1
            continue
        by.setdefault(int(round(b)), []).append(((e - s) / 1e6, flight_at(s)))
    json.dump({"trace": os.path.basename(name), "steps": len(steps), "unmatched": unmatched,
               "long_steps": stalls(steps, run, epoch, beside), "vision": vision(steps, ranges),
               "by_batch": [{"batch": b, "steps": len(v), "step_ms": statistics.median(x[0] for x in v),
                             "in_flight": statistics.median(x[1] for x in v)}
                            for b, v in sorted(by.items())]}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
