"""One workload run: checks the knobs against the machine, estimates the fit, builds the model, measures
bandwidth, serves, and reports memory and the end."""

import os
import platform
import sys
import resource
import time

import torch

from .cli import SetupError, environment
from .lengths import Distribution
from .presets import PRESETS
from .runner import DTYPES, Runner, make_generator, measure_bandwidth


def pick_device(knobs):
    want = knobs["device"]
    if want == "auto":
        want = "cuda" if torch.cuda.is_available() else "cpu"
    if want == "cuda" and not torch.cuda.is_available():
        raise SetupError("device=cuda: this PyTorch sees no CUDA device")
    return torch.device(want)


def pick_dtype(knobs, device):
    name = knobs["dtype"]
    if name == "auto":
        name = "bf16" if device.type == "cuda" else "fp32"
    return name, DTYPES[name]


def check_dtype(name, dtype, device):
    """Refuses a dtype this torch cannot compute on the device (fp16 matmuls on a CPU before torch 2.1)."""
    if device.type != "cpu" or name == "fp32":
        return
    try:
        a = torch.ones((4, 4), dtype=dtype)
        torch.nn.functional.linear(a, a, a[0])
        torch.softmax(a, -1)
    except RuntimeError as e:
        raise SetupError(f"dtype={name}: this PyTorch ({torch.__version__}) cannot compute {name} on a CPU ("
                         f"{str(e).splitlines()[0]}); use dtype=fp32 or a GPU")


def check_model(knobs, cfg):
    if knobs["image"] != "none" and cfg.vision is None:
        raise SetupError(f"image={knobs['image']}: {cfg.name} has no vision tower (autoglm-phone-9b and "
                         f"autoglm-phone-tiny have one)")
    if knobs["prefix_cache"] and not knobs["kv_cache"]:
        raise SetupError("prefix_cache=on reuses keys and values: it needs kv_cache=on")
    if knobs["prefix_cache"] and knobs["num_beams"] > 1:
        raise SetupError("prefix_cache=on with num_beams > 1 is not supported: a conversation keeps one sequence")


def check_mode(knobs, device):
    if knobs["mode"] == "graphs" and device.type != "cuda":
        raise SetupError("mode=graphs: CUDA graphs need device=cuda")
    if knobs["mode"] == "compile" and not hasattr(torch, "compile"):
        raise SetupError(f"mode=compile: torch.compile needs PyTorch 2.0 or later (this is {torch.__version__})")
    if knobs["mode"] != "eager" and not knobs["kv_cache"]:
        raise SetupError(f"mode={knobs['mode']} runs a static KV cache: it needs kv_cache=on")


def image_tokens(knobs):
    """Tokens of one image after the processor's resize (docs/workload.md#images), 0 without images."""
    if knobs["image"] == "none":
        return 0
    from .serve_prompt import image_tokens as count
    w, _, h = knobs["image"].partition("x")
    return count(int(h), int(w), max_pixels=knobs["max_pixels"])


def longest_sequence(knobs):
    """Slots a sequence can need: the longest prompt (system prompt, history, image and template tokens
    included) plus max_new_tokens."""
    per_turn = Distribution.parse("prompt_len", knobs["prompt_len"]).maximum()
    template = 8 if knobs["image"] != "none" else 0
    history = knobs["turns"] * (per_turn + knobs["max_new_tokens"] + template)
    if knobs["history_window"]:
        history = min(history, knobs["history_window"] + per_turn + template)
    history += knobs["system_len"] + image_tokens(knobs)
    width = max(history, knobs["max_length"]) if knobs["padding"] == "max" else history
    return width + knobs["max_new_tokens"] + 1


def free_memory(device):
    if device.type == "cuda":
        free, total = torch.cuda.mem_get_info(device)
        return free, total, "cudaMemGetInfo"
    fields = {}
    with open("/proc/meminfo") as f:
        for line in f:
            key, _, rest = line.partition(":")
            fields[key] = int(rest.split()[0]) * 1024
    return fields.get("MemAvailable", 0), fields.get("MemTotal", 0), "/proc/meminfo MemAvailable"


def check(args, knobs):
    """Everything refused before a run starts (the --check flag, and the start of every run): the device, the
    dtype, the mode, the model's knobs. Returns (device, dtype name, dtype, config); raises SetupError."""
    device = pick_device(knobs)
    dtype_name, dtype = pick_dtype(knobs, device)
    check_dtype(dtype_name, dtype, device)
    check_mode(knobs, device)
    if args.model in PRESETS:
        cfg = PRESETS[args.model]
    else:
        from .hf import config_of
        cfg = config_of(args.model)
    check_model(knobs, cfg)
    return device, dtype_name, dtype, cfg


