#!/usr/bin/env python3
"""Independent check of the CUPTI reader and the kernel-pass analysis, in plain Python from the raw CSV.

Reads the CSV that the H100 recording was converted from (testdata/cupti/glm8-eager-decode-31passes.csv.gz,
the window of ../shared/fixtures/cupti that tools/make-cupti-testdata.sh cut), keeps the records that start in
[FROM_NS, TO_NS), selects runtime calls by the name prefixes docs/cupti-format.md lists, finds the anchor kernel
by the definition in docs/analyses.md (kernel passes: a heuristic of ours, not a standard), and computes what
CuptiAnalysisTest checks: record counts, the passes cut at the anchor kernel, kernels per pass, host step time,
GPU busy share over the kept kernels and the median kernel duration; and what ServedStepsKernelTest checks: per pass
the kernels, the host time and the busy share (the union of the pass's kernels over its host time), as medians.

    python3 tools/cupti_check.py CSV.gz RUNTIME_CBID_HEADER FROM_NS TO_NS > expected.json
"""
import bisect
import gzip
import json
import re
import statistics
import sys

WANTED = ("cudaLaunch", "cudaGraphLaunch", "cudaMemcpy", "cudaMemset", "cudaDeviceSynchronize",
          "cudaStreamSynchronize", "cudaEventSynchronize", "cudaStreamWaitEvent", "cudaMalloc", "cudaFree")


def records(csv, lo, hi):
    """The kernel (K) and runtime API (R) lines of the CSV that start in [lo, hi): (kind, fields)."""
    with gzip.open(csv, "rt") as f:
        for line in f:
            kind = line[0]
            if kind not in "KR":
                continue
            p = line.rstrip("\n").split(",", 5)
            if lo <= int(p[1]) < hi:
                yield kind, p


def runtime_names(header):
    """cbid -> runtime API name (version suffix dropped) from CUDA's cupti_runtime_cbid.h."""
    names = {}
    for line in open(header):
        m = re.match(r"\s*CUPTI_RUNTIME_TRACE_CBID_(\w+)\s*=\s*(\d+)", line)
        if m:
            names[int(m.group(2))] = re.sub(r"_v\d+$", "", m.group(1))
    return names


def union(ks):
    """GPU time covered by the kernels (overlaps counted once), ns."""
    busy, end = 0, None
    for s, e, _, _ in sorted(ks):
        if end is None or s > end:
            busy += e - s
            end = e
        elif e > end:
            busy += e - end
            end = e
    return busy


def find_anchor(names):
    """docs/analyses.md, kernel passes: the name whose occurrences cut the sequence (GPU start order) into
    segments of equal kernel count, within 2% of the median segment (at least one kernel), for at least 80% of
    the segments, the equal ones covering at least half of all kernels; at least 4 occurrences; among those the
    one with the fewest occurrences, ties going to the one that comes first."""
    where = {}
    for i, n in enumerate(names):
        where.setdefault(n, []).append(i)
    fits = []
    for n, pos in where.items():
        if len(pos) < 4:
            continue
        seg = [b - a for a, b in zip(pos, pos[1:])]
        median = sorted(seg)[len(seg) // 2]
        equal = [x for x in seg if abs(x - median) <= max(1, 0.02 * median)]
        if median > 1 and len(equal) >= 0.8 * len(seg) and sum(equal) >= 0.5 * len(names):
            fits.append((len(pos), pos[0], n))
    return min(fits)[2] if fits else None


def main():
    csv, header, lo, hi = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    names = runtime_names(header)
    kernels, launches = [], {}
    api = 0
    api_names = set()
    for kind, p in records(csv, lo, hi):
        s, e, corr = int(p[1]), int(p[2]), int(p[3])
        if kind == "K":
            kernels.append((s, e, corr, p[5]))
        elif names.get(int(p[4]), "").startswith(WANTED):
            api += 1
            api_names.add(names[int(p[4])])
            launches[corr] = s
    kernels.sort()
    anchor = find_anchor([k[3] for k in kernels])
    anchors = [k for k in kernels if k[3] == anchor]
    gpu = [a[0] for a in anchors]
    # A pass starts at its anchor's launch call; the fixture holds no driver API calls, so an anchor launched
    # by cuBLASLt through the driver has none, and then the pass is bounded by the anchor kernels on the GPU.
    host = [launches[a[2]] if a[2] in launches else a[0] for a in anchors]
    passes = len(anchors) - 1
    per_pass = [0] * passes
    pass_kernels = [[] for _ in range(passes)]
    kept = []
    for k in kernels:
        if k[2] in launches:
            t, bounds = launches[k[2]], host
        else:
            t, bounds = k[0], gpu
        i = bisect.bisect_right(bounds, t) - 1
        if 0 <= i < passes:
            per_pass[i] += 1
            pass_kernels[i].append(k)
            kept.append(k)
    # per pass (docs/analyses.md, "Served steps"): the union of its kernels' GPU time over its host time
    step_busy = [100.0 * union(pass_kernels[i]) / (host[i + 1] - host[i]) for i in range(passes)]
    busy = union(kept)
    span = max(k[1] for k in kept) - min(k[0] for k in kept)
    json.dump({
        "kernels": len(kernels),
        "api_calls": api,
        "anchor": anchor,
        "anchors": len(anchors),
        "passes": passes,
        "kernels_kept": len(kept),
        # computation kernels per pass: communication kernels left out, as of kernel_us_median below
        "kernels_per_step": sum(1 for k in kept if "nccl" not in k[3].lower()) / passes,
        "kernels_per_step_median": statistics.median(per_pass),
        "step_time_ms_median": statistics.median((host[i + 1] - host[i]) / 1e6 for i in range(passes)),
        "step_busy_pct_median": statistics.median(step_busy),
        "step_time_ms": statistics.mean(host[i + 1] - host[i] for i in range(passes)) / 1e6,
        "gpu_span_ms": span / 1e6,
        "gpu_busy_pct_whole_span": 100.0 * busy / span,
        # communication (nccl in the name) kernels are left out (docs/analyses.md#communication)
        "kernel_us_median": statistics.median((k[1] - k[0]) / 1e3 for k in kept if "nccl" not in k[3].lower()),
        "first_kernel_ns": kernels[0][0],
        "strings": len({k[3] for k in kernels}) + len(api_names),
    }, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
