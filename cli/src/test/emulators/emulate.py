#!/usr/bin/env python3
"""Engine emulators for autoglm's tests: one process serves one engine's OpenAI API and /metrics from a
simulated engine (sim.py). Usage and every option: README.md beside this file.

    python3 emulate.py --engine ENGINE --port-file FILE --truth FILE [--scenario S] [options]
"""
import argparse
import os
import signal
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import sim  # noqa: E402
import truth as truthlog  # noqa: E402
import server as http  # noqa: E402

ENGINES = ["vllm", "vllm-dp2", "vllm-0.8", "sglang", "sglang-dp2", "tgi", "llamacpp", "llamacpp-old", "ollama"]

# Scenario knobs (README.md, "Scenarios"). Explicit options override them.
BASE = {"slots": 4, "kv_tokens": 65536, "prefix_cache": True, "chunked": True, "chunk_tokens": 2048,
        "prefill_ms": (1.0, 0.005, 0.0), "decode_ms": 3.0}
SCENARIOS = {
    "healthy": {},
    "queueing": {"slots": 1},
    "kv-pressure": {"slots": 8, "kv_tokens": 1536},
    "prefix-miss": {"prefix_cache": False},
    "long-context": {"kv_tokens": 262144, "prefill_ms": (1.0, 0.002, 2e-6)},
    "prefill-interference": {"slots": 8, "chunked": False, "prefill_ms": (1.0, 0.1, 0.0)},
    "image-heavy": {},
}


class Opts:
    """Parsed options: the scenario's knobs with explicit options on top."""

    def __init__(self, ns):
        self.__dict__.update(vars(ns))
        knobs = dict(BASE)
        knobs.update(SCENARIOS[ns.scenario])
        explicit = {"slots": ns.slots, "kv_tokens": ns.kv_tokens, "prefix_cache": ns.prefix_cache,
                    "chunked": ns.chunked_prefill, "chunk_tokens": ns.chunk_tokens, "prefill_ms": ns.prefill_ms,
                    "decode_ms": ns.decode_ms}
        self.explicit = {k: v for k, v in explicit.items() if v is not None}
        knobs.update(self.explicit)
        self.knobs = knobs
        if ns.dp is None:
            self.dp = 2 if ns.engine.endswith("-dp2") else 1
        self.fault_after = None
        if ns.fault:
            self.fault_after = ns.fault

    def apply_to(self, cfg):
        for k, v in self.knobs.items():
            setattr(cfg, k, v)
        cfg.max_output = self.max_output
        cfg.fault_after = self.fault_after
        cfg.think_tokens = self.think_tokens
        if self.block_size is not None:
            cfg.block_size = self.block_size


class Parser(argparse.ArgumentParser):
    def error(self, message):
        sys.stderr.write("emulate.py: %s\n" % message.replace("\n", " "))
        sys.exit(2)


def on_off(v):
    if v not in ("on", "off"):
        raise argparse.ArgumentTypeError("expected on or off, got %r" % v)
    return v == "on"


def positive_int(v):
    try:
        n = int(v)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a positive integer, got %r" % v)
    if n < 1:
        raise argparse.ArgumentTypeError("expected a positive integer, got %r" % v)
    return n


def non_negative_float(v):
    try:
        x = float(v)
    except ValueError:
        raise argparse.ArgumentTypeError("expected a number of milliseconds, got %r" % v)
    if x < 0 or x != x:
        raise argparse.ArgumentTypeError("expected a non-negative number of milliseconds, got %r" % v)
    return x


def prefill_triplet(v):
    parts = v.split(",")
    if len(parts) != 3:
        raise argparse.ArgumentTypeError("expected A,B,C (ms, ms per token, ms per token^2), got %r" % v)
    return tuple(non_negative_float(p) for p in parts)


def fault(v):
    prefix = "error-after-tokens:"
    if not v.startswith(prefix):
        raise argparse.ArgumentTypeError("expected error-after-tokens:N, got %r" % v)
    return positive_int(v[len(prefix):])


