"""The input pipeline: turns a batch of requests into token tensors, with the configured CPU
pre-processing, either inline in the serving loop or one batch ahead in a background thread."""

import hashlib
import queue
import threading
import time

import torch

_BLOCK = bytes(1 << 20)


def preprocess(ms):
    """Real CPU work for ms milliseconds: SHA-256 over 1 MiB blocks. hashlib releases the GIL on large
    buffers, as native tokenizers do, so a background thread does not stall the launching thread."""
    if ms <= 0:
        return
    end = time.perf_counter() + ms / 1000.0
    while time.perf_counter() < end:
        hashlib.sha256(_BLOCK).digest()


class Prepared:
    def __init__(self, requests, new_tokens, patches=None):
        self.requests = requests
        self.new_tokens = new_tokens      # per request: a CPU long tensor of this turn's new tokens
        self.patches = patches            # [requests, patches, values]: this turn's screenshots, or None


def prepare(requests, turn, knobs, generator, vocab, patches=None):
    """New text tokens per request (ids kept clear of the 16 special ids at each end of the vocabulary); with
    patches = (count, values), one screenshot per request as the processor hands it over: normalised pixel values
    in patches (random, seeded)."""
    new = []
    for r in requests:
        preprocess(knobs["preprocess_ms"])
        t = torch.randint(16, vocab - 16, (r.prompt_lens[turn],), generator=generator)
        new.append(t)
    pixels = None
    if patches is not None:
        pixels = torch.rand((len(requests),) + tuple(patches), generator=generator).sub_(0.5).mul_(4.0)
    return Prepared(requests, new, pixels)


class Source:
    """Yields Prepared items for a list of (requests, turn); next() returns (item, seconds waited)."""

    def __init__(self, work, knobs, generator, vocab, patches=None):
        self.work, self.knobs, self.generator, self.vocab = list(work), knobs, generator, vocab
        self.patches = patches
        self.index = 0
        self.thread = None
        if knobs["pipeline"] == "prefetch":
            self.queue = queue.Queue(maxsize=1)
            self.thread = threading.Thread(target=self._produce, name="autoglm-prefetch", daemon=True)
            self.thread.start()

    def _produce(self):
        try:
            for requests, turn in self.work:
                self.queue.put(prepare(requests, turn, self.knobs, self.generator, self.vocab, self.patches))
        except BaseException as e:      # handed to the consumer, which raises it
            self.queue.put(e)

    def next(self):
        start = time.perf_counter()
        if self.thread is None:
            requests, turn = self.work[self.index]
            item = prepare(requests, turn, self.knobs, self.generator, self.vocab, self.patches)
        else:
            item = self.queue.get()
            if isinstance(item, BaseException):
                raise item
        self.index += 1
        return item, time.perf_counter() - start
