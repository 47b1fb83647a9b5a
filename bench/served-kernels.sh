#!/usr/bin/env bash
# Issue 20's own GPU items, after bench/gpu-check.sh (docs/benchmarks.md, "The server's own profiler under load"):
# `autoglm load --serve --kernels` against `autoglm serve --model glm-4-9b` with 1 and then 8 agent sessions, each
# with the server's own profiler around 4 requests (--server-profile 4), at most about 5 min.
#
#   bench/served-kernels.sh JAVA_HOME_DIR OUT_DIR
#
# Writes OUT_DIR/served-S.json (the load's result: the served-step table by batch, launch-bound-low-batch,
# prefill-stalls-decode, the profiler's cost), the run folders under OUT_DIR/runs (kernels-window.json, the cut
# recordings, server-profile/diagnosis.json), and OUT_DIR/served.md: the table for docs/benchmarks.md
# (bench/served_kernels_md.py). The JAVA_HOME_DIR runtime is gpu-check.sh's.
#
# Rehearsal without a GPU: MODEL=glm-tiny bench/served-kernels.sh JAVA_HOME_DIR OUT_DIR: the kernel recordings then
# hold no activity (no driver) and say why; the server-profile path runs whole.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${1:?JAVA_HOME_DIR}"
out="${2:?OUT_DIR}"
model=${MODEL:-glm-4-9b}
py=${PYTHON:-python3}
mkdir -p "$out"
export AUTOGLM_CACHE_DIR="$out/cache"
for sessions in 1 8; do
    port=$((8130 + sessions))
    t0=$(date +%s)
    timeout --kill-after=10 150 ./autoglm load "http://127.0.0.1:$port" --sessions "$sessions" --steps 4 \
        --server-profile 4 --kernels --name "served-$sessions" --out "$out/runs" --format json \
        -o "$out/served-$sessions.json" --python "$py" --serve -- autoglm serve --model "$model" --port "$port" \
        > "$out/served-$sessions.out" 2> "$out/served-$sessions.err"
    echo "served-$sessions rc=$? seconds=$(( $(date +%s) - t0 ))" >> "$out/steps.txt"
done
"$py" bench/served_kernels_md.py "$out" > "$out/served.md"
cat "$out/steps.txt" "$out/served.md"
