"""The event stream: one JSON object per line, flushed at once, so a killed workload keeps every event it
wrote (docs/workload.md#events). Each has "event" (its kind) and "t" (host epoch milliseconds, the clock
of autoglm's NVML samples)."""

import json
import sys
import time


class Events:
    def __init__(self, path):
        self.out = sys.stdout if path in (None, "-") else open(path, "a", buffering=1, encoding="utf-8")

    def emit(self, event_kind, **fields):
        record = {"event": event_kind, "t": round(time.time() * 1000.0, 3)}
        record.update(fields)
        self.out.write(json.dumps(record, separators=(",", ":"), allow_nan=False, default=str) + "\n")
        self.out.flush()

    def close(self):
        if self.out is not sys.stdout:
            self.out.close()
