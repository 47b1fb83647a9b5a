#!/usr/bin/env python3
"""Turns the outputs of bench/gpu-check.sh into one results file: JSON lines, the first the run's header
({"device", "commit", "date", "seconds"}), then one per item of docs/benchmarks.md ({"id", "item", "status",
"figures", "command", "why"}). status: pass, fail (the figures say what), skipped (out of time, or a step that
did not run: "why" says which).

    python3 bench/gpu_check_eval.py OUT_DIR > OUT_DIR/gpu-check.jsonl
"""
import datetime
import json
import os
import re
import statistics
import sys

OUT = sys.argv[1] if len(sys.argv) == 2 else sys.exit(__doc__)


def read(name):
    try:
        with open(os.path.join(OUT, name), errors="replace") as f:
            return f.read()
    except OSError:
        return ""


def steps():
    out = {}
    for line in read("steps.tsv").splitlines():
        p = line.split("\t")
        if len(p) >= 5:
            out[p[0]] = {"rc": p[1], "why": p[2], "ms": int(p[3] or 0), "command": p[4]}
    return out


STEPS = steps()


def report(name):
    try:
        with open(os.path.join(OUT, name + ".json")) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def value(rep, metric):
    m = (rep or {}).get("metrics", {}).get(metric) or {}
    return m.get("value")


def finding(rep, rule):
    for f in (rep or {}).get("findings", []):
        if f["rule"] == rule:
            return f
    return None


def top(rep):
    fs = [f for f in (rep or {}).get("findings", []) if f["severity"] in ("warning", "info")]
    return fs[0] if fs else None


def item(id_, text, steps_used, check):
    """check() -> (passed, figures); a step that did not run makes the item skipped (or failed on a crash)."""
    for s in steps_used:
        st = STEPS.get(s)
        if st is None:
            return {"id": id_, "item": text, "status": "skipped", "why": f"step {s} did not run", "figures": {},
                    "command": ""}
        if st["rc"] == "skipped":
            return {"id": id_, "item": text, "status": "skipped", "why": f"{s}: {st['why']}", "figures": {},
                    "command": st["command"]}
    cmd = "; ".join(STEPS[s]["command"] for s in steps_used)
    try:
        ok, figures = check()
    except Exception as e:  # a missing field means the step's output was not what autoglm writes
        ok, figures = False, {"error": f"{type(e).__name__}: {e}"}
    for s in steps_used:
        figures.setdefault("exit codes", {})[s] = STEPS[s]["rc"]
        figures.setdefault("seconds", {})[s] = round(STEPS[s]["ms"] / 1000, 1)
    why = "" if ok else "; ".join(last_words(s) for s in steps_used if last_words(s))[:300]
    return {"id": id_, "item": text, "status": "pass" if ok else "fail", "why": why, "figures": figures,
            "command": cmd}


def last_words(step):
    """The last line of a step's stderr that says something (not autoglm's "wrote" and "run kept" notes)."""
    lines = [l for l in read(step + ".err").strip().splitlines()
             if l.strip() and not l.startswith(("autoglm: wrote", "autoglm: run kept"))]
    return lines[-1].strip() if lines else ""


def doctor():
    d = read("doctor.out")
    gpus = re.findall(r"GPU \d+\s+(.*)", d)
    gpm = "GPM: supported" in d
    return bool(gpus) and gpm, {"gpus": gpus, "gpm supported": gpm,
                                "nvml": (re.findall(r"NVML\s+(.*)", d) or [""])[0]}


def matmul():
    r = report("matmul")
    u, t, sm = value(r, "gpu_util_pct"), value(r, "tensor_active_pct"), value(r, "sm_active_pct")
    under = finding(r, "gpu-underutilized")
    ok = u is not None and u > 90 and t is not None and t > 50 and under and under["severity"] not in ("warning", "info")
    return ok, {"gpu_util_pct": u, "sm_active_pct": sm, "tensor_active_pct": t,
                "gpu_mem_total_bytes": value(r, "gpu_mem_total_bytes"), "sm_clock_mhz": value(r, "sm_clock_mhz"),
                "sm_clock_max_mhz": value(r, "sm_clock_max_mhz"), "power_w": value(r, "power_w"),
                "pcie_link_gbps": value(r, "pcie_link_gbps"), "clock_reasons": (r or {}).get("metrics", {}).get(
                    "clock_reasons", {}).get("text"),
                "gpu-underutilized": under and under["severity"], "top finding": top(r) and top(r)["rule"]}


