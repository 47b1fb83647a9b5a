"""python3 -m autoglm_workload.serve --model glm-tiny|glm-4-9b [--port P] [--max-num-seqs N] [--prefix-cache on|off]

The reference OpenAI-compatible server (docs/serve.md): /v1/chat/completions and /v1/completions (streaming and
not), /v1/models, /health, /metrics under vLLM's names, POST /start_profile and /stop_profile (torch.profiler traces
into --profile-dir, as vLLM's VLLM_TORCH_PROFILER_DIR); one JSON line per finished request on stdout. Connections are
read off one thread with a deadline per request, answered by bounded pools (serve_server; the limits: docs/serve.md). Real compute: the GLM model of this package with random
weights, continuous batching (serve_engine). Exit codes: 0 stopped by SIGTERM/SIGINT; 2 bad arguments or
environment (one line)."""

import argparse
import json
import os
import signal
import sys
import time
from dataclasses import dataclass

from .presets import PRESETS


@dataclass
class Settings:
    max_num_seqs: int
    max_model_len: int
    max_num_batched_tokens: int
    kv_cache_tokens: int
    prefix_cache: bool
    prefix_cache_blocks: int
    output_tokens: int
    reasoning_share: float
    reasoning_field: str
    max_pixels: int


def parse(argv):
    p = argparse.ArgumentParser(prog="autoglm serve", description=__doc__.split("\n")[0])
    p.add_argument("--model", required=True, help="a preset: " + ", ".join(PRESETS))
    p.add_argument("--served-model-name", default=None, help="the name clients send (default: the preset's)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000, help="0 picks a free port (printed when ready)")
    p.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"))
    p.add_argument("--dtype", default="auto", choices=("auto", "fp32", "bf16", "fp16"))
    p.add_argument("--max-num-seqs", type=int, default=8, help="requests running at once (vLLM's flag)")
    p.add_argument("--max-model-len", type=int, default=None, help="longest sequence (default min(preset, 16384))")
    p.add_argument("--max-num-batched-tokens", type=int, default=2048,
                   help="tokens one engine step may compute: the prefill chunk budget (vLLM's flag)")
    p.add_argument("--kv-cache-tokens", type=int, default=None,
                   help="KV budget in tokens across running requests (default max-num-seqs x max-model-len)")
    p.add_argument("--prefix-cache", default="on", choices=("on", "off"))
    p.add_argument("--prefix-cache-blocks", type=int, default=4096, help="16-token blocks the prefix cache keeps")
    p.add_argument("--output-tokens", type=int, default=64,
                   help="tokens generated per request when max_tokens allows (the weights are random: no EOS)")
    p.add_argument("--reasoning-share", type=float, default=0.75,
                   help="share of the output sent as reasoning (GLM-4.1V-Thinking thinks first)")
    p.add_argument("--reasoning-field", default="reasoning_content", choices=("reasoning_content", "reasoning"))
    p.add_argument("--max-pixels", type=int, default=28 * 28 * 15000,
                   help="the image processor's max_pixels (vLLM: --mm-processor-kwargs '{\"max_pixels\": N}')")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--fault", default=None, metavar="KIND:N",
                   help="for testing clients (docs/serve.md#faults): exit-after-tokens:N ends the process at once once "
                        "N token frames have been sent, mid-answer; stall-after-tokens:N sends nothing more after the "
                        "Nth while holding every connection open")
    p.add_argument("--profile-dir", default=os.environ.get("VLLM_TORCH_PROFILER_DIR"),
                   help="where POST /start_profile and /stop_profile write torch.profiler traces (default: "
                        "VLLM_TORCH_PROFILER_DIR; unset: the two routes answer 400)")
    # the limits of docs/serve.md#limits that a deployment may want to change
    p.add_argument("--profile-max-s", type=float, default=60.0,
                   help="a profiler session stops by itself after this many seconds (default 60)")
    p.add_argument("--profile-max-mb", type=float, default=1024.0,
                   help="/start_profile is refused (403) once the traces written reach this many MiB (default 1024)")
    p.add_argument("--read-timeout-s", type=float, default=30.0,
                   help="a request's head and body must arrive within this many seconds (else 408; default 30)")
    p.add_argument("--max-connections", type=int, default=1024,
                   help="connections open at once (default 1024; past it the longest waiting one is closed)")
    return p.parse_args(argv)


def fail(message):
    print("autoglm serve: " + message, file=sys.stderr)
    return 2


