"""A small client for the emulators, used by test_emulate.py (and handy by hand): start an emulator, stream a
request and keep every SSE frame, scrape and parse a Prometheus page."""
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


class Emulator:
    def __init__(self, engine, *args):
        self.dir = tempfile.mkdtemp(prefix="emu-")
        self.port_file = os.path.join(self.dir, "port")
        self.truth_file = os.path.join(self.dir, "truth.jsonl")
        cmd = [sys.executable, os.path.join(HERE, "emulate.py"), "--engine", engine, "--port-file", self.port_file,
               "--truth", self.truth_file] + list(args)
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while not os.path.exists(self.port_file):
            if self.proc.poll() is not None:
                raise RuntimeError("emulator exited: " + self.proc.stderr.read().decode())
            if time.monotonic() > deadline:
                self.proc.kill()
                raise RuntimeError("emulator did not write its port file")
            time.sleep(0.02)
        with open(self.port_file) as f:
            self.port = int(f.read().strip())

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self.proc.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def truth(self):
        with open(self.truth_file) as f:
            return [json.loads(line) for line in f if line.strip()]

    def requests(self, n, timeout=30):
        """The truth log's request records once there are n of them (a non-streamed answer's record is written
        just after the answer)."""
        deadline = time.monotonic() + timeout
        while True:
            reqs = [r for r in self.truth() if r["type"] == "request"]
            if len(reqs) >= n or time.monotonic() > deadline:
                return reqs
            time.sleep(0.01)

    def get(self, path):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        c.request("GET", path)
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, r.getheader("Content-Type"), body

    def stream(self, body, path="/v1/chat/completions"):
        """POST body; returns (status, frames) where frames are (field, data, t) in arrival order."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        c.request("POST", path, json.dumps(body), {"Content-Type": "application/json"})
        r = c.getresponse()
        if not body.get("stream"):
            data = r.read()
            c.close()
            return r.status, data
        frames = []
        buf = b""
        while True:
            chunk = r.read1(65536) if hasattr(r, "read1") else r.read(1)
            if not chunk:
                break
            buf += chunk
            while b"\n\n" in buf:
                event, buf = buf.split(b"\n\n", 1)
                for line in event.decode("utf-8").split("\n"):
                    if not line:
                        continue
                    field, _, value = line.partition(":")
                    frames.append((field, value[1:] if value.startswith(" ") else value, time.monotonic()))
        c.close()
        return r.status, frames


def chat_body(text, max_tokens=12, stream=True, usage=True):
    b = {"model": "glm-tiny", "messages": [{"role": "user", "content": text}], "max_tokens": max_tokens,
         "ignore_eos": True, "temperature": 0.0, "stream": stream}
    if usage:
        b["stream_options"] = {"include_usage": True}
    return b


def parse_prometheus(text):
    """(types {family: type}, samples {name{labels}: value}); raises ValueError on a malformed line or a series
    written twice."""
    types, samples = {}, {}
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith("#"):
            parts = line.split(None, 3)
            if len(parts) >= 4 and parts[1] == "TYPE":
                types[parts[2]] = parts[3]
            elif len(parts) < 3 or parts[1] not in ("HELP", "TYPE"):
                raise ValueError("bad comment line: " + line)
            continue
        key, _, value = line.rpartition(" ")
        if not key or ("{" in key and not key.endswith("}")):
            raise ValueError("bad sample line: " + line)
        if key in samples:
            raise ValueError("the same series twice: " + key)
        samples[key] = float(value.replace("+Inf", "inf").replace("-Inf", "-inf"))
    return types, samples


def family_of(sample_key):
    return sample_key.split("{", 1)[0]
