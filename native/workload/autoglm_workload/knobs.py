"""The knobs autoglm turns: names, types, defaults, allowed values, meanings (docs/workload.md#knobs).

Every fix in the rule catalogue that the workload can apply is a change of these knobs, so autoglm's
--verify can re-run the workload with it.
"""

from dataclasses import dataclass


class KnobError(ValueError):
    """A knob name or value that cannot be used: one line for the user."""


@dataclass(frozen=True)
class Knob:
    name: str
    kind: str          # int, float, choice, dist, bool, image
    default: object
    help: str
    choices: tuple = ()
    minimum: float = None


KNOBS = [
    Knob("device", "choice", "auto", "where the model runs: auto (cuda when available)", ("auto", "cpu", "cuda")),
    Knob("dtype", "choice", "auto", "weights and activations: auto is bf16 on CUDA, fp32 on CPU",
         ("auto", "fp32", "fp16", "bf16")),
    Knob("tf32", "bool", False, "allow TF32 for float32 matmuls and convolutions (CUDA)"),
    Knob("layers", "int", 0, "use this many layers of the preset (0: all)", minimum=0),
    Knob("requests", "int", 8, "requests (or conversations) to serve after warm-up", minimum=1),
    Knob("batch", "int", 1, "requests per batch (static batching)", minimum=1),
    Knob("prompt_len", "dist", "128", "prompt length in tokens: N, uniform:A-B, mixed:SHORT,LONG,SHARE"),
    Knob("output_len", "dist", "0", "tokens a request wants before it stops (its EOS): N, uniform:A-B, "
         "mixed:...; 0 means max_new_tokens"),
    Knob("max_new_tokens", "int", 32, "decode steps at most per batch", minimum=1),
    Knob("padding", "choice", "longest", "how a batch's prompts are padded: to max_length, to the longest in "
         "the batch, length-bucketed batches, or all requests sorted by length first",
         ("max", "longest", "bucketed", "sorted")),
    Knob("max_length", "int", 2048, "the length padding=max pads every prompt to", minimum=1),
    Knob("kv_cache", "bool", True, "keep keys and values; off re-feeds the whole sequence every step"),
    Knob("mode", "choice", "eager", "decode step: eager; graphs (static cache, CUDA graph per batch size); "
         "compile (static cache, torch.compile mode=reduce-overhead)", ("eager", "graphs", "compile")),
    Knob("pipeline", "choice", "inline", "input pipeline: pre-process each batch in the loop (inline) or in "
         "a background thread that runs one batch ahead (prefetch)", ("inline", "prefetch")),
    Knob("preprocess_ms", "float", 0.0, "CPU pre-processing per request (hashing, GIL released, like a "
         "native tokenizer)", minimum=0),
    Knob("pin_memory", "bool", False, "build input batches in pinned host memory and copy them non_blocking"),
    Knob("num_beams", "int", 1, "beam search width (1: greedy)", minimum=1),
    Knob("turns", "int", 1, "turns per conversation: each turn's prompt carries the history so far", minimum=1),
    Knob("history_window", "int", 0, "keep only the last N history tokens in later turns (0: all); this changes "
         "what the model sees", minimum=0),
    Knob("prefix_cache", "bool", False, "keep each conversation's keys and values after a turn and reuse them for "
         "the prefix the next turn's prompt shares with it (the same outputs, less recomputation)"),
    Knob("system_len", "int", 0, "system prompt tokens at the start of every conversation", minimum=0),
    Knob("image", "image", "none", "a new screenshot of WxH pixels in every turn's prompt, earlier ones dropped "
         "from the history (needs a preset with a vision tower), or none"),
    Knob("max_pixels", "int", 11760000, "the image processor's max_pixels (two frames x height x width), as "
         "GLM-4.1V's processor resizes", minimum=3136),
    Knob("action_ms", "float", 0.0, "idle time between the turns of a conversation (the phone acting on the "
         "answer)", minimum=0),
    Knob("warmup", "int", 1, "warm-up batches before the measured requests (same shapes as the first)",
         minimum=0),
    Knob("seed", "int", 0, "seed for lengths and weights"),
    Knob("bandwidth_gbps", "float", 0.0, "device memory bandwidth, when already measured (0: measure it)",
         minimum=0),
    Knob("fail_at_step", "int", 0, "raise an error at this measured step (fault injection for tests; 0: off)",
         minimum=0),
]

BY_NAME = {k.name: k for k in KNOBS}


def parse_bool(name, text):
    t = str(text).lower()
    if t in ("1", "on", "true", "yes"):
        return True
    if t in ("0", "off", "false", "no"):
        return False
    raise KnobError(f"{name}={text}: expected on or off")


def parse_value(knob, text):
    if knob.kind == "bool":
        return parse_bool(knob.name, text)
    if knob.kind == "choice":
        if text not in knob.choices:
            raise KnobError(f"{knob.name}={text}: expected one of {', '.join(knob.choices)}")
        return text
    if knob.kind == "image":
        if text == "none":
            return text
        w, sep, h = text.partition("x")
        if not sep or not w.isdigit() or not h.isdigit() or int(w) < 28 or int(h) < 28:
            raise KnobError(f"{knob.name}={text}: expected WIDTHxHEIGHT (at least 28x28) or none")
        return text
    if knob.kind == "dist":
        from .lengths import Distribution
        Distribution.parse(knob.name, text)
        return text
    try:
        value = int(text) if knob.kind == "int" else float(text)
    except ValueError:
        raise KnobError(f"{knob.name}={text}: expected {'an integer' if knob.kind == 'int' else 'a number'}")
    if knob.minimum is not None and value < knob.minimum:
        raise KnobError(f"{knob.name}={text}: must be at least {knob.minimum:g}")
    return value


def resolve(scenario_knobs, pairs):
    """Defaults, then the scenario's knobs, then NAME=VALUE pairs (later wins). Returns a dict."""
    values = {k.name: k.default for k in KNOBS}
    for source in (list(scenario_knobs.items()), [split(p) for p in pairs]):
        for name, text in source:
            knob = BY_NAME.get(name)
            if knob is None:
                raise KnobError(f"unknown knob {name!r}: known are {', '.join(BY_NAME)}")
            values[name] = parse_value(knob, str(text)) if isinstance(text, str) else text
    return values


def split(pair):
    if "=" not in pair:
        raise KnobError(f"{pair!r}: a knob is NAME=VALUE")
    name, _, value = pair.partition("=")
    return name.strip(), value.strip()


def describe():
    """The knobs as data (autoglm's --list-knobs, docs)."""
    return [dict(name=k.name, type=k.kind, default=k.default, choices=list(k.choices), help=k.help) for k in KNOBS]
