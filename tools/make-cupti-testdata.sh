#!/usr/bin/env bash
# Makes testdata/cupti/glm8-eager-decode-33passes.bin.gz from the H100 CSV recording in ../shared/fixtures/cupti
# (33 passes of the third repetition: a prefill and 32 eager decode steps), through native/cupti's own writer,
# and the independent expectations in testdata/expected/cupti-33passes.json (tools/cupti_check.py).
# Needs gcc, python3 and the CUDA headers (for the runtime API names: CUDA_HOME, default /usr/local/cuda).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
csv=../shared/fixtures/cupti/cupti-glm8-eager-decode.csv.gz
cbid="${CUDA_HOME:-/usr/local/cuda}/include/cupti_runtime_cbid.h"
tool="$(mktemp -d)/agc-csv2bin"
gcc -std=c11 -D_GNU_SOURCE -O2 -o "$tool" native/cupti/agc_csv2bin.c native/cupti/agc_writer.c \
    native/cupti/agc_crc32.c native/cupti/agc_names.c -ldl -lpthread
# The window: from 2 ms before the 131st position-id arange kernel (the third repetition's prefill) to the 164th.
read -r from to < <(python3 - "$csv" <<'PY'
import gzip, sys
ar = sorted(int(l.split(",")[1]) for l in gzip.open(sys.argv[1], "rt") if l[0] == "K" and "RangeFactories" in l)
print(ar[130] - 2_000_000, ar[163])
PY
)
mkdir -p testdata/cupti testdata/expected
zcat "$csv" | "$tool" testdata/cupti/glm8-eager-decode-33passes.bin "$cbid" "$from" "$to"
gzip -9 -n -f testdata/cupti/glm8-eager-decode-33passes.bin
python3 tools/cupti_check.py "$csv" "$cbid" "$from" "$to" \
    _ZN7cutlass7Kernel2I42cutlass_80_simt_sgemm_128x32_8x5_tn_align1EEvNT_6ParamsE > testdata/expected/cupti-33passes.json
echo "window $from $to"
