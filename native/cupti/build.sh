#!/usr/bin/env bash
# Builds libautoglm_cupti.so (the CUPTI injection library) into OUT_DIR/autoglm/native/linux-ARCH/ (a resource
# folder: the Maven build of probes/ passes target/native, so the library ships inside the CLI's jar) when
# CUPTI's headers are found. Without the headers, or without gcc, it says so in one line and exits 0: the rest
# of autoglm builds and works, only `autoglm profile --kernels` is unavailable.
#
#   native/cupti/build.sh OUT_DIR
#
# Headers are looked for under $AUTOGLM_CUDA_HOME, else $CUDA_HOME, else /usr/local/cuda
# (include/ and extras/CUPTI/include/). The library links only libc: libcupti is opened at run time.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:?usage: build.sh OUT_DIR}/autoglm/native/linux-$(uname -m)"
mkdir -p "$out"
lib="$out/libautoglm_cupti.so"
cuda="${AUTOGLM_CUDA_HOME:-${CUDA_HOME:-/usr/local/cuda}}"
skip() {
    rm -f "$lib"
    echo "[autoglm] native/cupti skipped: $1; autoglm profile --kernels will be unavailable in this build"
    exit 0
}
incs=()
for d in "$cuda/include" "$cuda/extras/CUPTI/include"; do
    [ -d "$d" ] && incs+=("-I$d")
done
found=false
for d in "$cuda/include" "$cuda/extras/CUPTI/include"; do
    [ -f "$d/cupti.h" ] && [ -f "$d/cupti_activity.h" ] && found=true
done
$found || skip "no CUPTI headers (cupti.h) under $cuda (set CUDA_HOME to a CUDA toolkit)"
[ -f "$cuda/include/cuda.h" ] || skip "no cuda.h under $cuda/include"
command -v "${CC:-gcc}" >/dev/null 2>&1 || skip "no C compiler (${CC:-gcc})"
src=("$here/agc_inject.c" "$here/agc_writer.c" "$here/agc_crc32.c" "$here/agc_names.c")
flags=(-std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -fPIC -fvisibility=hidden)
"${CC:-gcc}" "${flags[@]}" "${incs[@]}" -shared -Wl,-soname,libautoglm_cupti.so -o "$lib.tmp" "${src[@]}" -ldl -lpthread
mv "$lib.tmp" "$lib"
echo "[autoglm] native/cupti built: $lib (CUPTI headers from $cuda)"