def main(argv):
    a = parse(argv)
    if a.model not in PRESETS:
        return fail(f"unknown model {a.model!r}: known are {', '.join(PRESETS)}")
    try:
        import torch
    except ImportError:
        return fail(f"PyTorch is not installed for {sys.executable} (Debian: apt install python3-torch)")
    from .runner import DTYPES
    from .serve_engine import Engine
    from .serve_http import make_handler, pool_of
    from .serve_metrics import Metrics
    from .serve_profiler import Profiler
    from .serve_server import Limits, Server
    cfg = PRESETS[a.model]
    device = torch.device("cuda" if a.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if a.device == "auto" else a.device))
    if device.type == "cuda" and not torch.cuda.is_available():
        return fail("--device cuda: this PyTorch sees no CUDA device")
    dtype_name = a.dtype if a.dtype != "auto" else ("bf16" if device.type == "cuda" else "fp32")
    max_len = a.max_model_len or min(cfg.max_positions, 16384)
    for name, v in (("--max-num-seqs", a.max_num_seqs), ("--max-model-len", max_len),
                    ("--max-num-batched-tokens", a.max_num_batched_tokens), ("--output-tokens", a.output_tokens)):
        if v < 1:
            return fail(f"{name} must be at least 1, not {v}")
    if max_len > cfg.max_positions:
        return fail(f"--max-model-len {max_len} is above {a.model}'s {cfg.max_positions} positions")
    if not 0.0 <= a.reasoning_share <= 1.0:
        return fail("--reasoning-share must be within 0..1")
    for name, v in (("--profile-max-s", a.profile_max_s), ("--profile-max-mb", a.profile_max_mb),
                    ("--read-timeout-s", a.read_timeout_s), ("--max-connections", a.max_connections)):
        if not v > 0 or v == float("inf"):
            return fail(f"{name} must be a positive number, not {v}")
    from .serve_http import Fault
    try:
        fault = Fault.parse(a.fault)
    except ValueError as e:
        return fail(f"--fault {a.fault}: {e}")
    settings = Settings(a.max_num_seqs, max_len, a.max_num_batched_tokens,
                        a.kv_cache_tokens or a.max_num_seqs * max_len, a.prefix_cache == "on",
                        a.prefix_cache_blocks, a.output_tokens, a.reasoning_share, a.reasoning_field, a.max_pixels)
    torch.manual_seed(a.seed)
    name = a.served_model_name or a.model
    metrics = Metrics(name, settings)
    try:
        engine = Engine(cfg, device, DTYPES[dtype_name], settings, metrics)
    except RuntimeError as e:
        return fail(f"cannot build {a.model} on {device}: {str(e).splitlines()[0]}")
    if a.profile_dir:
        try:
            os.makedirs(a.profile_dir, exist_ok=True)
        except OSError as e:
            return fail(f"--profile-dir {a.profile_dir}: {e.strerror}")
        engine.profiler = Profiler(a.profile_dir, device, a.profile_max_s, int(a.profile_max_mb * 1024 * 1024))
    raise_file_limit(a.max_connections)
    engine.start()
    try:
        server = Server(a.host, a.port, make_handler(engine, metrics, settings, name, cfg, fault), pool_of,
                        Limits(read_timeout_s=a.read_timeout_s, max_connections=a.max_connections))
    except (OSError, OverflowError) as e:
        engine.stop()
        return fail(f"cannot listen on {a.host}:{a.port}: {getattr(e, 'strerror', None) or e}")

    def on_signal(signum, frame):
        server.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(json.dumps(dict(event="ready", url=f"http://{a.host}:{server.server_address[1]}", model=name,
                          device=str(device), dtype=dtype_name, max_num_seqs=a.max_num_seqs, max_model_len=max_len,
                          prefix_cache=settings.prefix_cache, t=round(time.time() * 1000.0, 3))), flush=True)
    server.serve_forever()
    engine.stop()
    sys.stdout.flush()
    return 0


def raise_file_limit(connections):
    """Room for `connections` sockets and the files of the process: the soft limit on open files raised toward the
    hard one (as the JVM does), where it is lower."""
    try:
        import resource
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = connections + 256
        if soft != resource.RLIM_INFINITY and soft < want:
            resource.setrlimit(resource.RLIMIT_NOFILE, (want if hard == resource.RLIM_INFINITY else min(want, hard),
                                                        hard))
    except (ImportError, ValueError, OSError):
        pass


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
