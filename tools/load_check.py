#!/usr/bin/env python3
"""Load-run figures computed from a run folder's own files, by the definitions in docs/analyses.md ("Load runs",
"Server metrics") and vLLM's bench serve, without autoglm's code: what `autoglm diagnose RUN --format vllm-bench`
and the load metrics must say.

    python3 tools/load_check.py testdata/load/agent-glm-tiny > testdata/expected/load-agent-glm-tiny.json

Latencies count from the scheduled send (closed loop: the send itself). Quantiles are linear between closest ranks
(numpy's default, R-7); std is the sample one, pstd the population one (numpy's np.std, which vLLM prints).
"""
import csv
import json
import math
import re
import sys


def quantile(sorted_values, q):
    n = len(sorted_values)
    h = (n - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, n - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


def stats(values):
    v = sorted(x for x in values if x is not None)
    n = len(v)
    if n == 0:
        return {"n": 0}
    mean = sum(v) / n
    out = {"n": n, "mean": mean, "median": quantile(v, 0.5), "p90": quantile(v, 0.9), "p95": quantile(v, 0.95),
           "p99": quantile(v, 0.99), "pstd": math.sqrt(sum((x - mean) ** 2 for x in v) / n)}
    out["std"] = math.sqrt(sum((x - mean) ** 2 for x in v) / (n - 1)) if n > 1 else None
    return out


def num(s):
    return None if s == "" else float(s)


def requests(folder):
    rows = []
    with open(folder + "/requests.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["warmup"] == "true":
                continue
            # chunk_ms: every chunk with a non-empty choices (vLLM's bench serve times them all, the role chunk
            # first); a run folder from before first_text_ms and text_chunks has only the chunks that carried text
            # there, so its first text is its first chunk and its text chunks are all of them (docs/formats.md)
            chunks = [float(x) for x in r["chunk_ms"].split()] if r["chunk_ms"].strip() else []
            completion = num(r["completion_tokens"])
            texts = int(r["text_chunks"]) if "text_chunks" in r else len(chunks)
            first_text = num(r["first_text_ms"]) if "first_text_ms" in r else (chunks[0] if chunks else None)
            rows.append(dict(ok=r["status"] == "ok", scheduled=float(r["scheduled_ms"]), sent=num(r["sent_ms"]),
                             first=chunks[0] if chunks else None, end=chunks[-1] if chunks else None, chunks=chunks,
                             first_text=first_text, out=completion if completion is not None else texts,
                             prompt=num(r["prompt_tokens"]), prompt_est=num(r["prompt_tokens_est"]),
                             step=int(r["step"])))
    return rows


def series(folder):
    """first and last scrape of every series: {key: (first, last)} (counters here never reset)."""
    first, last = {}, {}
    with open(folder + "/server-metrics.csv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            first.setdefault(r["series"], float(r["value"]))
            last[r["series"]] = float(r["value"])
    return {k: (first[k], last[k]) for k in first}


def delta(s, name):
    total = 0.0
    found = False
    for k, (a, b) in s.items():
        if re.fullmatch(re.escape(name) + r"(\{.*\})?", k):
            total += b - a
            found = True
    return total if found else None


def main(folder):
    load = json.load(open(folder + "/load.json", encoding="utf-8"))
    slo = load["settings"]["slo_ms"]
    rs = requests(folder)
    ok = [r for r in rs if r["ok"]]
    start = min(r["scheduled"] for r in rs)
    end = max(r["end"] if r["end"] is not None else r["sent"] for r in rs)
    duration_s = (end - start) / 1000
    ttft = [r["first"] - r["scheduled"] for r in ok]
    first_text = [r["first_text"] - r["scheduled"] for r in ok]
    e2el = [r["end"] - r["scheduled"] for r in ok]
    tpot = [(r["end"] - r["first"]) / (r["out"] - 1) for r in ok if r["out"] > 1]
    itl = [b - a for r in ok for a, b in zip(r["chunks"], r["chunks"][1:])]
    server_counts = all(r["prompt"] is not None for r in ok)
    tokens_in = sum(r["prompt"] if server_counts else r["prompt_est"] for r in ok)
    tokens_out = sum(r["out"] for r in ok)

    def meets(r):
        t = r["first"] - r["scheduled"]
        e = r["end"] - r["scheduled"]
        p = (r["end"] - r["first"]) / (r["out"] - 1) if r["out"] > 1 else None
        return ((slo["ttft"] is None or t <= slo["ttft"]) and (slo["tpot"] is None or p is None or p <= slo["tpot"])
                and (slo["e2el"] is None or e <= slo["e2el"]))

    out = {"completed": len(ok), "measured": len(rs), "duration_s": duration_s,
           "request_throughput": len(ok) / duration_s, "output_throughput": tokens_out / duration_s,
           "total_token_throughput": (tokens_in + tokens_out) / duration_s, "total_input_tokens": tokens_in,
           "total_output_tokens": tokens_out, "ttft_ms": stats(ttft), "first_text_ms": stats(first_text),
           "tpot_ms": stats(tpot), "itl_ms": stats(itl),
           "e2el_ms": stats(e2el)}
    if any(v is not None for v in slo.values()):
        good = sum(1 for r in ok if meets(r))
        out["goodput"] = good / duration_s
        out["goodput_pct"] = 100 * good / len(ok)
    steps = {}
    for r in ok:
        if r["step"] > 0:
            steps.setdefault(r["step"], []).append(r["first"] - r["scheduled"])
    if len(steps) >= 2 and 1 in steps:
        xs = [s for s, v in steps.items() for _ in v]
        ys = [t for s, v in steps.items() for t in v]
        mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
        slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sum((x - mx) ** 2 for x in xs)
        first = sum(steps[1]) / len(steps[1])
        out["ttft_by_step_ms"] = {str(s): sum(v) / len(v) for s, v in sorted(steps.items())}
        out["step_ttft_slope_ms"] = slope
        out["turn_ttft_growth_pct"] = 100 * slope / first
    s = series(folder)
    server = {}
    for name, key in (("ttft_ms", "vllm:time_to_first_token_seconds"), ("e2el_ms", "vllm:e2e_request_latency_seconds"),
                      ("queue_ms", "vllm:request_queue_time_seconds")):
        count = delta(s, key + "_count")
        if count:
            server[name] = 1000 * delta(s, key + "_sum") / count
            server[name + "_n"] = count
    queries = delta(s, "vllm:prefix_cache_queries_total")
    if queries:
        server["prefix_hit_pct"] = 100 * delta(s, "vllm:prefix_cache_hits_total") / queries
    out["server"] = server
    json.dump(out, sys.stdout, indent=2, sort_keys=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
