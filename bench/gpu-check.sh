#!/usr/bin/env bash
# Every item of docs/benchmarks.md still "not yet verified on a GPU", in one run on a GPU machine (at most 9 min).
#
#   bench/gpu-check.sh JAVA_HOME_DIR OUT_DIR
#
# JAVA_HOME_DIR: a Java runtime with java.desktop (the charts), small enough to travel with the jar:
#   MODULES=java.base,java.logging,java.sql,java.xml,java.management,jdk.unsupported,jdk.zipfs,java.desktop,java.net.http,jdk.httpserver \
#       ../shared/device/make-runtime.sh .device-runtime        (45.3 MiB; with cli/target/autoglm.jar 63.6 MiB)
# Runs each check with its own time limit, in order of importance, and starts no check that would not finish
# before BUDGET seconds (default 500); what it skipped is written down as skipped. Every command's output is kept
# in OUT_DIR, and bench/gpu_check_eval.py turns them into OUT_DIR/gpu-check.jsonl: one line per item with its
# status (pass, fail, skipped), measured figures and command. bench/gpu_check_md.py turns that file into the GPU
# section of docs/benchmarks.md.
#
# Rehearsal without a GPU: MODEL=glm-tiny DEVICE=cpu bench/gpu-check.sh JAVA_HOME_DIR OUT_DIR runs the same
# plumbing; the GPU items then fail or are skipped, and say why.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export JAVA_HOME="${1:?JAVA_HOME_DIR}"
out="${2:?OUT_DIR}"
budget=${BUDGET:-500}
model=${MODEL:-glm-4-9b}
phone=${PHONE:-autoglm-phone-9b}
# extra knobs for the phone agent step (the rehearsal on a CPU shrinks the screenshot: PHONE_KNOBS="--knob max_pixels=200704")
read -r -a phone_knobs <<< "${PHONE_KNOBS:-}"
py=${PYTHON:-python3}
mkdir -p "$out"
for module in java.desktop java.net.http; do
    if ! "$JAVA_HOME/bin/java" --list-modules 2>/dev/null | grep -q "^$module@"; then
        echo "gpu-check: $JAVA_HOME has no $module (the charts need java.desktop, autoglm load java.net.http): build the runtime as above" >&2
        exit 2
    fi
done
export AUTOGLM_CACHE_DIR="$out/cache"
start=$(date +%s)
: > "$out/steps.tsv"

# run NAME LIMIT_S COMMAND...: runs it if the budget allows, keeps its output, notes its exit and seconds
run() {
    local name="$1" limit="$2"; shift 2
    local now; now=$(date +%s)
    if (( now - start + limit > budget )); then
        printf '%s\tskipped\t%s\t0\t%s\n' "$name" "out of time: $((now - start)) s used of $budget" "$*" >> "$out/steps.tsv"
        return
    fi
    local t0; t0=$(date +%s%N)
    timeout --kill-after=10 "$limit" "$@" > "$out/$name.out" 2> "$out/$name.err"
    local rc=$?
    printf '%s\t%s\t\t%s\t%s\n' "$name" "$rc" "$(( ($(date +%s%N) - t0) / 1000000 ))" "$*" >> "$out/steps.tsv"
}

{ nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 || echo "no nvidia-smi"; } > "$out/device.txt"
git rev-parse --short HEAD > "$out/commit.txt" 2>/dev/null || echo unknown > "$out/commit.txt"
lib="$out/libautoglm_cupti.so"
unzip -p cli/target/autoglm.jar "autoglm/native/linux-$(uname -m)/libautoglm_cupti.so" > "$lib" 2>/dev/null
loop=("$py" bench/glm_decode_loop.py --layers 8 --steps 64 --reps 2)