def layouts():
    """The structs read from the live driver give plausible values: memory total = nvidia-smi's, clocks and PCIe set."""
    r = report("matmul")
    total = value(r, "gpu_mem_total_bytes")
    smi = re.findall(r"(\d+) MiB", read("device.txt"))
    smi_bytes = int(smi[0]) * 2**20 if smi else None
    ok = total is not None and smi_bytes is not None and abs(total - smi_bytes) <= 64 * 2**20 \
        and (value(r, "sm_clock_mhz") or 0) > 0 and (value(r, "pcie_link_gbps") or 0) > 0
    return ok, {"gpu_mem_total_bytes": total, "nvidia-smi memory.total bytes": smi_bytes,
                "sm_clock_mhz": value(r, "sm_clock_mhz"), "pcie_link_gbps": value(r, "pcie_link_gbps")}


def sleepy():
    r = report("sleepy")
    under = finding(r, "gpu-underutilized")
    return bool(under) and under["severity"] == "warning", {
        "gpu_util_pct": value(r, "gpu_util_pct"), "gpu-underutilized": under and under["severity"],
        "top finding": top(r) and top(r)["rule"]}


def idle():
    r = report("idle")
    t, sm = value(r, "tensor_active_pct"), value(r, "sm_active_pct")
    return t is not None and t < 1, {"tensor_active_pct": t, "sm_active_pct": sm,
                                     "gpu_util_pct": value(r, "gpu_util_pct")}


def kernels_top():
    r = report("kernels")
    t = top(r)
    return bool(t) and t["rule"] == "launch-bound", {"top finding": t and t["rule"], "severity": t and t["severity"],
                                                    "gpu_busy_pct": value(r, "gpu_busy_pct"),
                                                    "kernels_per_step": value(r, "kernels_per_step")}


def busy_agreement():
    a, b = value(report("kernels"), "gpu_busy_pct"), value(report("torch-cuda"), "gpu_busy_pct")
    return a is not None and b is not None and abs(a - b) <= 2, {"--kernels gpu_busy_pct": a,
                                                                  "torch.profiler gpu_busy_pct": b}


def ms_per_token(name):
    vals = [json.loads(l)["ms_per_token"] for l in read(name + ".out").splitlines() if l.startswith("{")]
    return vals


def overhead():
    plain, inj = ms_per_token("loop-plain"), ms_per_token("loop-injected")
    if not plain or not inj:
        return False, {"plain ms/token": plain, "injected ms/token": inj}
    # the last repetition of each (the first warms up)
    pct = 100 * (inj[-1] / plain[-1] - 1)
    return pct <= 3, {"plain ms/token": plain, "injected ms/token": inj, "overhead pct (last rep)": round(pct, 2)}


def conflict():
    r = report("conflict")
    loss = json.dumps((r or {}).get("dataLoss", {}))
    finished = STEPS["conflict"]["rc"] in ("0", "1")
    return finished and ("profiler" in loss.lower() or "cupti" in loss.lower()), {
        "exit": STEPS["conflict"]["rc"], "dataLoss mentions the conflict": "profiler" in loss.lower()}


def verify_figures(r):
    out = []
    for v in (r or {}).get("verify", []):
        row = {"rule": v["rule"], "knobs": v["knobs"], "status": v["status"]}
        for k, c in v.get("metrics", {}).items():
            b, a = (c.get("before") or {}).get("value"), (c.get("after") or {}).get("value")
            if b is not None and a is not None:
                row[k] = [b, a]
        out.append(row)
    return out


def decode():
    r = report("decode")
    t = top(r)
    return bool(t) and t["rule"] == "launch-bound", {
        "top finding": t and t["rule"], "ms_per_token": value(r, "ms_per_token"),
        "roofline_pct": value(r, "roofline_pct"), "roofline_floor_ms": value(r, "roofline_floor_ms"),
        "bandwidth_gbps": value(r, "bandwidth_gbps")}


