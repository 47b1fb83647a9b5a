#!/usr/bin/env bash
# Times the report outputs of issue 6 on the 50 MB example trace, whole commands as a user runs them:
# diagnose alone, diagnose --html, diagnose --format markdown, export --perfetto (plain and gzipped),
# and gate on two fixture traces. Median of RUNS runs each (default 5), wall time from /usr/bin/time.
# Usage: bench/reports.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
out="$root/bench/out"
mkdir -p "$out"
"$root/autoglm" --version >/dev/null   # builds the jar if needed
ex="$root/examples/glm4-9b-h100-eager-bs1-decode8.trace.json.gz"
kv="$root/testdata/traces/A-decode-eager-kvcache.trace.json.gz"
nokv="$root/testdata/traces/A-decode-no-kvcache.trace.json.gz"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
time_it() {
  local label="$1"; shift
  local t=()
  for _ in $(seq "$runs"); do
    /usr/bin/time -f '%e %M' -o "$out/time.txt" "$@" >/dev/null 2>&1 || true
    t+=("$(tail -1 "$out/time.txt")")
  done
  local wall mem
  wall="$(printf '%s\n' "${t[@]}" | awk '{print $1}' | median)"
  mem="$(printf '%s\n' "${t[@]}" | awk '{print $2}' | median)"
  printf '| %s | %s s | %s MiB |\n' "$label" "$wall" "$((mem / 1024))"
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores of $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(java -version 2>&1 | head -1), median of $runs"
echo
echo "| command | wall | peak RSS |"
echo "|---|---|---|"
time_it "diagnose (terminal)" "$root/autoglm" diagnose "$ex"
time_it "diagnose --html" "$root/autoglm" diagnose --html "$out/r.html" "$ex"
time_it "diagnose --format markdown" "$root/autoglm" diagnose --format markdown "$ex"
time_it "export --perfetto out.json" "$root/autoglm" export "$ex" --perfetto "$out/p.json"
time_it "export --perfetto out.json.gz" "$root/autoglm" export "$ex" --perfetto "$out/p.json.gz"
time_it "gate (two traces, defaults)" "$root/autoglm" gate --baseline "$kv" --current "$kv"
time_it "compare (two traces)" "$root/autoglm" compare "$kv" "$nokv"
ls -l "$out/r.html" "$out/p.json" "$out/p.json.gz" | awk '{print "# " $5 " bytes " $9}'