# 1. doctor: the GPU, its driver, GPM support
run doctor 30 ./autoglm doctor
# 2-4. NVML and GPM on known loads (the struct layouts read against the live driver: memory, clocks, PCIe, GPM)
run matmul 60 ./autoglm profile --name matmul --out "$out/runs" --format json -o "$out/matmul.json" -- "$py" bench/gpu_loads.py matmul 15
run sleepy 50 ./autoglm profile --name sleepy --out "$out/runs" --format json -o "$out/sleepy.json" -- "$py" bench/gpu_loads.py sleepy 10
run idle 40 ./autoglm profile --name idle --out "$out/runs" --format json -o "$out/idle.json" -- "$py" bench/gpu_loads.py idle 6
# 5. --kernels on the eager decode loop: launch-bound first; busy share against torch.profiler's; overhead
run kernels 90 ./autoglm profile --kernels --name glm8-decode --out "$out/runs" --format json -o "$out/kernels.json" -- "${loop[@]}"
run torch-cuda 90 "${loop[@]}" --torch-profiler cuda "$out/torch-cuda.trace.json"
run torch-cuda-diagnose 60 ./autoglm diagnose --format json -o "$out/torch-cuda.json" "$out/torch-cuda.trace.json"
run loop-plain 60 "${loop[@]}"
mkdir -p "$out/inject"
run loop-injected 60 env CUDA_INJECTION64_PATH="$lib" AUTOGLM_CUPTI_DIR="$out/inject" "${loop[@]}"
run conflict 90 ./autoglm profile --kernels --name conflict --out "$out/runs" --format json -o "$out/conflict.json" -- "${loop[@]}" --torch-profiler all "$out/conflict-torch.json"
# 6. the GLM-4-9B workload, eager batch-1 decode, --verify (mode=graphs, 3 runs a side) and the run's report.html
run decode 180 ./autoglm profile --model "$model" --scenario decode --verify --verify-top 1 --verify-runs 3 --name decode --out "$out/runs" --format json -o "$out/decode.json"
# 6b. AutoGLM-Phone-9B, the agent scenario (4 phones x 4 steps, 1080x2400 screenshots), prefix cache off, and
#     --verify of prefix_cache=on (multi-turn-growth), 3 runs a side
run agent 240 ./autoglm profile --model "$phone" --scenario agent --knob turns=4 --knob action_ms=200 "${phone_knobs[@]}" --verify --verify-top 3 --verify-runs 3 --name agent --out "$out/runs" --format json -o "$out/agent.json"
# 7. sampler overhead with NVML and GPM at 100 ms and 10 ms
run overhead 60 env ARGS="--interval=100ms --interval=10ms" bench/sampler-overhead.sh 10 32 1
# 8. the other workload scenarios, each with its fix measured
run mixed 120 ./autoglm profile --model "$model" --scenario mixed-lengths --batch 8 --verify --verify-top 1 --verify-runs 1 --name mixed --out "$out/runs" --format json -o "$out/mixed.json"
run fp32 90 ./autoglm profile --model "$model" --scenario fp32 --knob layers=4 --verify --verify-top 3 --verify-runs 1 --name fp32 --out "$out/runs" --format json -o "$out/fp32.json"
run slow-input 90 ./autoglm profile --model "$model" --scenario slow-input --knob layers=8 --verify --verify-top 2 --verify-runs 1 --name slow-input --out "$out/runs" --format json -o "$out/slow-input.json"
# 9. autoglm serve --model glm-4-9b under 4 agent sessions (prefix cache off), with NVML samples, and --verify of
#    the prefix cache (multi-turn-growth / prefix-cache-miss re-launched with it on)
run load-serve 240 ./autoglm load http://127.0.0.1:8123 --sessions 4 --steps 4 --verify --verify-top 3 --name load \
    --out "$out/runs" --format json -o "$out/load-serve.json" --serve -- autoglm serve --model "$model" --port 8123 \
    --prefix-cache off

# 10. the Prometheus endpoint on the GPU during `profile --model` (decode), scraped every 500 ms by
#     bench/scrape_metrics.py (no Prometheus server on the GPU machine): the GPU and GPM series, then the findings
"$py" bench/scrape_metrics.py http://127.0.0.1:9464/metrics "$out/scrapes" 150 0.5 &
scraper=$!
run prometheus 120 ./autoglm profile --model "$model" --scenario decode --prometheus-port 127.0.0.1:9464 \
    --prometheus-linger 3s --name prom --out "$out/runs" --format json -o "$out/prometheus.json"
kill "$scraper" 2>/dev/null

echo "$(( $(date +%s) - start ))" > "$out/seconds.txt"
"$py" bench/gpu_check_eval.py "$out" > "$out/gpu-check.jsonl"
cat "$out/gpu-check.jsonl"
