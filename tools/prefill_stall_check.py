#!/usr/bin/env python3
"""prefill-interference's gain of a load run, from its requests.csv alone, by docs/analyses.md ("Load runs":
load_ttft_share_pct and load_prefill_stall_pct; "How each rule estimates its gain": prefill-interference) and without
autoglm's code:

    python3 tools/prefill_stall_check.py testdata/load/synthetic-prefill-interference \
        > testdata/expected/prefill-stall-synthetic-prefill-interference.json

Completed requests are the measured ones (warmup false) with status ok. TTFT = first_token_ms - scheduled_ms, E2EL =
end_ms - scheduled_ms. m is the median of every gap between consecutive token chunks (chunk_ms) of the completed
requests, linear between closest ranks (R-7). A gap (a, b] is long when b - a > 3 m, and a prefill stall when it is long
and some completed request's first token time t has a + m/2 < t <= b + m/2 (the window moved by half the median gap:
the stalled request's next chunk and the other request's first token leave the server in the same step and reach the
client in either order). stalls_in_prefill_pct is the prefill stalls over the long gaps; the gain is min(stall
share, 100 - TTFT share), both as shares of the summed E2EL.
"""
import csv
import json
import sys


def median(values):
    v = sorted(values)
    h = (len(v) - 1) * 0.5
    lo = int(h)
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (h - lo) * (v[hi] - v[lo])


def main(folder):
    rows = []
    with open(folder + "/requests.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["warmup"] == "true" or r["status"] != "ok":
                continue
            chunks = [float(x) for x in r["chunk_ms"].split()]
            rows.append({"scheduled": float(r["scheduled_ms"]), "first": float(r["first_token_ms"]),
                         "end": float(r["end_ms"]), "chunks": chunks})
    e2el = sum(r["end"] - r["scheduled"] for r in rows)
    ttft = sum(r["first"] - r["scheduled"] for r in rows)
    gaps = [b - a for r in rows for a, b in zip(r["chunks"], r["chunks"][1:])]
    m = median(gaps)
    firsts = [r["first"] for r in rows]
    long_gaps = 0
    stalls = 0
    excess = 0.0
    for r in rows:
        for a, b in zip(r["chunks"], r["chunks"][1:]):
            if b - a <= 3 * m:
                continue
            long_gaps += 1
            if any(a + m / 2 < t <= b + m / 2 for t in firsts):
                stalls += 1
                excess += (b - a) - m
    ttft_share = 100 * ttft / e2el
    stall_share = 100 * excess / e2el
    out = {"requests": len(rows), "gaps": len(gaps), "median_gap_ms": m, "long_gaps": long_gaps, "prefill_stalls": stalls,
           "stalls_in_prefill_pct": 100 * stalls / long_gaps if long_gaps else None,
           "stall_excess_ms": excess, "e2el_sum_ms": e2el, "ttft_share_pct": ttft_share,
           "prefill_stall_pct": stall_share, "gain_pct": min(stall_share, 100 - ttft_share)}
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
