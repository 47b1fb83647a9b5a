#!/usr/bin/env bash
# The load client's benchmark recorded in docs/benchmarks.md ("Load client"): autoglm.bench.ClientBench (module jmh/)
# drives StreamClient, as autoglm load uses it, against a zero-cost streaming server in the same JVM, and prints one
# JSON line per point: requests/s and chunks/s sustained, and the latency the client adds to each chunk (arrival
# minus the server's write, one clock), after a warm-up. Points: 256 streams (the issue's target: >= 10,000
# chunks/s, p99 added latency < 2 ms), then 64 and 8 streams for context. Results also go to bench/out/client.jsonl.
# Usage: bench/client.sh [SECONDS=20] [WARMUP=8]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
warmup="${2:-8}"
out="$root/bench/out"
mkdir -p "$out"
( cd "$root" && mvn -B -q -o -pl jmh -am package -DskipTests 2>/dev/null || mvn -B -q -pl jmh -am package -DskipTests )
jar="$root/jmh/target/benchmarks.jar"
: > "$out/client.jsonl"
# STREAMS CHUNKS GAP_US: 256 x 64 tokens 20 ms apart (50 tokens/s per stream, a decode speed), 12,800 chunks/s offered
for point in "256 64 20000" "64 64 5000" "8 32 20000"; do
    set -- $point
    java -XX:+UseParallelGC -cp "$jar" autoglm.bench.ClientBench "$1" "$2" "$3" "$seconds" "$warmup" 2 \
        | tee -a "$out/client.jsonl"
done
# the same 256 streams with the server in another process, each pinned to a core of its own (when taskset is here)
pin_server=(); pin_client=()
if command -v taskset >/dev/null 2>&1 && [ "$(nproc)" -ge 2 ]; then pin_server=(taskset -c 1); pin_client=(taskset -c 0); fi
rm -f "$out/client-sent.txt"
"${pin_server[@]}" java -XX:+UseParallelGC -cp "$jar" autoglm.bench.ClientBench serve 18555 64 20000 \
    "$out/client-sent.txt" > "$out/client-server.log" 2>&1 &
server=$!
sleep 2
"${pin_client[@]}" java -XX:+UseParallelGC -cp "$jar" autoglm.bench.ClientBench \
    http://127.0.0.1:18555/v1/chat/completions 256 "$seconds" "$warmup" 2 "$out/client-sent.txt" \
    | tee -a "$out/client.jsonl"
kill "$server" 2>/dev/null || true
