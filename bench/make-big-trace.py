#!/usr/bin/env python3
"""Builds a large Kineto trace by replicating the events of a real one, for the reader benchmark.

The events are copied as text, in Kineto's own formatting, N times; each copy is shifted in time
past the previous one (timestamps keep their exact decimal digits) and gets its own correlation,
External id and flow ids, so the copies stay distinct and every launch still joins its kernel.

Usage: make-big-trace.py SOURCE.json[.gz] OUT.json MIN_BYTES
"""
import gzip
import re
import sys

NUM = r"-?\d+(?:\.\d+)?"
TS = re.compile(r'("ts":\s*)(' + NUM + r')')
IDS = re.compile(r'("(?:correlation|External id|id)":\s*)(\d+)')


def main(src, out, min_bytes):
    opener = gzip.open if open(src, "rb").read(2) == b"\x1f\x8b" else open
    with opener(src, "rt", encoding="utf-8") as f:
        text = f.read()
    start = text.index('"traceEvents"')
    open_bracket = text.index("[", start)
    close_bracket = text.rindex("]")
    head, body, tail = text[:open_bracket + 1], text[open_bracket + 1:close_bracket], text[close_bracket:]
    body = body.strip().rstrip(",")

    stamps = [float(m.group(2)) for m in TS.finditer(body)]
    span_us = int(max(stamps) - min(stamps)) + 1000
    max_id = max(int(m.group(2)) for m in IDS.finditer(body)) + 1

    copies = max(1, -(-min_bytes // len(body.encode("utf-8"))))
    with open(out, "w", encoding="utf-8") as w:
        w.write(head)
        for k in range(copies):
            shift_us = k * span_us
            shift_id = k * max_id

            def ts(m):
                whole, _, frac = m.group(2).partition(".")
                return m.group(1) + str(int(whole) + shift_us) + ("." + frac if frac else "")

            def ident(m):
                return m.group(1) + str(int(m.group(2)) + shift_id)

            chunk = body if k == 0 else IDS.sub(ident, TS.sub(ts, body))
            w.write(("," if k else "") + "\n" + chunk)
        w.write("\n" + tail)
    print(f"{out}: {copies} copies of {len(body) / 1e6:.1f} MB of events")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], int(float(sys.argv[3])))
