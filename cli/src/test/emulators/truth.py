"""The truth log: JSON lines, each flushed as written (README.md, "Truth log")."""
import json
import threading


class Truth:
    def __init__(self, path, steps=True):
        self.f = open(path, "a", encoding="utf-8") if path else None
        self.lock = threading.Lock()
        self.steps = steps

    def write(self, record):
        if self.f is None or (record.get("type") == "step" and not self.steps):
            return
        line = json.dumps(record, separators=(",", ":"), sort_keys=False)
        with self.lock:
            self.f.write(line + "\n")
            self.f.flush()

    def close(self):
        if self.f is not None:
            with self.lock:
                self.f.close()
                self.f = None