def reset_peak(device):
    """Starts the peak-memory window: CUDA's allocator peak, or on Linux the process's peak RSS (VmHWM), which
    writing 5 to /proc/self/clear_refs resets."""
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats(device)
        return
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def host_peak():
    """The process's peak RSS since reset_peak: VmHWM, else getrusage's (which no reset reaches)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024, "process peak RSS (VmHWM, reset after the bandwidth check)"
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "process peak RSS (getrusage, not reset)"


def run(args, knobs, events, start):
    device, dtype_name, dtype, cfg = check(args, knobs)
    if device.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = knobs["tf32"]
        torch.backends.cudnn.allow_tf32 = knobs["tf32"]
    torch.manual_seed(knobs["seed"])
    checkpoint = None if args.model in PRESETS else args.model
    if knobs["layers"]:
        cfg = cfg.with_layers(min(knobs["layers"], cfg.layers))
    max_len = longest_sequence(knobs)
    rows = knobs["batch"] * knobs["num_beams"]
    width = torch.finfo(dtype).bits // 8
    weights = cfg.params() * width
    kv = cfg.kv_bytes_per_token(width) * max_len * rows
    free, total, basis = free_memory(device)
    device_name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu ({platform.node()})"
    capability = ".".join(map(str, torch.cuda.get_device_capability(device))) if device.type == "cuda" else None
    events.emit("start", schema=1, workload="autoglm-workload", knobs=knobs, scenario=args.scenario,
                model=dict(name=cfg.name, source="checkpoint" if checkpoint else "preset", path=checkpoint,
                           layers=cfg.layers, hidden=cfg.hidden, heads=cfg.heads, kv_heads=cfg.kv_heads,
                           head_dim=cfg.head_dim, intermediate=cfg.intermediate, vocab=cfg.vocab, params=cfg.params(),
                           weight_bytes=weights, embedding_bytes=cfg.vocab * cfg.hidden * width,
                           kv_bytes_per_token=cfg.kv_bytes_per_token(width), vision_params=cfg.vision_params(),
                           image_tokens=image_tokens(knobs)),
                device=device.type, device_name=device_name, compute_capability=capability, dtype=dtype_name,
                tf32=knobs["tf32"], env=environment())
    events.emit("fit", weights_bytes=weights, kv_bytes=kv, need_bytes=weights + kv, free_bytes=free,
                total_bytes=total, basis=basis, max_len=max_len, rows=rows)
    if weights + kv > free:
        events.emit("error", where="fit", message=f"the model needs {(weights + kv) / 2**30:.1f} GiB "
                    f"(weights {weights / 2**30:.1f} + KV cache {kv / 2**30:.1f}) but {free / 2**30:.1f} GiB is free")
        print(f"autoglm-workload: {cfg.name} in {dtype_name} does not fit: needs {(weights + kv) / 2**30:.1f} GiB, "
              f"{free / 2**30:.1f} GiB free on {device_name}", file=sys.stderr, flush=True)
        return 3
    # measured before the model is built and outside the peak window: its buffers are not the workload's memory
    measure_bandwidth(device, device_name, knobs, events, args.bandwidth_cache)
    reset_peak(device)
    t0 = time.perf_counter()
    if checkpoint is None:
        from .glm import GlmModel
        model = GlmModel(cfg, device, dtype, max_len).eval()
    else:
        from .hf import load
        model = load(checkpoint, cfg, device, dtype, max_len, knobs)
    if device.type == "cuda":
        torch.cuda.synchronize()
    events.emit("load", ms=round((time.perf_counter() - t0) * 1000.0, 3), source="random weights"
                if checkpoint is None else "checkpoint")
    runner = Runner(model, device, dtype, knobs, events, max_len)
    served = runner.serve(make_generator(knobs["seed"]))
    if device.type == "cuda":
        events.emit("memory", peak_bytes=torch.cuda.max_memory_allocated(device),
                    reserved_bytes=torch.cuda.max_memory_reserved(device), total_bytes=total, kind="cuda allocator")
    else:
        peak, kind = host_peak()
        events.emit("memory", peak_bytes=peak, total_bytes=total, kind=kind)
    events.emit("end", status="ok", requests=served, wall_ms=round((time.perf_counter() - start) * 1000.0, 3),
                pid=os.getpid())
    return 0
