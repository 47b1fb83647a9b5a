#!/usr/bin/env python3
"""Derived test traces, made from the recorded H100 traces by plain JSON edits (deterministic output).

    python3 tools/make_trace_variants.py [OUT_DIR]   writes OUT_DIR (default testdata/traces)/A-decode-eager-kvcache-gpu-cut.trace.json.gz

A-decode-eager-kvcache-gpu-cut: the last ProfilerStep's last five kernel launches lose their GPU activity, as when
the profiler stops before the GPU has run the step's work. docs/analyses.md#iterations drops such a last step;
IndependentCheckTest compares autoglm's iteration count with tools/independent_check.py's on it.
"""
import gzip
import json
import os
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def gpu_cut(out_dir):
    src = os.path.join(ROOT, "testdata/traces/A-decode-eager-kvcache.trace.json.gz")
    with gzip.open(src, "rt") as f:
        trace = json.load(f)
    ev = trace["traceEvents"]
    steps = sorted((e for e in ev if e.get("ph") == "X" and e.get("cat") == "user_annotation"
                    and e.get("name", "").startswith("ProfilerStep#")), key=lambda e: e["ts"])
    last = steps[-1]
    launches = sorted((e for e in ev if e.get("ph") == "X" and e.get("cat") in ("cuda_runtime", "cuda_driver")
                       and "LaunchKernel" in e.get("name", "")
                       and last["ts"] <= e["ts"] < last["ts"] + last["dur"]), key=lambda e: e["ts"])
    cut = {e["args"]["correlation"] for e in launches[-5:]}
    trace["traceEvents"] = [e for e in ev if not (e.get("ph") == "X" and e.get("cat") in ("kernel", "gpu_memcpy",
                                                                                       "gpu_memset")
                                                  and e.get("args", {}).get("correlation") in cut)]
    out = os.path.join(out_dir, "A-decode-eager-kvcache-gpu-cut.trace.json.gz")
    with gzip.GzipFile(out, "wb", mtime=0) as f:
        f.write(json.dumps(trace).encode())
    return out, len(ev) - len(trace["traceEvents"])


if __name__ == "__main__":
    path, removed = gpu_cut(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "testdata/traces"))
    print(f"{path}: {removed} GPU events removed")
