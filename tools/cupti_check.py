#!/usr/bin/env python3
"""Independent check of the CUPTI reader and the kernel-pass analysis, in plain Python from the raw CSV.

Reads the H100 CSV fixture (../shared/fixtures/cupti), keeps the records that start in the window that
tools/make-cupti-testdata.sh converted, selects runtime calls by the same name prefixes as the library,
and computes what CuptiRecordingTest checks: record counts, the passes cut at the anchor kernel, kernels
per pass, host step time, GPU busy share over the kept kernels and the median kernel duration.

    python3 tools/cupti_check.py CSV.gz RUNTIME_CBID_HEADER FROM_NS TO_NS ANCHOR_MANGLED > expected.json
"""
import bisect
import gzip
import json
import re
import statistics
import sys

WANTED = ("cudaLaunch", "cudaGraphLaunch", "cudaMemcpy", "cudaMemset", "cudaDeviceSynchronize",
          "cudaStreamSynchronize", "cudaEventSynchronize", "cudaStreamWaitEvent", "cudaMalloc", "cudaFree")


def main():
    csv, header, lo, hi, anchor = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    names = {}
    for line in open(header):
        m = re.match(r"\s*CUPTI_RUNTIME_TRACE_CBID_(\w+)\s*=\s*(\d+)", line)
        if m:
            names[int(m.group(2))] = re.sub(r"_v\d+$", "", m.group(1))
    kernels, launches = [], {}
    api = 0
    api_names = set()
    with gzip.open(csv, "rt") as f:
        for line in f:
            kind = line[0]
            if kind not in "KR":
                continue
            p = line.rstrip("\n").split(",", 5)
            s, e, corr = int(p[1]), int(p[2]), int(p[3])
            if not lo <= s < hi:
                continue
            if kind == "K":
                kernels.append((s, e, corr, p[5]))
            elif names.get(int(p[4]), "").startswith(WANTED):
                api += 1
                api_names.add(names[int(p[4])])
                launches[corr] = s
    kernels.sort()
    anchors = [k for k in kernels if k[3] == anchor]
    gpu = [a[0] for a in anchors]
    # A pass starts at its anchor's launch call; the fixture holds no driver API calls, so an anchor launched
    # by cuBLASLt through the driver has none, and then the pass is bounded by the anchor kernels on the GPU.
    host = [launches[a[2]] if a[2] in launches else a[0] for a in anchors]
    passes = len(anchors) - 1
    per_pass = [0] * passes
    kept = []
    for k in kernels:
        if k[2] in launches:
            t, bounds = launches[k[2]], host
        else:
            t, bounds = k[0], gpu
        i = bisect.bisect_right(bounds, t) - 1
        if 0 <= i < passes:
            per_pass[i] += 1
            kept.append(k)
    busy, end = 0, None
    for s, e, _, _ in sorted(kept):
        if end is None or s > end:
            busy += e - s
            end = e
        elif e > end:
            busy += e - end
            end = e
    span = max(k[1] for k in kept) - min(k[0] for k in kept)
    json.dump({
        "kernels": len(kernels),
        "api_calls": api,
        "anchors": len(anchors),
        "passes": passes,
        "kernels_kept": len(kept),
        "kernels_per_step": sum(per_pass) / passes,
        "step_time_ms": statistics.mean(host[i + 1] - host[i] for i in range(passes)) / 1e6,
        "gpu_span_ms": span / 1e6,
        "gpu_busy_pct_whole_span": 100.0 * busy / span,
        "kernel_us_median": statistics.median((k[1] - k[0]) / 1e3 for k in kept),
        "first_kernel_ns": kernels[0][0],
        "strings": len({k[3] for k in kernels}) + len(api_names),
    }, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