def graphs():
    r = report("decode")
    for v in verify_figures(r):
        if v["knobs"].get("mode") == "graphs" and v["status"] == "measured" and "ms_per_token" in v:
            b, a = v["ms_per_token"]
            floor = (v.get("roofline_pct") or [None, None])[1]
            return b / a >= 8 and floor is not None and floor >= 70, {
                "ms_per_token before (median of 3)": b, "after": a, "speedup": round(b / a, 2),
                "roofline_pct after": floor, "target": "at least 8x and 70% of the floor"}
    return False, {"verify": verify_figures(r)}


def agent():
    r = report("agent")
    prefix = [v for v in (r or {}).get("verify", []) if v["knobs"].get("prefix_cache") == "on"]
    figures = {"ttft_ms": value(r, "ttft_ms"),
               "turn_ttft_growth_pct": value(r, "turn_ttft_growth_pct"), "image_tokens": value(r, "image_tokens"),
               "vision_time_pct": value(r, "vision_time_pct"), "tokens_per_s": value(r, "tokens_per_s")}
    if not prefix or prefix[0]["status"] != "measured":
        return False, dict(figures, verify=verify_figures(r))
    m = prefix[0]["metrics"]
    pick = lambda k: {s: (m.get(k, {}).get(s) or {}).get("value") for s in ("before", "after")}
    return True, dict(figures, runs=prefix[0].get("runs"), ttft=pick("ttft_ms"), tokens_per_s=pick("tokens_per_s"),
                      prompt_tokens_computed=pick("prompt_tokens"), output_tokens=pick("output_tokens_total"),
                      welch_p_ttft=m.get("ttft_ms", {}).get("welchP"))


def html():
    runs = os.path.join(OUT, "runs")
    folders = [f for f in (os.listdir(runs) if os.path.isdir(runs) else []) if re.fullmatch(r"[0-9T-]+-decode", f)]
    text = read(os.path.join("runs", folders[0], "report.html")) if folders else ""
    charts = text.count("<svg")
    return charts >= 3, {"run": folders[:1], "svg charts": charts, "bytes": len(text)}


def sampler():
    lines = [l for l in read("overhead.out").splitlines() if "sampler CPU" in l]
    nvml = all("NVML on" in l for l in lines) and len(lines) == 2
    return nvml, {"lines": lines}


def scenario(name, rule, knob):
    def check():
        r = report(name)
        f = finding(r, rule)
        measured = [v for v in verify_figures(r) if v["knobs"].get(knob[0]) == knob[1]]
        ok = bool(f) and f["severity"] in ("warning", "info") and bool(measured) and measured[0]["status"] == "measured"
        return ok, {rule: f and f["severity"], "gain": f and f["gain"], "verify": measured}
    return check


def load_serve():
    r = report("load-serve")
    prefix = [v for v in verify_figures(r) if v["knobs"].get("prefix_cache") == "on"]
    gpu = value(r, "gpu_util_pct")
    ok = bool(prefix) and prefix[0]["status"] == "measured" and gpu is not None
    return ok, {"top finding": (top(r) or {}).get("rule"), "gpu_util_pct": gpu,
                "ttft_ms": value(r, "load_ttft_ms"), "e2el_ms": value(r, "load_e2el_ms"),
                "turn_ttft_growth_pct": value(r, "turn_ttft_growth_pct"), "verify": prefix}


def prometheus():
    """The pages scraped during `profile --prometheus-port`: every GPU utilization served is one of gpu.csv's, GPM
    ratios were served, and the findings' scores after the diagnosis."""
    pages_dir = os.path.join(OUT, "scrapes")
    pages = sorted(os.listdir(pages_dir)) if os.path.isdir(pages_dir) else []
    served, gpm, scores = [], 0, set()
    for p in pages:
        with open(os.path.join(pages_dir, p), errors="replace") as f:
            for line in f:
                if line.startswith("autoglm_gpu_utilization_ratio{"):
                    served.append(float(line.rsplit(" ", 1)[1]))
                elif line.startswith("autoglm_gpu_sm_active_ratio{"):
                    gpm += 1
                elif line.startswith("autoglm_rule_score{"):
                    scores.add(re.search(r'rule="([^"]*)"', line).group(1))
    runs = os.path.join(OUT, "runs")
    folder = sorted(d for d in os.listdir(runs) if d.startswith("prom")) if os.path.isdir(runs) else []
    kept = set()
    if folder:
        rows = read(os.path.join("runs", folder[-1], "gpu.csv")).splitlines()
        col = rows[0].split(",").index("util_pct")
        kept = {float(r.split(",")[col]) / 100 for r in rows[1:] if r.split(",")[col]}
    foreign = [v for v in served if v not in kept]
    ok = len(pages) >= 3 and bool(served) and not foreign and gpm > 0 and bool(scores)
    return ok, {"pages": len(pages), "utilization values served": len(served), "not in gpu.csv": foreign[:5],
                "GPM lines": gpm, "rules scored": len(scores)}


