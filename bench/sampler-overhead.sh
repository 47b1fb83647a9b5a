#!/usr/bin/env bash
# Sampler overhead (docs/benchmarks.md): CPU time of the autoglm-sampler thread per second of run, read
# from each run's run.json (overhead.samplerCpuPctOfOneCore: ThreadMXBean CPU time of the thread over
# wall time), REPS runs per setting, printed as median (min-max).
# The profiled command is a Python process with THREADS idle threads (a PyTorch process has dozens), so
# the host probe reads as many per-thread counters as it would on a real workload.
# Usage: bench/sampler-overhead.sh [SECONDS] [THREADS] [REPS]; ARGS="--interval=100ms ..." picks settings.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-30}
threads=${2:-32}
reps=${3:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
workload=(python3 -c "import threading, time
for i in range($threads): threading.Thread(target=time.sleep, args=($secs,), daemon=True).start()
time.sleep($secs)")
for args in ${ARGS:-"--interval=100ms" "--interval=10ms" "--interval=10ms --host-interval=10ms"}; do
  files=()
  for r in $(seq "$reps"); do
    # shellcheck disable=SC2086
    ./autoglm profile $args --out "$out" --name "bench$r" --format json -o /dev/null -- "${workload[@]}" 2>/dev/null || true
    files+=("$(ls -td "$out"/*"bench$r"* | head -1)/run.json")
  done
  python3 - "$args" "${files[@]}" <<'PY'
import json, statistics, sys
runs = [json.load(open(f)) for f in sys.argv[2:]]
pct = sorted(r["overhead"]["samplerCpuPctOfOneCore"] for r in runs)
o = runs[0]["overhead"]
print(f"{sys.argv[1]:40s} sampler CPU {statistics.median(pct):.2f}% of one core ({pct[0]:.2f}-{pct[-1]:.2f}, "
      f"{len(pct)} runs of {o['wallMs']/1000:.0f} s; GPU samples {o['gpuSamples']}, GPM {o['gpmSamples']}, "
      f"host {o['hostSamples']} per run); NVML {'on' if runs[0]['nvml']['available'] else 'absent'}")
PY
done
