#!/usr/bin/env bash
# The --kernels checks of docs/benchmarks.md, on a machine with an NVIDIA GPU, PyTorch and transformers.
#   bench/kernels-gpu-check.sh JAVA_HOME_DIR OUT_DIR
# 1. injection overhead: the decode loop alternately without and with the library (3 pairs, same session);
# 2. autoglm profile --kernels on the loop: the report (launch-bound expected first) and its JSON;
# 3. torch.profiler on the same loop with CUDA activities only, read by autoglm diagnose: GPU busy share
#    to compare with step 2's (target: within 2 points);
# 4. torch.profiler and the injected library in one process: autoglm must report the conflict as data loss
#    and the process must finish.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${1:?JAVA_HOME_DIR}"
out="${2:?OUT_DIR}"
mkdir -p "$out"
loop=(python3 bench/glm_decode_loop.py --layers 8 --steps 64 --reps 3)
lib="$(mktemp -d)/libautoglm_cupti.so"
unzip -p cli/target/autoglm.jar "autoglm/native/linux-$(uname -m)/libautoglm_cupti.so" > "$lib"
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader | tee "$out/device.txt"
for pair in 1 2 3; do
    echo "== pair $pair without" | tee -a "$out/overhead.txt"
    "${loop[@]}" | tee -a "$out/overhead.txt"
    echo "== pair $pair with" | tee -a "$out/overhead.txt"
    mkdir -p "$out/inject-$pair"
    CUDA_INJECTION64_PATH="$lib" AUTOGLM_CUPTI_DIR="$out/inject-$pair" "${loop[@]}" | tee -a "$out/overhead.txt"
done
./autoglm profile --kernels --name glm8-decode --out "$out/runs" -- "${loop[@]}" > "$out/profile.txt" 2>&1
run="$(ls -d "$out"/runs/*glm8-decode* | head -1)"
./autoglm diagnose --format json "$run" > "$out/profile.json" 2>> "$out/profile.txt"
"${loop[@]}" --torch-profiler cuda "$out/torch-cuda.json" > "$out/torch-cuda.txt" 2>&1
./autoglm diagnose --format json "$out/torch-cuda.json" > "$out/torch-cuda-diagnosis.json" 2>> "$out/torch-cuda.txt"
mkdir -p "$out/conflict"
./autoglm profile --kernels --name conflict --out "$out/conflict" -- "${loop[@]}" --torch-profiler all \
    "$out/conflict/torch.json" > "$out/conflict.txt" 2>&1
echo "exit $?" >> "$out/conflict.txt"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
a = json.load(open(f"{out}/profile.json"))
b = json.load(open(f"{out}/torch-cuda-diagnosis.json"))
print("top finding:", a["findings"][0]["rule"], a["findings"][0]["severity"])
print("gpu busy: --kernels %.2f%%, torch.profiler (CUDA only) %.2f%%" % (
    a["metrics"]["gpu_busy_pct"]["value"], b["metrics"]["gpu_busy_pct"]["value"]))
PY
