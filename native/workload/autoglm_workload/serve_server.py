"""The reference server's connections (docs/serve.md#limits): one thread (the caller of serve_forever, the main thread
in serve.py) accepts connections and reads requests without ever blocking on a client; only whole requests go to
handler threads, from two bounded pools (CONTROL_THREADS for GET routes and the profiler, COMPLETION_THREADS for the
completions), so a connection that sends half a request holds a buffer, never a thread, and /health answers while
any number of them are open.

- A request (its head and body) must be whole READ_TIMEOUT_S after the connection was accepted, or after its first
  byte on a kept-alive connection; else it is answered 408 and the connection closed. A kept-alive connection with
  no request for KEEPALIVE_IDLE_S is closed.
- At most MAX_CONNECTIONS are open at once: past it, a new connection closes the one that has waited longest for its
  request (or idles, or lingers); when every open connection is being answered, the new one is answered 503.
- Request bodies being read or waiting for a handler reserve their size (a chunked one the whole MAX_BODY_BYTES) out
  of MAX_PENDING_BODY_BYTES; a body that does not fit is answered 503 before it is read.
- A handler's write that makes no progress for WRITE_TIMEOUT_S (a client that stopped reading) ends its answer.
- A refused request is answered with one JSON error, then the connection lingers up to LINGER_S, its bytes read and
  dropped, before it closes, so that the client reads the answer instead of a reset."""

import json
import queue
import selectors
import socket
import threading
import time
import traceback
from email.utils import formatdate
from http import HTTPStatus

from .serve_wire import MAX_BODY_BYTES, BadRequest, Framer

READ_TIMEOUT_S = 30.0
KEEPALIVE_IDLE_S = 30.0
WRITE_TIMEOUT_S = 60.0
LINGER_S = 2.0
MAX_CONNECTIONS = 1024
MAX_PENDING_BODY_BYTES = 512 * 1024 * 1024
CONTROL_THREADS = 4
COMPLETION_THREADS = 256
RECV_BYTES = 256 * 1024
SWEEP_S = 0.25                 # how often the deadlines are checked
ACCEPTS_PER_WAKE = 64


class Limits:
    def __init__(self, read_timeout_s=READ_TIMEOUT_S, max_connections=MAX_CONNECTIONS,
                 keepalive_idle_s=KEEPALIVE_IDLE_S, write_timeout_s=WRITE_TIMEOUT_S,
                 max_pending_body_bytes=MAX_PENDING_BODY_BYTES, control_threads=CONTROL_THREADS,
                 completion_threads=COMPLETION_THREADS):
        self.read_timeout_s, self.max_connections = read_timeout_s, max_connections
        self.keepalive_idle_s, self.write_timeout_s = keepalive_idle_s, write_timeout_s
        self.max_pending_body_bytes = max_pending_body_bytes
        self.control_threads, self.completion_threads = control_threads, completion_threads


class Pool:
    """At most `size` daemon threads (started as the work needs them), taking tasks first come first served."""

    def __init__(self, size, name):
        self.size, self.name = size, name
        self.tasks = queue.SimpleQueue()
        self.lock = threading.Lock()
        self.threads = self.idle = self.queued = 0

    def submit(self, fn, *args):
        with self.lock:
            self.queued += 1
            grow = self.queued > self.idle and self.threads < self.size
            if grow:
                self.threads += 1
        self.tasks.put((fn, args))
        if grow:
            threading.Thread(target=self._work, name=f"{self.name}-{self.threads}", daemon=True).start()

    def _work(self):
        while True:
            with self.lock:
                self.idle += 1
            fn, args = self.tasks.get()
            with self.lock:
                self.idle -= 1
                self.queued -= 1
            try:
                fn(*args)
            except Exception:
                traceback.print_exc()


def error_bytes(code, message, kind="BadRequestError", close=True):
    """A whole JSON error answer, as the routes write theirs."""
    body = json.dumps({"error": {"message": message, "type": kind, "param": None, "code": code}}).encode()
    head = head_bytes(code, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))], close)
    return head + body


