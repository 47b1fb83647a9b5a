#!/usr/bin/env bash
# The reader benchmark recorded in docs/benchmarks.md, with JMH (module jmh/, class autoglm.bench.ReadBenchmark).
# Pins the run to one core (taskset when present; the forked JVM has -XX:ActiveProcessorCount=1, so GC and JIT
# share that core) and limits the heap to 512 MiB. Generates its inputs under bench/out/ (ignored by git):
#   decode8.trace.json  the 50 MB example, uncompressed
#   big.trace.json      >= 1 GB, its events replicated by make-big-trace.py
# Prints JMH's tables and, from JMH's JSON results, MB/s of JSON per read (median and range over iterations).
# Usage: bench/run.sh [ITERATIONS]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
iters="${1:-9}"
out="$root/bench/out"
mkdir -p "$out"
( cd "$root" && mvn -B -q -o -pl jmh -am package -DskipTests 2>/dev/null || mvn -B -q -pl jmh -am package -DskipTests )
jar="$root/jmh/target/benchmarks.jar"
example="$root/examples/glm4-9b-h100-eager-bs1-decode8.trace.json.gz"
[ -f "$out/decode8.trace.json" ] || gzip -dc "$example" > "$out/decode8.trace.json"
[ -f "$out/big.trace.json" ] || python3 "$root/bench/make-big-trace.py" "$example" "$out/big.trace.json" 1.05e9

pin=()
command -v taskset >/dev/null 2>&1 && pin=(taskset -c 0)
jvm="-Xmx512m -XX:ActiveProcessorCount=1"
jmh() {   # NAME BENCHMARK FILE WARMUP ITERATIONS
    "${pin[@]}" java -jar "$jar" "ReadBenchmark.$2\$" -p file="$3" -f 1 -wi "$4" -i "$5" -jvmArgs "$jvm" \
        -rf json -rff "$out/$1.json" | grep -E '^(Benchmark|ReadBenchmark)|retained heap' | tail -4
    python3 - "$out/$1.json" <<'PY'
import json, statistics, sys
r = json.load(open(sys.argv[1]))[0]
ms = [x for fork in r["primaryMetric"]["rawData"] for x in fork]
by = r["secondaryMetrics"]["jsonBytes"]["score"] / len(ms)   # the counter sums the iterations' reads
mbps = sorted(by / 1e6 / (t / 1000) for t in ms)
print(f"  {by / 1e6:.1f} MB of JSON per read: {statistics.median(mbps):.0f} MB/s median "
      f"({mbps[0]:.0f} to {mbps[-1]:.0f}, n={len(mbps)} iterations, JMH {r['jmhVersion']}, {r['jvmArgs']})")
PY
}

echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores of $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(java -version 2>&1 | head -1)"
echo
echo "## 50 MB trace, uncompressed, read into the model"
jmh decode8-read read "$out/decode8.trace.json" 12 "$iters"
echo
echo "## 50 MB trace, gzipped (3 MB on disk)"
jmh decode8-gz-read read "$example" 12 "$iters"
echo
echo "## 1 GB trace, read into the model, -Xmx512m"
jmh big-read read "$out/big.trace.json" 1 3
echo
echo "## 1 GB trace, whole diagnosis (read, analyses, rules), -Xmx512m"
jmh big-diagnose diagnose "$out/big.trace.json" 1 3
echo
echo "## whole command, cold JVM: autoglm diagnose on the 50 MB example, one core"
"$root/autoglm" --version >/dev/null   # builds the jar if needed
for i in 1 2 3; do
  /usr/bin/time -f "wall %e s, user %U s, sys %S s, max RSS %M KiB" "${pin[@]}" java -XX:ActiveProcessorCount=1 -Xmx512m \
    -jar "$root/cli/target/autoglm.jar" diagnose --format json "$example" 2>&1 >/dev/null | tail -1
done
