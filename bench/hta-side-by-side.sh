#!/usr/bin/env bash
# autoglm against HTA on the same traces, whole process each (docs/benchmarks.md, issue 18): wall time, CPU time and
# peak RSS by /usr/bin/time, median of RUNS cold runs each (HTA: RUNS_HTA), on an otherwise idle machine.
#   50 MB   the bundled example (gzip on disk, 48 MB of JSON)
#   463 MB  the example's events replicated ten times (bench/make-big-trace.py), uncompressed
#   16 ranks  sixteen copies of the 50 MB example in one folder, autoglm only (read on all cores)
# HTA runs from ../shared/peers/hta with Debian's python3-pandas & co (its README), computing what autoglm's
# diagnose reports of the timeline: temporal breakdown and idle-time breakdown, with HTA_DISABLE_NS_ROUNDING=1 and
# include_last_profiler_step=True (with its defaults HTA fails on some H100 traces).
# Usage: bench/hta-side-by-side.sh [RUNS] [RUNS_HTA]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
runs_hta="${2:-3}"
out="$root/bench/out/hta"
hta="$(cd "$root/../shared/peers/hta" && pwd)"
mkdir -p "$out/t50" "$out/t463" "$out/ranks16"
example="$root/examples/glm4-9b-h100-eager-bs1-decode8.trace.json.gz"
cp -f "$example" "$out/t50/rank0.json.gz"
[ -f "$out/t463/big.json" ] || python3 "$root/bench/make-big-trace.py" "$example" "$out/t463/big.json" 4.6e8
for i in $(seq 0 15); do ln -sf "$example" "$out/ranks16/rank$i.json.gz"; done
( cd "$root" && ./autoglm --version >/dev/null )   # built before anything is timed

measure() {   # LABEL RUNS COMMAND...: prints "LABEL wall_median cpu_median rss_median_MiB" over RUNS runs
    local label="$1" n="$2"; shift 2
    local walls=() cpus=() rss=()
    for _ in $(seq 1 "$n"); do
        /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" "$@" > /dev/null 2> "$out/err.txt" \
            || { echo "$label: failed: $(tail -1 "$out/err.txt")" >&2; return 1; }
        read -r e u s m < "$out/time.txt"
        walls+=("$e"); cpus+=("$(echo "$u + $s" | bc)"); rss+=("$m")
    done
    python3 - "$label" "${walls[*]}" "${cpus[*]}" "${rss[*]}" <<'PY'
import statistics, sys
label, w, c, r = sys.argv[1], *[list(map(float, a.split())) for a in sys.argv[2:]]
print(f"{label}\t{statistics.median(w):.2f}\t{min(w):.2f}-{max(w):.2f}\t{statistics.median(c):.2f}\t{statistics.median(r)/1024:.0f}")
PY
}

cat > "$out/hta_run.py" <<'PY'
import logging, sys
logging.disable(logging.WARNING)
from hta.trace_analysis import TraceAnalysis
a = TraceAnalysis(trace_dir=sys.argv[1], include_last_profiler_step=True)
a.get_temporal_breakdown(visualize=False)
a.get_idle_time_breakdown(visualize=False)
PY
hta_cmd=(env HTA_DISABLE_NS_ROUNDING=1 PYTHONPATH="$hta" /usr/bin/python3 "$out/hta_run.py")

echo -e "what\twall median s\twall range s\tCPU median s\tpeak RSS median MiB"
measure "autoglm 50 MB" "$runs" "$root/autoglm" diagnose --format json "$out/t50/rank0.json.gz"
measure "HTA 50 MB" "$runs_hta" "${hta_cmd[@]}" "$out/t50"
measure "autoglm 463 MB" "$runs" "$root/autoglm" diagnose --format json "$out/t463/big.json"
measure "HTA 463 MB" "$runs_hta" "${hta_cmd[@]}" "$out/t463"
measure "autoglm 16 ranks of 50 MB" "$runs" "$root/autoglm" diagnose --format json "$out/ranks16"