def build_parser():
    p = Parser(prog="emulate.py", description="Serve an engine's OpenAI API and /metrics from a simulated engine.")
    p.add_argument("--engine", required=True, choices=ENGINES)
    p.add_argument("--port-file", required=True, help="written (atomically) with the port once serving")
    p.add_argument("--truth", required=True, help="truth log (JSON lines)")
    p.add_argument("--scenario", default="healthy", choices=sorted(SCENARIOS))
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: chosen by the OS)")
    p.add_argument("--served-model-name", default="glm-tiny")
    p.add_argument("--slots", type=positive_int)
    p.add_argument("--kv-tokens", type=positive_int)
    p.add_argument("--block-size", type=positive_int)
    p.add_argument("--prefix-cache", type=on_off)
    p.add_argument("--prefill-ms", type=prefill_triplet)
    p.add_argument("--decode-ms", type=non_negative_float)
    p.add_argument("--chunked-prefill", type=on_off)
    p.add_argument("--chunk-tokens", type=positive_int)
    p.add_argument("--dp", type=positive_int)
    p.add_argument("--max-output", type=positive_int)
    p.add_argument("--max-model-len", type=positive_int, default=32768)
    p.add_argument("--reasoning", action="store_true")
    p.add_argument("--think-tokens", type=positive_int, default=8)
    p.add_argument("--reasoning-parser", type=str, choices=["on", "off"], default="on")
    p.add_argument("--fault", type=fault)
    p.add_argument("--omit", default="", help="metric families to leave out, comma separated")
    p.add_argument("--keepalive-ms", type=non_negative_float)
    p.add_argument("--cache-report", type=on_off,
                   help="usage.prompt_tokens_details.cached_tokens (vLLM --enable-prompt-tokens-details, "
                        "SGLang --enable-cache-report); default off as in both engines")
    p.add_argument("--decode-log-interval", type=positive_int, default=40, help="SGLang's, for its gauges")
    p.add_argument("--no-step-log", action="store_true", help="leave step records out of the truth log")
    return p


def make_engine(opts, clock, truth):
    e = opts.engine
    if e in ("vllm", "vllm-dp2", "vllm-0.8"):
        from engines import vllm as mod
    elif e in ("sglang", "sglang-dp2"):
        from engines import sglang as mod
    elif e == "tgi":
        from engines import tgi as mod
    elif e in ("llamacpp", "llamacpp-old"):
        from engines import llamacpp as mod
    else:
        from engines import ollama as mod
    return mod.make(opts, clock, truth)


def write_port(path, port):
    tmp = "%s.tmp.%d" % (path, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, path)


def main(argv=None):
    ns = build_parser().parse_args(argv)
    opts = Opts(ns)
    opts.omit = {s.strip() for s in ns.omit.split(",") if s.strip()}
    try:
        truth = truthlog.Truth(ns.truth, steps=not ns.no_step_log)
    except OSError as e:
        sys.stderr.write("emulate.py: cannot write the truth log %s: %s\n" % (ns.truth, e.strerror))
        return 2
    clock = sim.Clock()
    engine = make_engine(opts, clock, truth)
    try:
        srv = http.Server(engine, clock, truth)
    except OSError as e:
        sys.stderr.write("emulate.py: cannot listen on 127.0.0.1:%d: %s\n" % (ns.port, e.strerror))
        return 2
    engine.start()

    def on_signal(signum, frame):
        # the main thread only runs serve_forever: leave it, and the finally below cleans up
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        write_port(ns.port_file, srv.server_address[1])
    except OSError as e:
        sys.stderr.write("emulate.py: cannot write the port file %s: %s\n" % (ns.port_file, e.strerror))
        return 2
    try:
        srv.serve_forever(poll_interval=0.1)
    except SystemExit:
        pass
    finally:
        engine.stop()
        srv.server_close()
        truth.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
