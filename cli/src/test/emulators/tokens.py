"""The emulator's tokenizer: deterministic, documented, and the same on every engine.

Text: each message's content (a string, or the "text" parts of a list) is cut into pieces of 4 UTF-8 bytes; each
piece is one token (so a content of b bytes is ceil(b / 4) tokens) and its id is a hash of the piece, so the same
text always gives the same ids and a prefix cache can hit on it. Messages are concatenated in order; no role or
template tokens are added.

Images: a data:image/png;base64 image_url is sized from its PNG header (IHDR width and height), resized as
GLM-4.1V's Glm4vImageProcessor does (smart_resize: factor 28 = patch 14 x merge 2, pixels kept within
112*112 .. 28*28*15000, sides rounded to multiples of 28), giving (h/28)*(w/28) tokens, plus IMAGE_OVERHEAD tokens
(the begin/end-of-image markers). Their ids are a hash of the image bytes plus the position, so the same image
repeats its ids. Output tokens are 4-byte words (OUTPUT_WORDS) whose ids are those of the same text, so an answer
sent back in the next turn tokenizes to the ids the server generated.
"""
import base64
import hashlib
import math
import struct

IMAGE_OVERHEAD = 2
FACTOR = 28
MIN_PIXELS = 112 * 112
MAX_PIXELS = 28 * 28 * 15000
OUTPUT_WORDS = [" the", " cat", " sat", " on ", " a m", "at. ", "Then", " it ", "ran ", "off."]
REASONING_WORDS = [" hmm", " let", " me ", "thin", "k ab", "out ", "it. "]


def piece_id(piece):
    return int.from_bytes(hashlib.blake2b(piece, digest_size=8).digest(), "big")


def text_ids(text):
    data = text.encode("utf-8")
    return [piece_id(data[i:i + 4]) for i in range(0, len(data), 4)]


def smart_resize(height, width):
    h_bar = max(FACTOR, round(height / FACTOR) * FACTOR)
    w_bar = max(FACTOR, round(width / FACTOR) * FACTOR)
    if h_bar * w_bar > MAX_PIXELS:
        beta = math.sqrt((height * width) / MAX_PIXELS)
        h_bar = max(FACTOR, math.floor(height / beta / FACTOR) * FACTOR)
        w_bar = max(FACTOR, math.floor(width / beta / FACTOR) * FACTOR)
    elif h_bar * w_bar < MIN_PIXELS:
        beta = math.sqrt(MIN_PIXELS / (height * width))
        h_bar = math.ceil(height * beta / FACTOR) * FACTOR
        w_bar = math.ceil(width * beta / FACTOR) * FACTOR
    return h_bar, w_bar


def png_size(data):
    """(width, height) from a PNG's IHDR, or None when data is not a PNG."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", data[16:24])


def image_tokens(width, height):
    h_bar, w_bar = smart_resize(height, width)
    return (h_bar // FACTOR) * (w_bar // FACTOR) + IMAGE_OVERHEAD


class BadRequest(Exception):
    """A request the engine would refuse (its own error shape is the engine module's business)."""


def image_ids(url):
    prefix = "data:image/png;base64,"
    if not url.startswith(prefix):
        raise BadRequest("image_url must be a data:image/png;base64 URL in this emulator")
    try:
        data = base64.b64decode(url[len(prefix):], validate=False)
    except ValueError:
        raise BadRequest("image_url is not valid base64")
    size = png_size(data)
    if size is None:
        raise BadRequest("image_url is not a PNG")
    n = image_tokens(size[0], size[1])
    base = piece_id(data)
    return [(base + i) & 0xFFFFFFFFFFFFFFFF for i in range(n)], 1


def prompt_ids(body):
    """Token ids and image count of a chat request's messages, or of a completions request's prompt."""
    ids = []
    images = 0
    if "messages" in body:
        msgs = body["messages"]
        if not isinstance(msgs, list) or not msgs:
            raise BadRequest("messages must be a non-empty list")
        for m in msgs:
            if not isinstance(m, dict):
                raise BadRequest("each message must be an object")
            content = m.get("content")
            if content is None:
                continue
            if isinstance(content, str):
                ids.extend(text_ids(content))
                continue
            if not isinstance(content, list):
                raise BadRequest("message content must be a string or a list of parts")
            for part in content:
                kind = part.get("type") if isinstance(part, dict) else None
                if kind == "text":
                    ids.extend(text_ids(str(part.get("text", ""))))
                elif kind == "image_url":
                    iu = part.get("image_url")
                    url = iu.get("url", "") if isinstance(iu, dict) else str(iu or "")
                    more, n = image_ids(url)
                    ids.extend(more)
                    images += n
                else:
                    raise BadRequest("unknown content part type %r" % (kind,))
    elif "prompt" in body:
        prompt = body["prompt"]
        if isinstance(prompt, list):
            prompt = "".join(str(p) for p in prompt)
        ids.extend(text_ids(str(prompt)))
    else:
        raise BadRequest("the request has neither messages nor prompt")
    if not ids:
        raise BadRequest("the prompt is empty")
    return ids, images


def output_text(index, kind):
    """The text of output token index: a content word, a reasoning word, or a think tag."""
    if kind == "think_open":
        return "<think>"
    if kind == "think_close":
        return "</think>"
    if kind == "reasoning":
        return REASONING_WORDS[index % len(REASONING_WORDS)]
    return OUTPUT_WORDS[index % len(OUTPUT_WORDS)]


def output_id(index, kind):
    return piece_id(output_text(index, kind).encode("utf-8"))
