"""Device memory bandwidth, measured once with a device-to-device copy (read + write counted), and cached
by device name in a JSON file so that later runs (and --verify re-runs) use the same figure."""

import json
import os
import time

import torch


def measure(device):
    size = (1 << 30) if device.type == "cuda" else (1 << 27)
    a = torch.empty(size, dtype=torch.uint8, device=device)
    b = torch.empty_like(a)
    b.copy_(a)
    reps = 10
    if device.type == "cuda":
        torch.cuda.synchronize()
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(reps):
            b.copy_(a)
        end.record()
        end.synchronize()
        ms = start.elapsed_time(end)
    else:
        t0 = time.perf_counter()
        for _ in range(reps):
            b.copy_(a)
        ms = (time.perf_counter() - t0) * 1000.0
    moved = 2 * size * reps
    del a, b
    return dict(gbps=moved / (ms / 1000.0) / 1e9, bytes=moved, ms=ms,
                method="device-to-device copy" if device.type == "cuda" else "host memory copy")


def cached(path, device_name):
    if not path:
        return None
    try:
        with open(path) as f:
            entry = json.load(f).get(device_name)
        return entry if entry and entry.get("gbps", 0) > 0 else None
    except (OSError, ValueError, AttributeError):
        return None


def store(path, device_name, result):
    """Adds the measurement to the cache file (best effort: a cache that cannot be written is skipped)."""
    if not path:
        return
    try:
        try:
            with open(path) as f:
                data = json.load(f)
            if not isinstance(data, dict):
                data = {}
        except (OSError, ValueError):
            data = {}
        data[device_name] = dict(gbps=result["gbps"], method=result["method"],
                                 measured=time.strftime("%Y-%m-%d %H:%M:%S"))
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(data, f, indent=1)
        os.replace(tmp, path)
    except OSError:
        pass
