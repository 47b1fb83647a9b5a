"""From an OpenAI chat request to the token ids the reference server prefills (docs/serve.md#prompts).

There is no GLM tokenizer here (no download): text is cut into pieces of at most four word characters, single
punctuation marks, single CJK characters and whitespace runs, and each piece is hashed to an id. English text
gives about one id per four characters, as GLM's tokenizer roughly does; the ids themselves are not GLM's.
The chat template follows GLM-4's shape ([gMASK]<sop>, a role token before each message, <|assistant|> last).

Images are counted as the GLM-4.1V processor counts them (transformers' Glm4vImageProcessor): the image is
resized so both sides are multiples of 28 (patch 14, 2x2 merge), its two temporal frames times height times width
within [min_pixels, max_pixels], and gives (h/14)(w/14)/4 tokens between <|begin_of_image|> and
<|end_of_image|>. Their ids come from a hash of the image's bytes, so the same image gives the same ids (vLLM's
prefix cache also hashes images)."""

import base64
import binascii
import math
import re
import struct
import zlib

SPECIAL = {"[gMASK]": 1, "<sop>": 2, "<|system|>": 3, "<|user|>": 4, "<|assistant|>": 5,
           "<|begin_of_image|>": 6, "<|end_of_image|>": 7, "<|observation|>": 8}
FIRST_ID = 16
PATCH = 14
MERGE = 2
TEMPORAL = 2
MIN_PIXELS = 112 * 112
MAX_PIXELS = 28 * 28 * 15000   # Glm4vImageProcessor size["longest_edge"]
_PIECE = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff]|\w{1,4}|\s+|[^\w\s]")


class PromptError(ValueError):
    """The request cannot be turned into a prompt: the server answers 400 with this message."""


class TooLong(PromptError):
    """The prompt has more ids than the limit it was built under (it was cut no further)."""

    def __init__(self, limit):
        super().__init__(f"the prompt has more than {limit} tokens")
        self.limit = limit


class Ids(list):
    """Prompt ids that refuse to grow past `limit` (None: no limit): a prompt is cut into pieces only until it is
    known not to fit, so that what a request costs before its 400 is bounded by the limit, not by its length. No
    count of characters or bytes can refuse a prompt sooner: a whitespace run of any length is one piece."""

    def __init__(self, limit=None):
        super().__init__()
        self.limit = limit

    def add(self, ids):
        self.extend(ids)
        if self.limit is not None and len(self) > self.limit:
            raise TooLong(self.limit)

    def text(self, text, vocab):
        if self.limit is None:
            self.extend(text_ids(text, vocab))
            return
        span = vocab - FIRST_ID
        room = self.limit - len(self)
        for m in _PIECE.finditer(text):
            if room <= 0:
                raise TooLong(self.limit)
            self.append(FIRST_ID + zlib.crc32(m.group().encode("utf-8")) % span)
            room -= 1


def text_ids(text, vocab):
    span = vocab - FIRST_ID
    return [FIRST_ID + zlib.crc32(p.encode("utf-8")) % span for p in _PIECE.findall(text)]


