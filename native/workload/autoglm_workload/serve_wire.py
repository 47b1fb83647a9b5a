"""HTTP/1.1 request framing for the reference server (docs/serve.md#limits), with no socket in it: bytes go in as they
arrive, whole requests come out. The head is refused past MAX_HEAD_BYTES (431) or MAX_HEADERS header lines (431); a
body past MAX_BODY_BYTES is refused from its Content-Length, before it is read (413), or as soon as a chunked body
passes it (413). Framing that could be read two ways is refused (400), as RFC 9112 section 6.3 asks: two
Content-Length values that differ, a Content-Length with a Transfer-Encoding, a Transfer-Encoding other than chunked
(501), a bad chunk size."""

import re

MAX_HEAD_BYTES = 64 * 1024            # request line and headers, the blank line included
MAX_HEADERS = 100                     # header lines (http.client's own limit)
MAX_BODY_BYTES = 64 * 1024 * 1024     # a request body, declared or chunked
MAX_CHUNK_LINE_BYTES = 1024           # one chunk-size line, extensions included
MAX_METHOD_BYTES = 16                 # a method (the longest registered is under 16)

_TOKEN = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+\Z")
_VERSION = re.compile(rb"HTTP/1\.[01]\Z")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,15}\Z")


class BadRequest(Exception):
    """The request cannot be read: the server answers with `code` and this message, then closes the connection."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


class Request:
    """A whole request: method, target, path (the target without its query), version, headers (lower-cased names
    to the value, repeated ones joined by ", "), the body, and whether the connection stays open after the answer."""

    def __init__(self, method, target, version, headers, body=b""):
        self.method, self.target, self.version, self.headers, self.body = method, target, version, headers, body
        self.release = lambda: None      # gives back the body's share of the server's budget (serve_server)
        self.path = target.split("?", 1)[0]
        conn = headers.get("connection", "").lower()
        tokens = {t.strip() for t in conn.split(",")}
        self.keep_alive = "keep-alive" in tokens if version == "HTTP/1.0" else "close" not in tokens


class Framer:
    """One request at a time off a connection's bytes. feed(buf) takes what it can from the front of `buf` (a
    bytearray the caller appends to) and returns a Request once one is whole, else None; raises BadRequest.
    `expect_continue` is set once a head asking "Expect: 100-continue" was read with its body still to come, and
    `started` once any byte of a request has arrived."""

    def __init__(self, max_body_bytes=MAX_BODY_BYTES):
        self.max_body = max_body_bytes
        self.on_head = None              # called with the declared body size (None: chunked) once a head says a
        self.reset()                     # body follows; may raise BadRequest

    def reset(self):
        self.state = "head"
        self.scanned = 0                 # bytes of the buffer already searched for the head's end
        self.head = None                 # (method, target, version, headers) once read
        self.length = 0                  # Content-Length still to read, in the "body" state
        self.parts, self.size = [], 0    # a chunked body so far
        self.chunk_left = 0
        self.expect_continue = False
        self.started = False

    def feed(self, buf):
        if buf:
            self.started = True
        while True:
            if self.state == "head":
                if not self._head(buf):
                    return None
            elif self.state == "body":
                if len(buf) < self.length:
                    return None
                return self._done(_take(buf, self.length))
            elif self.state == "size":
                if not self._size_line(buf):
                    return None
            elif self.state == "data":
                if len(buf) < self.chunk_left + 2:
                    return None
                if buf[self.chunk_left:self.chunk_left + 2] != b"\r\n":
                    raise BadRequest(400, "a chunk of the body does not end with CRLF")
                self.parts.append(_take(buf, self.chunk_left))
                del buf[:2]
                self.state = "size"
            elif self.state == "trailer":
                end = buf.find(b"\r\n")
                if end < 0:
                    if len(buf) > MAX_HEAD_BYTES:
                        raise BadRequest(431, f"the body's trailer is longer than {MAX_HEAD_BYTES} bytes")
                    return None
                del buf[:end + 2]
                if end == 0:
                    body = b"".join(self.parts)
                    self.parts = []
                    return self._done(body)

    def _done(self, body):
        method, target, version, headers = self.head
        req = Request(method, target, version, headers, body)
        self.reset()
        return req

    def _head(self, buf):
        if self.scanned == 0:
            # empty lines before a request line are skipped (RFC 9112 section 2.2)
            while buf[:2] == b"\r\n":
                del buf[:2]
        end = buf.find(b"\r\n\r\n", max(0, self.scanned - 3))
        if end < 0:
            if len(buf) > MAX_HEAD_BYTES:
                raise BadRequest(431, f"the request line and headers are longer than {MAX_HEAD_BYTES} bytes")
            _early_check(buf)
            self.scanned = len(buf)
            return False
        if end + 4 > MAX_HEAD_BYTES:
            raise BadRequest(431, f"the request line and headers are longer than {MAX_HEAD_BYTES} bytes")
        raw = bytes(buf[:end])
        del buf[:end + 4]
        lines = raw.split(b"\r\n")
        method, target, version = _request_line(lines[0])
        if len(lines) - 1 > MAX_HEADERS:
            raise BadRequest(431, f"more than {MAX_HEADERS} header lines")
        fields = {}
        for line in lines[1:]:
            name, sep, value = line.partition(b":")
            if not sep or not _TOKEN.match(name):
                raise BadRequest(400, "a header line is not NAME: VALUE")
            try:
                text = value.strip(b" \t").decode("latin-1")
            except UnicodeDecodeError:
                raise BadRequest(400, "a header value cannot be read")
            fields.setdefault(name.decode("ascii").lower(), []).append(text)
        headers = {k: ", ".join(v) for k, v in fields.items()}
        self.head = (method, target, version, headers)
        te = fields.get("transfer-encoding")
        cl = fields.get("content-length")
        if te is not None:
            if cl is not None:
                raise BadRequest(400, "both Content-Length and Transfer-Encoding: the body's length is ambiguous")
            if version == "HTTP/1.0":
                raise BadRequest(400, "Transfer-Encoding in an HTTP/1.0 request")
            if [t.strip().lower() for t in ", ".join(te).split(",")] != ["chunked"]:
                raise BadRequest(501, "only Transfer-Encoding: chunked is read")
            self.state = "size"
        elif cl is not None:
            values = {v.strip() for item in cl for v in item.split(",")}
            if len(values) != 1:
                raise BadRequest(400, "Content-Length given twice with different values")
            value = values.pop()
            if not value.isdigit() or not value.isascii() or len(value) > 18:
                raise BadRequest(400, "Content-Length is not a whole number of bytes")
            self.length = int(value)
            if self.length > self.max_body:
                raise BadRequest(413, f"the body ({self.length} bytes) is over the server's limit of "
                                      f"{self.max_body} bytes")
            self.state = "body"
        else:
            self.state, self.length = "body", 0
        body_follows = self.state != "body" or self.length > 0
        if body_follows and self.on_head is not None:
            self.on_head(self.length if self.state == "body" else None)
        self.expect_continue = body_follows and headers.get("expect", "").lower() == "100-continue"
        return True

    def _size_line(self, buf):
        end = buf.find(b"\r\n", 0, MAX_CHUNK_LINE_BYTES + 2)
        if end < 0:
            if len(buf) > MAX_CHUNK_LINE_BYTES:
                raise BadRequest(400, f"a chunk-size line is longer than {MAX_CHUNK_LINE_BYTES} bytes")
            return False
        size = bytes(buf[:end]).split(b";", 1)[0].strip(b" \t")
        del buf[:end + 2]
        if not _HEX.match(size):
            raise BadRequest(400, "a chunk size is not a hexadecimal number")
        n = int(size, 16)
        if self.size + n > self.max_body:
            raise BadRequest(413, f"the chunked body is over the server's limit of {self.max_body} bytes")
        self.size += n
        self.chunk_left = n
        self.state = "data" if n else "trailer"
        return True


def _early_check(buf):
    """What cannot begin a request is refused at once, not at the read deadline: bytes that are no method (a TLS
    hello to this plain server), or a request line that is whole and wrong."""
    line_end = buf.find(b"\r\n")
    if line_end >= 0:
        _request_line(bytes(buf[:line_end]))
        return
    start = bytes(buf[:MAX_METHOD_BYTES + 1])
    method = start.split(b" ", 1)[0]
    if method and (not _TOKEN.match(method) or (b" " not in start and len(start) > MAX_METHOD_BYTES)):
        raise BadRequest(400, "this is not an HTTP request")


def _request_line(line):
    parts = line.split(b" ")
    if len(parts) != 3 or not _TOKEN.match(parts[0]) or not parts[1] or not _VERSION.match(parts[2]):
        raise BadRequest(400, "the request line is not METHOD TARGET HTTP/1.x")
    try:
        target = parts[1].decode("ascii")
    except UnicodeDecodeError:
        raise BadRequest(400, "the request target is not ASCII")
    return parts[0].decode("ascii"), target, parts[2].decode("ascii")


def _take(buf, n):
    """The first n bytes of buf, removed from it (one copy; a buffer that was all body is emptied and freed)."""
    if n == len(buf):
        out = bytes(buf)
        buf.clear()
        return out
    with memoryview(buf) as view:
        out = bytes(view[:n])
    del buf[:n]
    return out
