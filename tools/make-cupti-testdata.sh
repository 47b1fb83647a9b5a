#!/usr/bin/env bash
# Makes the CUPTI test recording and its independent expectations:
#   testdata/cupti/glm8-eager-decode-31passes.csv.gz  the records of the window, cut from the H100 CSV recording
#                                                     in ../shared/fixtures/cupti (only when that file is there)
#   testdata/cupti/glm8-eager-decode-31passes.window  its bounds in ns, FROM (inclusive) and TO (exclusive)
#   testdata/cupti/glm8-eager-decode-31passes.bin.gz  that window through native/cupti's own writer (agc_csv2bin)
#   testdata/expected/cupti-31passes.json             tools/cupti_check.py on the CSV window (plain Python)
# The window is the third repetition: its prefill and 31 eager decode steps, from 2 ms before the 131st
# position-id arange kernel to the 164th; it holds 32 anchor kernels, so 31 whole passes (the part after the
# last anchor is not a pass). The window's bounds are derived from the CSV, the anchor kernel by cupti_check.py.
# What is self-consistency only: the .bin is written by this project's writer, so the reader's agreement with
# cupti_check.py checks the reader and analyses against an independent computation, not the writer against CUPTI.
# Needs gcc, python3 and the CUDA headers (for the runtime API names: CUDA_HOME, default /usr/local/cuda).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
full=../shared/fixtures/cupti/cupti-glm8-eager-decode.csv.gz
csv=testdata/cupti/glm8-eager-decode-31passes.csv.gz
cbid="${CUDA_HOME:-/usr/local/cuda}/include/cupti_runtime_cbid.h"
window=testdata/cupti/glm8-eager-decode-31passes.window
mkdir -p testdata/cupti testdata/expected
if [ -f "$full" ]; then
    python3 - "$full" > "$window" <<'PY'
import gzip, sys
ar = sorted(int(l.split(",")[1]) for l in gzip.open(sys.argv[1], "rt") if l[0] == "K" and "RangeFactories" in l)
print(ar[130] - 2_000_000, ar[163])
PY
    read -r from to < "$window"
    python3 - "$full" "$csv" "$from" "$to" <<'PY'
import gzip, sys
src, dst, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
with gzip.open(src, "rt") as f, gzip.GzipFile(dst, "wb", mtime=0) as g:
    for line in f:
        p = line.split(",")
        if line[0] == "I" or (p[1].isdigit() and lo <= int(p[1]) < hi):
            g.write(line.encode())
PY
else
    read -r from to < "$window"   # the bounds written when the window was cut
fi
tool="$(mktemp -d)/agc-csv2bin"
gcc -std=c11 -D_GNU_SOURCE -O2 -o "$tool" native/cupti/agc_csv2bin.c native/cupti/agc_writer.c \
    native/cupti/agc_crc32.c native/cupti/agc_names.c -ldl -lpthread
zcat "$csv" | "$tool" testdata/cupti/glm8-eager-decode-31passes.bin "$cbid" "$from" "$to"
gzip -9 -n -f testdata/cupti/glm8-eager-decode-31passes.bin
python3 tools/cupti_check.py "$csv" "$cbid" "$from" "$to" > testdata/expected/cupti-31passes.json
echo "window $from $to"
