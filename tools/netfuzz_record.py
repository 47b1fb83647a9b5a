#!/usr/bin/env python3
"""Records the good answers the network fuzz (cli NetFuzzTest) mutates, from servers autoglm did not write:

- engines/ENGINE/{models,metrics,stream}.http: the raw HTTP responses (status line, headers, body, as the bytes came)
  of GET /v1/models, GET /metrics (after the streamed request) and a streaming POST /v1/chat/completions, from the
  engine emulators of cli/src/test/emulators (vLLM, SGLang, TGI, llama.cpp; each built from its engine's source).
- prometheus/NN.json: the answers of Debian's real Prometheus to every query `autoglm diagnose --prometheus` sends,
  holding the fleet that tools/fleet_replay.py writes (recorded H100 samples and real `autoglm serve` pages), taken
  through a recording proxy; prometheus/queries.json maps each query to its answer file and gives the window.

    python3 tools/netfuzz_record.py testdata/netfuzz

Needs python3, prometheus and promtool (Debian's), and autoglm: ./autoglm, or the command in AUTOGLM_CMD
(space-separated; NetFuzzRecordingTest re-runs this script with the suite's own classes and compares the shape of
what it records with the committed files: answers change in their ids, dates and timings, not in their shape).
"""
import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ENGINES = ["vllm", "sglang", "tgi", "llamacpp"]
BODY = {"model": "glm-tiny", "stream": True, "stream_options": {"include_usage": True}, "max_tokens": 12,
        "messages": [{"role": "user", "content": "Open the settings app and turn on dark mode."}]}


def wait_port(path):
    for _ in range(200):
        if os.path.exists(path):
            with open(path) as f:
                s = f.read().strip()
            if s:
                return int(s)
        time.sleep(0.05)
    raise SystemExit("no port in " + path)


def raw(port, request):
    """Sends request bytes, returns every byte of the response (the server closes: Connection: close)."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(request)
        out = bytearray()
        while True:
            b = s.recv(65536)
            if not b:
                return bytes(out)
            out += b


def get(port, path):
    return raw(port, ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nConnection: close\r\n\r\n" % (path, port)).encode())


def post(port, path, body):
    b = json.dumps(body).encode()
    head = ("POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
            "Content-Length: %d\r\nConnection: close\r\n\r\n" % (path, port, len(b))).encode()
    return raw(port, head + b)


def engines(out):
    emulate = os.path.join(ROOT, "cli/src/test/emulators/emulate.py")
    for engine in ENGINES:
        with tempfile.TemporaryDirectory() as tmp:
            pf = os.path.join(tmp, "port")
            p = subprocess.Popen([sys.executable, emulate, "--engine", engine, "--scenario", "healthy", "--port-file",
                                  pf, "--truth", os.path.join(tmp, "truth.jsonl")])
            try:
                port = wait_port(pf)
                d = os.path.join(out, "engines", engine)
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, "models.http"), "wb") as f:
                    f.write(get(port, "/v1/models"))
                with open(os.path.join(d, "stream.http"), "wb") as f:
                    f.write(post(port, "/v1/chat/completions", BODY))
                with open(os.path.join(d, "metrics.http"), "wb") as f:
                    f.write(get(port, "/metrics"))
            finally:
                p.terminate()
                p.wait()


class Recorder(http.server.BaseHTTPRequestHandler):
    upstream = None
    answers = []

    def do_GET(self):
        with urllib.request.urlopen(self.upstream + self.path, timeout=60) as r:
            body = r.read()
            status = r.status
        q = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        n = len(self.answers)
        self.answers.append({"path": urllib.parse.urlsplit(self.path).path, "query": q.get("query", [""])[0],
                             "file": "%02d.json" % n, "body": body})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prometheus(out):
    with tempfile.TemporaryDirectory() as tmp:
        om = os.path.join(tmp, "fleet.om")
        x = json.loads(subprocess.check_output([sys.executable, os.path.join(ROOT, "tools/fleet_replay.py"), om]))
        data = os.path.join(tmp, "data")
        subprocess.check_call([shutil.which("promtool"), "tsdb", "create-blocks-from", "openmetrics", om, data],
                              stdout=subprocess.DEVNULL)
        with open(os.path.join(tmp, "prometheus.yml"), "w") as f:
            f.write("global:\n  scrape_interval: 15s\nscrape_configs: []\n")
        web = free_port()
        p = subprocess.Popen([shutil.which("prometheus"), "--config.file=" + os.path.join(tmp, "prometheus.yml"),
                              "--storage.tsdb.path=" + data, "--storage.tsdb.retention.time=100y",
                              "--web.listen-address=127.0.0.1:%d" % web], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            up = "http://127.0.0.1:%d" % web
            for _ in range(300):
                try:
                    with urllib.request.urlopen(up + "/-/ready", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.1)
            Recorder.upstream = up
            proxy = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
            threading.Thread(target=proxy.serve_forever, daemon=True).start()
            api = "http://127.0.0.1:%d" % proxy.server_address[1]
            window = ["--start", str(x["start_s"]), "--end", str(x["end_s"]), "--step", "1s"]
            autoglm = os.environ.get("AUTOGLM_CMD", "").split() or [os.path.join(ROOT, "autoglm")]
            subprocess.check_call(autoglm + ["diagnose", "--prometheus", api] + window
                                  + ["--format", "json", "-o", os.path.join(tmp, "fleet.json")])
            proxy.shutdown()
        finally:
            p.terminate()
            p.wait()
    d = os.path.join(out, "prometheus")
    os.makedirs(d, exist_ok=True)
    index = {"window": window, "answers": []}
    for a in Recorder.answers:
        with open(os.path.join(d, a["file"]), "wb") as f:
            f.write(a["body"])
        index["answers"].append({"path": a["path"], "query": a["query"], "file": a["file"]})
    with open(os.path.join(d, "queries.json"), "w") as f:
        json.dump(index, f, indent=1)
        f.write("\n")


def main(out):
    engines(out)
    prometheus(out)


if __name__ == "__main__":
    main(sys.argv[1])
