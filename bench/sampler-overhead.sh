#!/usr/bin/env bash
# Sampler overhead (docs/benchmarks.md): CPU time the autoglm-sampler thread used per second of run, read
# from run.json (overhead.samplerCpuPctOfOneCore: ThreadMXBean CPU time of the thread / wall time).
# The profiled command is a Python process with THREADS idle threads (a PyTorch process has dozens), so
# the host probe reads as many per-thread counters as it would on a real workload.
# Usage: bench/sampler-overhead.sh [SECONDS] [THREADS]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
secs=${1:-30}
threads=${2:-32}
out=$(mktemp -d)
workload=(python3 -c "import threading, time
for i in range($threads): threading.Thread(target=time.sleep, args=($secs,), daemon=True).start()
time.sleep($secs)")
for args in ${ARGS:-"--interval 100ms" "--interval 10ms" "--interval 10ms --host-interval 10ms"}; do
  # shellcheck disable=SC2086
  ./autoglm profile $args --out "$out" --name bench --format json -o /dev/null -- "${workload[@]}" 2>/dev/null || true
  run=$(ls -td "$out"/*bench* | head -1)
  python3 - "$run/run.json" "$args" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
o = r["overhead"]
print(f"{sys.argv[2]:40s} sampler CPU {o['samplerCpuPctOfOneCore']:.2f}% of one core over {o['wallMs']/1000:.1f} s "
      f"(GPU samples {o['gpuSamples']}, GPM {o['gpmSamples']}, host {o['hostSamples']}); NVML: "
      f"{'on' if r['nvml']['available'] else 'absent'}")
PY
done
rm -rf "$out"