def head_bytes(code, headers, close):
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = ""
    lines = [f"HTTP/1.1 {code} {phrase}", "Server: autoglm-serve", "Date: " + formatdate(usegmt=True)]
    lines += [f"{k}: {v}" for k, v in headers]
    if close:
        lines.append("Connection: close")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class Out:
    """A handler's side of its connection: blocking writes, each bounded by the write timeout."""

    def __init__(self, sock):
        self.sock = sock
        self.started = False

    def write(self, data):
        self.started = True
        self.sock.sendall(data)


class Conn:
    def __init__(self, sock, now, limits):
        self.sock = sock
        self.buf = bytearray()
        self.framer = Framer()
        self.state = "read"              # read: waiting for a request; busy: a handler has it; linger: closing
        self.idle = False                # kept alive, no byte of the next request yet
        self.deadline = now + limits.read_timeout_s
        self.reserved = 0                # body bytes reserved for the request being read
        self.continued = False           # 100 Continue sent for the request being read


class Server:
    """serve_forever() until stop() (safe from a signal handler); handle(request, out) answers a request on a pool's
    thread and returns whether the connection may stay open; pool_of(request) names its pool: "control" or
    "completion"."""

    def __init__(self, host, port, handle, pool_of, limits=None):
        self.limits = limits or Limits()
        self.handle, self.pool_of = handle, pool_of
        self.listener = socket.create_server((host, port), backlog=1024)
        self.listener.setblocking(False)
        self.server_address = self.listener.getsockname()
        self.sel = selectors.DefaultSelector()
        self.sel.register(self.listener, selectors.EVENT_READ, "accept")
        self.wake_r, self.wake_w = socket.socketpair()
        self.wake_r.setblocking(False)
        self.wake_w.setblocking(False)
        self.sel.register(self.wake_r, selectors.EVENT_READ, "wake")
        self.conns = {}                  # Conn -> None, in the order accepted
        self.back = queue.SimpleQueue()  # (Conn, keep) handed back by handlers
        self.pending_lock = threading.Lock()
        self.pending_bytes = 0
        self.stopping = False
        self.accepting = True
        self.pools = {"control": Pool(self.limits.control_threads, "control"),
                      "completion": Pool(self.limits.completion_threads, "completion")}

    # ---- from other threads ----
    def stop(self):
        self.stopping = True
        self._wake()

    def _wake(self):
        try:
            self.wake_w.send(b"x")
        except OSError:
            pass

    # ---- the loop ----
    def serve_forever(self):
        swept = time.monotonic()
        while not self.stopping:
            events = self.sel.select(SWEEP_S)
            now = time.monotonic()
            for key, _ in events:
                if key.data == "accept":
                    self._accept(now)
                elif key.data == "wake":
                    self._drain_wake()
                else:
                    try:
                        self._readable(key.data, now)
                    except Exception:        # a fault of this server's on one connection closes that one only
                        traceback.print_exc()
                        self._close(key.data)
            self._returned(now)
            if now - swept >= SWEEP_S:
                swept = now
                self._sweep(now)
        self.close()

    def close(self):
        for conn in list(self.conns):
            if conn.state != "busy":
                self._close(conn)
        for s in (self.listener, self.wake_r, self.wake_w):
            try:
                s.close()
            except OSError:
                pass
        self.sel.close()

    def _drain_wake(self):
        try:
            while self.wake_r.recv(4096):
                pass
        except OSError:
            pass

    def _accept(self, now):
        for _ in range(ACCEPTS_PER_WAKE):
            try:
                sock, _ = self.listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError:          # out of file descriptors: make room, or wait for the next sweep
                if not self._evict():
                    self.sel.unregister(self.listener)
                    self.accepting = False
                return
            if len(self.conns) >= self.limits.max_connections and not self._evict():
                try:
                    sock.setblocking(False)
                    sock.send(error_bytes(503, f"the server has {len(self.conns)} connections open, all being "
                                               "answered: try again", "ServiceUnavailable"))
                except OSError:
                    pass
                sock.close()
                continue
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            conn = Conn(sock, now, self.limits)
            conn.framer.on_head = lambda n, c=conn: self._reserve(c, n)
            self.conns[conn] = None
            self.sel.register(sock, selectors.EVENT_READ, conn)

    def _evict(self):
        """Closes the connection that has waited longest without being answered; whether there was one."""
        for conn in self.conns:
            if conn.state != "busy":
                self._close(conn)
                return True
        return False

    def _readable(self, conn, now):
        try:
            data = conn.sock.recv(RECV_BYTES)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(conn)
            return
        if not data:
            self._close(conn)
            return
        if conn.state == "linger":
            return
        if conn.idle:
            conn.idle = False
            conn.deadline = now + self.limits.read_timeout_s
        conn.buf += data
        self._advance(conn)

    def _advance(self, conn):
        try:
            req = conn.framer.feed(conn.buf)
        except BadRequest as e:
            self._refuse(conn, e.code, str(e))
            return
        if req is None:
            if conn.framer.expect_continue and not conn.continued:
                conn.continued = True
                try:
                    conn.sock.send(b"HTTP/1.1 100 Continue\r\n\r\n")
                except OSError:
                    pass
            return
        req.release = self._releaser(conn.reserved)
        conn.reserved = 0
        conn.continued = False
        self.sel.unregister(conn.sock)
        conn.state = "busy"
        conn.sock.settimeout(self.limits.write_timeout_s)
        self.pools[self.pool_of(req)].submit(self._run, conn, req)

    def _reserve(self, conn, declared):
        n = declared if declared is not None else MAX_BODY_BYTES
        with self.pending_lock:
            if self.pending_bytes + n > self.limits.max_pending_body_bytes:
                raise BadRequest(503, f"the server is holding {self.pending_bytes} bytes of request bodies, its "
                                      f"limit is {self.limits.max_pending_body_bytes}: try again")
            self.pending_bytes += n
        conn.reserved = n

    def _releaser(self, n):
        done = []

        def release():
            if not done:
                done.append(True)
                with self.pending_lock:
                    self.pending_bytes -= n
        return release

    def _run(self, conn, req):
        out = Out(conn.sock)
        keep = False
        try:
            keep = bool(self.handle(req, out)) and req.keep_alive
        except OSError:
            pass
        except Exception as e:
            traceback.print_exc()
            if not out.started:
                try:
                    out.write(error_bytes(500, f"{type(e).__name__}: {e}".splitlines()[0], "InternalServerError"))
                except OSError:
                    pass
        finally:
            req.release()
            req.body = None
            self.back.put((conn, keep))
            self._wake()

    def _returned(self, now):
        while True:
            try:
                conn, keep = self.back.get_nowait()
            except queue.Empty:
                return
            if not keep or self.stopping:
                self._close(conn)
                continue
            conn.sock.setblocking(False)
            conn.state = "read"
            conn.idle = not conn.buf
            conn.deadline = now + (self.limits.keepalive_idle_s if conn.idle else self.limits.read_timeout_s)
            self.conns.pop(conn)
            self.conns[conn] = None          # the order of the longest waiting, for _evict
            self.sel.register(conn.sock, selectors.EVENT_READ, conn)
            if conn.buf:
                self._advance(conn)

    def _sweep(self, now):
        if not self.accepting and len(self.conns) < self.limits.max_connections:
            self.sel.register(self.listener, selectors.EVENT_READ, "accept")
            self.accepting = True
        for conn in [c for c in self.conns if c.state != "busy" and now >= c.deadline]:
            if conn.state == "linger" or conn.idle or not (conn.buf or conn.framer.started):
                self._close(conn)
            else:
                self._refuse(conn, 408, f"the request was not whole within {self.limits.read_timeout_s:g} s")

    def _refuse(self, conn, code, message):
        try:
            conn.sock.send(error_bytes(code, message, "ServiceUnavailable" if code == 503 else "BadRequestError"))
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(conn)
            return
        self._free(conn)
        conn.buf = bytearray()
        conn.state = "linger"
        conn.deadline = time.monotonic() + LINGER_S

    def _free(self, conn):
        if conn.reserved:
            self._releaser(conn.reserved)()
            conn.reserved = 0

    def _close(self, conn):
        self._free(conn)
        self.conns.pop(conn, None)
        if conn.state != "busy":
            try:
                self.sel.unregister(conn.sock)
            except (KeyError, ValueError):
                pass
        try:
            conn.sock.close()
        except OSError:
            pass
