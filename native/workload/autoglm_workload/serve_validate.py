"""What a completion request's body may hold, checked whole before anything of it reaches the engine
(docs/serve.md#limits): a JSON object (nesting too deep for the parser is refused, not a crash), and each field the
server reads of the type OpenAI's API gives it. A bool is not a number here (Python's bool is an int): max_tokens
true is refused, not taken as 1. Every refusal is an Invalid, answered 400 with its message."""

import json


class Invalid(ValueError):
    pass


class Ask:
    """The fields of a valid body the server uses (the prompt is built from `messages` or `prompt` afterwards)."""

    def __init__(self, model, source, max_tokens, stream, include_usage, thinking):
        self.model, self.source, self.max_tokens = model, source, max_tokens
        self.stream, self.include_usage, self.thinking = stream, include_usage, thinking


def parse(raw):
    """The body as a JSON object, or Invalid."""
    try:
        body = json.loads(raw)
    except RecursionError:
        raise Invalid("the body is not a JSON object: it nests too deep")
    except ValueError as e:          # JSONDecodeError, UnicodeDecodeError, an integer over Python's digit limit
        raise Invalid(f"the body is not a JSON object: {e}")
    if not isinstance(body, dict):
        raise Invalid("the body is not a JSON object")
    return body


def check(body, chat):
    """The Ask of a parsed body, or Invalid naming the first field of the wrong type."""
    model = _optional(body, "model", str, "a string")
    source = body.get("messages") if chat else body.get("prompt")
    asked = None
    for name in ("max_completion_tokens", "max_tokens"):
        v = _optional(body, name, int, "a positive integer")
        if v is not None and v < 1:
            raise Invalid(f"{name} must be a positive integer")
        if asked is None:
            asked = v
    stream = _optional(body, "stream", bool, "true or false")
    options = _optional(body, "stream_options", dict, "an object")
    usage = _optional(options or {}, "include_usage", bool, "true or false", "stream_options.")
    kwargs = _optional(body, "chat_template_kwargs", dict, "an object")
    thinking = _optional(kwargs or {}, "enable_thinking", bool, "true or false", "chat_template_kwargs.")
    return Ask(model, source, asked, bool(stream), bool(usage), chat and thinking is not False)


def _optional(obj, name, kind, says, prefix=""):
    v = obj.get(name)
    if v is None:
        return None
    if not isinstance(v, kind) or (kind is int and isinstance(v, bool)):
        raise Invalid(f"{prefix}{name} must be {says}, not {_json_type(v)}")
    return v


def _json_type(v):
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    return "an object"
