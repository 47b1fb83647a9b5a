"""A local Hugging Face checkpoint through transformers (when installed), behind the same interface as the
built-in model: model(ids, positions, cache, mask) and model.cfg. Eager decoding with a dynamic cache."""

import json
import os

from .cli import SetupError
from .presets import GlmConfig


def config_of(path):
    cfg_file = os.path.join(path, "config.json")
    if not os.path.isfile(cfg_file):
        raise SetupError(f"--model {path}: neither a preset nor a checkpoint folder with config.json")
    with open(cfg_file) as f:
        c = json.load(f)
    try:
        heads = c["num_attention_heads"]
        return GlmConfig(name=os.path.basename(os.path.normpath(path)), hidden=c["hidden_size"],
                         layers=c["num_hidden_layers"], heads=heads, kv_heads=c.get("num_key_value_heads", heads),
                         head_dim=c.get("head_dim", c["hidden_size"] // heads), intermediate=c["intermediate_size"],
                         vocab=c["vocab_size"], partial_rotary=c.get("partial_rotary_factor", 1.0),
                         rope_theta=c.get("rope_theta", 10000.0), rms_eps=c.get("rms_norm_eps", 1e-6),
                         attention_bias=c.get("attention_bias", False))
    except KeyError as e:
        raise SetupError(f"--model {path}: config.json lacks {e.args[0]}")


class HfCache:
    """transformers' own cache object, carried through our decoders' cache argument."""

    static = False

    def __init__(self):
        self.past = None
        self.length_ = 0

    def bytes(self):
        total = 0
        for layer in getattr(self.past, "layers", []) or []:
            for t in (getattr(layer, "keys", None), getattr(layer, "values", None)):
                if t is not None:
                    total += t.numel() * t.element_size()
        return total

    def reorder(self, index):
        self.past.reorder_cache(index)


class HfModel:
    def __init__(self, model, cfg):
        self.model, self.cfg = model, cfg

    def eval(self):
        return self

    def new_cache(self):
        return HfCache()

    def __call__(self, ids, positions, cache, mask, slots=None):
        out = self.model(input_ids=ids, position_ids=positions, attention_mask=mask, past_key_values=None if cache is None else cache.past,
                         use_cache=cache is not None, logits_to_keep=1)
        if cache is not None:
            cache.past = out.past_key_values
        return out.logits[:, -1, :]


def load(path, cfg, device, dtype, max_len, knobs):
    if knobs["mode"] != "eager":
        raise SetupError(f"mode={knobs['mode']} runs on the built-in model only; a checkpoint runs eager")
    try:
        import transformers
    except ImportError:
        raise SetupError(f"--model {path}: loading a checkpoint needs transformers, which is not installed")
    model = transformers.AutoModelForCausalLM.from_pretrained(path, torch_dtype=dtype).to(device).eval()
    if knobs["layers"]:
        raise SetupError("layers=N applies to presets only")
    return HfModel(model, cfg)
