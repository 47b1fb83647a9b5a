#!/usr/bin/env python3
"""Independent figures for PrometheusTest: the text exposition format and two PromQL functions, from their
definitions in Prometheus's documentation (exposition_formats; querying/functions: histogram_quantile, increase).

    python3 tools/prometheus_check.py testdata/prometheus/exposition-example.txt > testdata/expected/prometheus.json
    python3 tools/prometheus_check.py PAGE HISTOGRAM > ...   (quantiles of another histogram's buckets)

A line that is neither a comment nor a whole sample (name, labels read to their closing brace, a value) is
malformed: counted, and left out.

histogram_quantile: linear interpolation inside the bucket where the rank q x count falls, the lowest bucket's
lower bound taken as 0; a rank in the +Inf bucket returns the upper bound of the second-highest bucket.
increase: the sum of rises between consecutive samples; a fall is a counter reset, so the new value is all rise.
"""
import json
import re
import sys

SAMPLE = re.compile(r'^([A-Za-z_:][A-Za-z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+(-?\d+))?\s*$')


def labels(text):
    out, i = {}, 0
    while i < len(text):
        m = re.match(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"', text[i:])
        if not m:
            break
        i += m.end()
        v = ""
        while text[i] != '"':
            if text[i] == "\\":
                i += 1
                v += "\n" if text[i] == "n" else text[i]
            else:
                v += text[i]
            i += 1
        out[m.group(1)] = v
        i += 1
        m = re.match(r'\s*,?', text[i:])
        i += m.end()
    return out if i >= len(text) else None


def number(s):
    return {"nan": float("nan"), "+inf": float("inf"), "inf": float("inf"), "-inf": float("-inf")}.get(
        s.lower(), None) if s.lower() in ("nan", "+inf", "inf", "-inf") else float(s)


def quantile(q, buckets):
    buckets = sorted(buckets)
    if not buckets or buckets[-1][0] != float("inf"):
        return None  # Prometheus answers NaN for a histogram without its +Inf bucket
    total = buckets[-1][1]
    rank = q * total
    for i, (le, c) in enumerate(buckets):
        if c >= rank:
            if i == len(buckets) - 1:
                return buckets[-2][0]
            lo, below = (0.0, 0.0) if i == 0 else buckets[i - 1]
            return lo + (le - lo) * (rank - below) / (c - below)


def increase(values):
    return sum(b - a if b >= a else b for a, b in zip(values, values[1:]))


def main(path, histogram="http_request_duration_seconds"):
    samples = []
    malformed = 0
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line.strip() or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        parsed = None if m is None else labels(m.group(3) or "")
        if parsed is None:
            malformed += 1
            continue
        samples.append({"name": m.group(1), "labels": parsed, "value": str(number(m.group(4))),
                        "timestamp": int(m.group(6)) if m.group(6) else None})
    buckets = {}
    for s in samples:
        if s["name"] == histogram + "_bucket":
            le = number(s["labels"]["le"])
            buckets[le] = buckets.get(le, 0.0) + number(s["value"])
    out = {
        "samples": samples,
        "malformed": malformed,
        "quantiles": {str(q): quantile(q, list(buckets.items())) for q in (0.1, 0.5, 0.9, 0.95, 0.99)},
        "increase": {"series": [5, 9, 12, 2, 7, 7, 30], "value": increase([5, 9, 12, 2, 7, 7, 30])},
    }
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    main(*sys.argv[1:])
