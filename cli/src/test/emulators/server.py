"""The HTTP side: one thread per connection, HTTP/1.1 with chunked transfer for streams (as uvicorn, axum and
cpp-httplib send them), Content-Length for the rest. Routes: POST /v1/chat/completions and /v1/completions,
GET /v1/models, /metrics, /health. Writes the truth record of every request and every /metrics answer."""
import json
import socket
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import tokens as tok


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # the engines' servers listen with a long backlog (uvicorn 2048, Go's net/http the system's); socketserver's 5
    # would drop connections beyond it under open-loop traffic, and the client's retried SYN comes a second later
    request_queue_size = 2048

    def __init__(self, engine, clock, truth):
        self.engine = engine
        self.clock = clock
        self.truth = truth
        super().__init__(("127.0.0.1", engine.opts.port), Handler)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "emulator"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        super().setup()
        # as uvicorn (asyncio), axum/hyper and cpp-httplib do: no Nagle delay between a stream's small writes
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _send(self, status, ctype, body, headers=()):
        self._status = status
        self._out = len(body)
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        try:
            self.end_headers()
            if body and self.command != "HEAD":
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def handle_one_request(self):
        self._t0 = self.server.clock.ms()
        self._status, self._out, self._in = 0, 0, 0
        super().handle_one_request()
        if self._status and getattr(self, "command", None) in ("GET", "POST"):
            path = self.path.split("?", 1)[0]
            secs = (self.server.clock.ms() - self._t0) / 1000.0
            self.server.engine.on_http(self.command, path, self._status, secs, self._in, self._out)

    def do_GET(self):
        eng = self.server.engine
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            status, ctype, body, series = eng.metrics_page()
            rec = {"type": "scrape", "t_ms": round(self.server.clock.ms(), 3), "status": status,
                   "series": series if series is not None else {}}
            self.server.truth.write(rec)
            self._send(status, ctype, body)
        elif path == "/health":
            status, ctype, body = eng.health()
            self._send(status, ctype, body)
        elif path == "/v1/models":
            self._send(200, "application/json", json.dumps(eng.models_body(), separators=(",", ":")).encode())
        else:
            status, ctype, body = eng.other_get(path)
            self._send(status, ctype, body)

    def do_POST(self):
        eng = self.server.engine
        path = self.path.split("?", 1)[0]
        received = self.server.clock.ms()  # the headers are in; the body is read and parsed after
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        self._in = length
        if path not in ("/v1/chat/completions", "/v1/completions"):
            status, ctype, body = eng.not_found()
            self._send(status, ctype, body)
            return
        chat = path == "/v1/chat/completions"
        try:
            body = json.loads(raw.decode("utf-8") or "null")
            job = eng.submit(body, chat, received)
        except (ValueError, tok.BadRequest) as e:
            status, ctype, payload = eng.error_body(400, str(e))
            self._send(status, ctype, payload)
            return
        clock = self.server.clock
        try:
            if job.stream:
                self._status, self._out = 200, 0
                self.send_response(200)
                for k, v in eng.stream_headers():
                    self.send_header(k, v)
                self.send_header("Transfer-Encoding", "chunked")
                self.end_headers()
                self.wfile.flush()
                for frame in eng.frames(job):
                    self._chunk(frame.data)
                    now = clock.ms()
                    if frame.choices and job.first_chunk_ms is None:
                        job.first_chunk_ms = now
                    if frame.text and job.first_text_ms is None:
                        job.first_text_ms = now
                job.end_ms = clock.ms()
                # the record is written before the stream's last (empty) chunk, so a client that has read the
                # whole stream finds it in the truth log
                self.server.truth.write(eng.truth_record(job))
                job.written = True
                self._chunk(b"")
            else:
                eng.wait(job)
                status, ctype, payload = eng.full_response(job)
                self._send(status, ctype, payload)
                job.end_ms = clock.ms()
                if status == 200:
                    job.first_chunk_ms = job.first_text_ms = job.end_ms
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            job.status = "error" if job.status == "ok" else job.status
            self.close_connection = True
        finally:
            if not getattr(job, "written", False):
                self.server.truth.write(eng.truth_record(job))

    def _chunk(self, data):
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        else:
            self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
