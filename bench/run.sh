#!/usr/bin/env bash
# The reader benchmark recorded in docs/benchmarks.md. Pins the JVM to one core (taskset when
# present, and -XX:ActiveProcessorCount=1, so GC and JIT share that core) and limits the heap to
# 512 MiB. Generates its inputs under bench/out/ (ignored by git):
#   decode8.trace.json  the 50 MB example, uncompressed
#   big.trace.json      >= 1 GB, its events replicated by make-big-trace.py
# Usage: bench/run.sh [RUNS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-9}"
out="$root/bench/out"
mkdir -p "$out"
"$root/autoglm" --version >/dev/null   # builds the jar if needed
jar="$root/cli/target/autoglm.jar"
example="$root/examples/glm4-9b-h100-eager-bs1-decode8.trace.json.gz"

[ -f "$out/decode8.trace.json" ] || gzip -dc "$example" > "$out/decode8.trace.json"
[ -f "$out/big.trace.json" ] || python3 "$root/bench/make-big-trace.py" "$example" "$out/big.trace.json" 1.05e9

pin=()
command -v taskset >/dev/null 2>&1 && pin=(taskset -c 0)
java_one_core=(java -XX:ActiveProcessorCount=1 -Xmx512m -jar "$jar")

echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores of $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(java -version 2>&1 | head -1)"
echo
echo "## 50 MB trace, uncompressed, read into the model (in-process, after warm-up)"
"${pin[@]}" "${java_one_core[@]}" bench-read --runs "$runs" --warmup 12 "$out/decode8.trace.json" | tail -4
echo
echo "## 50 MB trace, gzipped (3 MB on disk)"
"${pin[@]}" "${java_one_core[@]}" bench-read --runs "$runs" --warmup 12 "$example" | tail -4
echo
echo "## 1 GB trace, read into the model, -Xmx512m"
"${pin[@]}" "${java_one_core[@]}" bench-read --runs 3 --warmup 1 "$out/big.trace.json" | tail -4
echo
echo "## 1 GB trace, whole diagnosis (read, analyses, rules), -Xmx512m"
"${pin[@]}" "${java_one_core[@]}" bench-read --diagnose --runs 3 --warmup 1 "$out/big.trace.json" | tail -4
echo
echo "## whole command, cold JVM: autoglm diagnose on the 50 MB example, one core"
for i in 1 2 3; do
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KiB" "${pin[@]}" java -XX:ActiveProcessorCount=1 -Xmx512m \
    -jar "$jar" diagnose --format json "$example" 2>&1 >/dev/null | tail -1
done
