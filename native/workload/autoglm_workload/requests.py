"""The requests to serve and how they are grouped into batches under each padding strategy."""

import random
from dataclasses import dataclass

from .lengths import Distribution


@dataclass
class Request:
    id: int
    prompt_lens: list      # new user tokens per turn
    output_len: int        # tokens wanted per turn before the request stops (its EOS)


def make_requests(knobs, count, first_id, rng: random.Random):
    prompt = Distribution.parse("prompt_len", knobs["prompt_len"])
    output = Distribution.parse("output_len", knobs["output_len"])
    out = []
    for i in range(count):
        lens = [prompt.sample(rng) for _ in range(knobs["turns"])]
        wanted = output.sample(rng) or knobs["max_new_tokens"]
        out.append(Request(first_id + i, lens, min(max(1, wanted), knobs["max_new_tokens"])))
    return out


def bucket_of(length):
    """Length buckets: powers of two from 64."""
    b = 64
    while b < length:
        b *= 2
    return b


def make_batches(requests, knobs):
    """Groups requests into batches. max and longest keep arrival order; sorted sorts all requests by
    length first; bucketed groups requests of the same power-of-two length bucket (arrival order kept
    within a bucket)."""
    size = knobs["batch"]
    padding = knobs["padding"]
    if padding == "sorted":
        ordered = sorted(requests, key=lambda r: r.prompt_lens[0])
        return [ordered[i:i + size] for i in range(0, len(ordered), size)]
    if padding == "bucketed":
        buckets = {}
        for r in requests:
            buckets.setdefault(bucket_of(r.prompt_lens[0]), []).append(r)
        out = []
        for key in sorted(buckets):
            group = buckets[key]
            out.extend(group[i:i + size] for i in range(0, len(group), size))
        return out
    return [requests[i:i + size] for i in range(0, len(requests), size)]


def padded_length(lengths, knobs):
    """The length a batch's prompts are padded to."""
    if knobs["padding"] == "max":
        return max(knobs["max_length"], max(lengths))
    return max(lengths)
