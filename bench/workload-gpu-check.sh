#!/usr/bin/env bash
# The profile --model checks of docs/benchmarks.md ("Workload"), on a machine with an NVIDIA GPU and PyTorch.
#   bench/workload-gpu-check.sh JAVA_HOME_DIR OUT_DIR
# 1. GLM-4-9B batch-1 decode, eager, with kernels: launch-bound expected first; --verify re-runs mode=graphs
#    (target: at least 5x fewer ms per token) and reports the share of the roofline floor;
# 2. a mixed-length batch padded to 2048: padding-waste with the padded share; bucketing measured;
# 3. fp32 with TF32 off, with kernels: no-tensor-cores; the bf16 fix measured;
# 4. slow inline pre-processing: dataloader-stall; the prefetch fix measured.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${1:?JAVA_HOME_DIR}"
out="${2:?OUT_DIR}"
mkdir -p "$out"
export AUTOGLM_CACHE_DIR="$out/cache"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/device.txt"
check() {
    local name="$1"; shift
    echo "== $name: autoglm profile $*" | tee "$out/$name.txt"
    ./autoglm profile --out "$out/runs" --name "$name" "$@" --format json -o "$out/$name.json" >> "$out/$name.txt" 2>&1
    echo "exit $?" >> "$out/$name.txt"
    ./autoglm diagnose "$(ls -d "$out"/runs/*-"$name" | head -1)" >> "$out/$name.txt" 2>&1
}
check decode --model glm-4-9b --scenario decode --verify --verify-top 3
check mixed --model glm-4-9b --scenario mixed-lengths --batch 8 --verify --verify-top 2
check fp32 --model glm-4-9b --scenario fp32 --knob layers=4 --verify --verify-top 3
check slow-input --model glm-4-9b --scenario slow-input --knob layers=8 --verify --verify-top 2
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
for name in ("decode", "mixed", "fp32", "slow-input"):
    try:
        d = json.load(open(f"{out}/{name}.json"))
    except (OSError, ValueError) as e:
        print(name, "no JSON:", e)
        continue
    problems = [f for f in d["findings"] if f["severity"] in ("warning", "info")]
    print(f"{name}: findings", [(f["rule"], f["severity"], round(f["gain"]["percent"], 1), f["gain"]["kind"]) for f in problems])
    m = d["metrics"]
    for k in ("ms_per_token", "tokens_per_s", "ttft_ms", "roofline_pct", "roofline_floor_ms", "padded_token_pct",
              "input_wait_pct", "simt_gemm_pct", "gpu_busy_pct", "bandwidth_gbps"):
        if m.get(k, {}).get("value") is not None:
            print(f"  {k} = {m[k]['value']:.4g} (n={m[k]['n']})")
    for v in d["verify"]:
        line = f"  verify {v['rule']} {v['knobs']}: {v['status']}"
        for k, c in v["metrics"].items():
            b, a = c["before"].get("value"), c["after"].get("value")
            if b is not None and a is not None:
                line += f"; {k} {b:.4g} -> {a:.4g} ({c['speedup']:.3g}x)" if c["speedup"] else ""
        print(line, v.get("reason") or "")
PY
