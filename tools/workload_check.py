#!/usr/bin/env python3
"""Independent check of the workload metrics (docs/analyses.md#workload): reads a workload event stream
with plain Python and prints the values WorkloadAnalysis must reproduce, as JSON.

    python3 tools/workload_check.py testdata/workload/X.jsonl > testdata/expected/workload-X.json

The conversation growth (turn_ttft_growth_pct) is given only where its line decides (tools/fit_check.py's judge:
3 turns or more, 4 requests or more, the slope's two-sided p below 0.05); its p wherever the line was fitted.
"""
import json
import statistics
import sys

from fit_check import judge  # the fit and its verdict (docs/analyses.md#fits)


def slope(xs, ys):
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    return 0.0 if sxx == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


def main(path):
    ev = [json.loads(line) for line in open(path) if line.strip()]
    start = next(e for e in ev if e["event"] == "start")
    end = next(e for e in ev if e["event"] == "end")
    steps = [e for e in ev if e["event"] == "step" and not e["warmup"]]
    pre = [s for s in steps if s["phase"] == "prefill"]
    dec = [s for s in steps if s["phase"] == "decode"]
    reqs = [e for e in ev if e["event"] == "request"]
    bw = next(e for e in ev if e["event"] == "bandwidth")["gbps"]
    load = next(e for e in ev if e["event"] == "load")["ms"]
    warm = next(e for e in ev if e["event"] == "warmup")["ms"]
    beams = start["knobs"]["num_beams"]
    padded = sum(s["padded_tokens"] for s in pre)
    real = sum(s["real_tokens"] for s in pre)
    serving_start = pre[0]["t"] - pre[0]["ms"] - pre[0]["input_wait_ms"]
    serving_end = max([s["t"] for s in steps] + [r["t"] for r in reqs])
    serving = serving_end - serving_start
    step = statistics.fmean(s["ms"] for s in dec)
    m = start["model"]
    # the keys the rows really hold (kv_tokens); older streams: the padded key length x rows
    kv_read = statistics.fmean(s["kv_tokens"] if "kv_tokens" in s else s["kv_len"] * s["padded_tokens"] * beams
                               for s in dec)
    floor = (m["weight_bytes"] - m["embedding_bytes"] + m["kv_bytes_per_token"] * kv_read) / (bw * 1e9) * 1000
    out = dict(
        prompt_tokens=real, pad_tokens=padded - real, padded_token_pct=100 * (padded - real) / padded,
        mean_batch=statistics.fmean(s["batch"] for s in pre), mean_queue=statistics.fmean(s["queue"] for s in pre),
        ms_per_token=step, ms_per_token_n=len(dec),
        tokens_per_s=sum(r["output_tokens"] for r in reqs) / (serving / 1000),
        ttft_ms=statistics.fmean(r["ttft_ms"] for r in reqs),
        e2e_ms=statistics.fmean(r["e2e_ms"] for r in reqs),
        decode_waste_pct=100 * (1 - sum(s["real_tokens"] for s in dec) / sum(s["padded_tokens"] * beams for s in dec)),
        roofline_floor_ms=floor, roofline_pct=100 * floor / step,
        cold_start_pct=100 * (load + warm) / end["wall_ms"],
        input_wait_pct=100 * sum(s["input_wait_ms"] for s in pre) / serving,
        prefill_time_pct=100 * sum(s["ms"] for s in pre) / serving,
        decode_time_pct=100 * sum(s["ms"] for s in dec) / serving,
        workload_requests=len(reqs),
        request_prompt_tokens=sum(r["prompt_tokens"] for r in reqs),
        cached_prompt_tokens=sum(s.get("cached", 0) for s in pre),
        prefix_reuse_pct=100 * sum(r.get("cached_tokens", 0) for r in reqs) / sum(r["prompt_tokens"] for r in reqs),
        output_tokens_total=sum(r["output_tokens"] for r in reqs),
        decode_rows=sum(s["padded_tokens"] * beams for s in dec),
        image_tokens=sum(s.get("image_tokens", 0) for s in pre),
        vision_time_pct=100 * sum(s.get("vision_ms", 0) for s in pre) / sum(s["ms"] for s in pre),
    )
    if all("queue_ms" in r for r in reqs):
        out["queue_ms"] = statistics.fmean(r["queue_ms"] for r in reqs)
    turns = [r["turn"] for r in reqs]
    if max(turns) > 0:
        # the model's own time to first token: the wait in the queue left out
        own = [r["ttft_ms"] - r.get("queue_ms", 0) for r in reqs]
        first = statistics.fmean(o for o, r in zip(own, reqs) if r["turn"] == 0)
        fit, _ = judge([float(t) for t in turns], own, 1, None, False)
        if "p" in fit:
            out["turn_ttft_growth_p"] = fit["p"]
        if fit["verdict"] == "applicable":
            # the slope by the plain formula: the same line as the fit's
            out["turn_ttft_growth_pct"] = 100 * slope(turns, own) / first if first > 0 else 0.0
        out["turn_prompt_tokens_last"] = statistics.fmean(r["prompt_tokens"] for r in reqs if r["turn"] == max(turns))
    # per turn (docs/formats.md, the per-turn table): requests, mean prompt tokens, mean and max TTFT, mean e2e
    out["turns"] = [dict(turn=t, requests=len(rt), prompt_tokens_mean=statistics.fmean(r["prompt_tokens"] for r in rt),
                         ttft_ms_mean=statistics.fmean(r["ttft_ms"] for r in rt),
                         ttft_ms_max=max(r["ttft_ms"] for r in rt),
                         e2e_ms_mean=statistics.fmean(r["e2e_ms"] for r in rt))
                    for t in sorted(set(turns)) for rt in [[r for r in reqs if r["turn"] == t]]]
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main(sys.argv[1])