def smart_resize(height, width, min_pixels=MIN_PIXELS, max_pixels=MAX_PIXELS):
    """Glm4vImageProcessor's smart_resize for one image (two temporal frames)."""
    factor = PATCH * MERGE
    if height < factor or width < factor:
        scale = max(factor / height, factor / width)
        height, width = int(height * scale), int(width * scale)
    if max(height, width) / min(height, width) > 200:
        raise PromptError(f"image aspect ratio {max(height, width) / min(height, width):.0f} is above 200")
    h_bar = round(height / factor) * factor
    w_bar = round(width / factor) * factor
    if TEMPORAL * h_bar * w_bar > max_pixels:
        beta = math.sqrt(TEMPORAL * height * width / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif TEMPORAL * h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (TEMPORAL * height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


def image_tokens(height, width, max_pixels=MAX_PIXELS):
    h, w = smart_resize(height, width, max_pixels=max_pixels)
    return (h // PATCH) * (w // PATCH) // (MERGE * MERGE)


def png_size(data):
    """Width and height from a PNG's IHDR chunk (JPEG and others are refused: the agent sends PNG)."""
    if len(data) < 24 or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise PromptError("image_url: only PNG images are read by this server (no PNG signature)")
    width, height = struct.unpack(">II", data[16:24])
    if width == 0 or height == 0:
        raise PromptError("image_url: the PNG is 0 pixels wide or high")
    return width, height


def decode_image(url):
    prefix, sep, payload = url.partition(",")
    if not sep or not prefix.startswith("data:image/") or not prefix.endswith(";base64"):
        raise PromptError("image_url: only data:image/...;base64, URLs are accepted (nothing is fetched)")
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise PromptError("image_url: the base64 payload cannot be decoded")


class Prompt:
    """The ids to prefill, with how many of them came from images, and where each image's tokens are:
    (first position, tokens, patch rows, patch columns, a seed from the image's bytes) for a vision tower."""

    def __init__(self, ids, image_tokens, images, spans=()):
        self.ids, self.image_tokens, self.images = ids, image_tokens, images
        self.spans = list(spans)


def image_ids(data, count, vocab):
    seed = zlib.crc32(data)
    span = vocab - FIRST_ID
    return [FIRST_ID + (seed + 7919 * i) % span for i in range(count)]


def chat_prompt(messages, vocab, max_pixels=MAX_PIXELS, limit=None):
    """The prompt of a chat request; raises PromptError for a malformed one, TooLong past `limit` ids."""
    if not isinstance(messages, list) or not messages:
        raise PromptError("messages must be a non-empty list")
    ids = Ids(limit)
    ids.add([SPECIAL["[gMASK]"], SPECIAL["<sop>"]])
    images = 0
    img_tokens = 0
    spans = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in ("system", "user", "assistant", "tool"):
            raise PromptError(f"messages[{i}]: a message needs a role of system, user, assistant or tool")
        role = m["role"]
        ids.add([SPECIAL["<|observation|>" if role == "tool" else f"<|{role}|>"]])
        content = m.get("content")
        if content is None:
            continue
        if isinstance(content, str):
            ids.text(content, vocab)
            continue
        if not isinstance(content, list):
            raise PromptError(f"messages[{i}].content must be a string or a list of parts")
        for part in content:
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == "text":
                text = part.get("text", "")
                if not isinstance(text, str):
                    raise PromptError(f"messages[{i}]: a text part's text must be a string")
                ids.text(text, vocab)
            elif kind == "image_url":
                url = part.get("image_url", {})
                url = url.get("url") if isinstance(url, dict) else url
                if not isinstance(url, str):
                    raise PromptError(f"messages[{i}]: image_url needs a url")
                data = decode_image(url)
                width, height = png_size(data)
                n = image_tokens(height, width, max_pixels)
                h, w = smart_resize(height, width, max_pixels=max_pixels)
                ids.add([SPECIAL["<|begin_of_image|>"]])
                if limit is not None and len(ids) + n > limit:
                    raise TooLong(limit)
                spans.append((len(ids), n, h // PATCH, w // PATCH, zlib.crc32(data)))
                ids.add(image_ids(data, n, vocab))
                ids.add([SPECIAL["<|end_of_image|>"]])
                images += 1
                img_tokens += n
            else:
                raise PromptError(f"messages[{i}]: unsupported content part type {kind!r}")
    ids.add([SPECIAL["<|assistant|>"]])
    return Prompt(list(ids), img_tokens, images, spans)


def completion_prompt(prompt, vocab, limit=None):
    """The prompt of a completion request (a string, or a list of one); TooLong past `limit` ids."""
    if isinstance(prompt, list) and len(prompt) == 1:
        prompt = prompt[0]
    if not isinstance(prompt, str):
        raise PromptError("prompt must be a string")
    ids = Ids(limit)
    ids.text(prompt, vocab)
    return Prompt(list(ids), 0, 0)


def words(token_ids):
    """Readable text for generated ids (the weights are random: the text means nothing)."""
    syllables = ("ka", "lo", "mi", "ra", "te", "su", "no", "vi", "de", "pa", "zu", "ho", "ne", "ti", "bo", "ga")
    out = []
    for t in token_ids:
        out.append(" " + syllables[t % 16] + syllables[(t // 16) % 16])
    return "".join(out)