ITEMS = [
    ("doctor", "`autoglm doctor` lists the H100, driver and GPM support", ["doctor"], doctor),
    ("matmul", "`profile` of a loop of large bf16 matmuls: high utilization and tensor activity, no gpu-underutilized",
     ["matmul"], matmul),
    ("sleepy", "`profile` of a loop sleeping on the host between small kernels: gpu-underutilized at warning level",
     ["sleepy"], sleepy),
    ("idle", "GPM values present and plausible, tensor activity near zero while idle", ["idle"], idle),
    ("layouts", "the struct layouts against a live driver (memory total as nvidia-smi's, clocks, PCIe link)",
     ["matmul"], layouts),
    ("sampler", "sampler overhead with NVML and GPM at 100 ms and 10 ms", ["overhead"], sampler),
    ("kernels-top", "eager GLM decode loop (8 layers, batch 1) under `profile --kernels`: launch-bound first",
     ["kernels"], kernels_top),
    ("kernels-busy", "GPU busy share within 2 points of torch.profiler's (CUDA activities only) for the same loop",
     ["kernels", "torch-cuda", "torch-cuda-diagnose"], busy_agreement),
    ("kernels-overhead", "injection overhead on that loop: ms per token with and without the library, at most 3%",
     ["loop-plain", "loop-injected"], overhead),
    ("kernels-conflict", "torch.profiler and the library in one process: no crash, the conflict reported as data loss",
     ["conflict"], conflict),
    ("decode", "GLM-4-9B batch-1 decode, eager: ms per token, launch-bound first", ["decode"], decode),
    ("graphs", "`--verify` mode=graphs (3 runs a side): at least 8x fewer ms per token and at least 70% of the "
     "memory-bandwidth floor", ["decode"], graphs),
    ("agent", "AutoGLM-Phone-9B agent scenario (4 phones x 4 steps, 1080x2400 screenshots): prefix_cache off, and "
     "`--verify` of prefix_cache=on, 3 runs a side", ["agent"], agent),
    ("html", "`report.html` of a live run with its NVML, GPM and workload charts", ["decode"], html),
    ("mixed", "mixed-length batch of 8: padding-waste, `padding=longest` and `padding=bucketed` measured apart",
     ["mixed"], scenario("mixed", "padding-waste", ("padding", "bucketed"))),
    ("fp32", "fp32 with TF32 off: no-tensor-cores, `dtype=bf16` measured", ["fp32"],
     scenario("fp32", "no-tensor-cores", ("dtype", "bf16"))),
    ("slow-input", "slow inline pre-processing: dataloader-stall, `pipeline=prefetch` measured", ["slow-input"],
     scenario("slow-input", "dataloader-stall", ("pipeline", "prefetch"))),
    ("load-serve", "`autoglm serve --model glm-4-9b` under 4 agent sessions with NVML samples, `--verify` of the "
     "prefix cache measured", ["load-serve"], load_serve),
    ("prometheus", "the Prometheus endpoint during `profile --model` (decode), scraped every 500 ms: GPU values as "
     "gpu.csv keeps them, GPM series, then the findings", ["prometheus"], prometheus),
]

print(json.dumps({"device": read("device.txt").strip(), "commit": read("commit.txt").strip(),
                  "date": datetime.date.today().isoformat(), "seconds": read("seconds.txt").strip()}))
for id_, text, used, check in ITEMS:
    print(json.dumps(item(id_, text, used, check)))
