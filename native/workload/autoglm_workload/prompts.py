"""What the model sees at each turn of a conversation (docs/workload.md#conversations), as token keys: text token
ids (>= 0) and image tokens (negative keys, unique per image, so two images never share a prefix). A prompt is
its history, then this turn's new text; with an image (the agent scenario), as Open-AutoGLM sends it:

    history  <|user|> <|begin_of_image|> IMAGE x n <|end_of_image|> screen-info text  <|assistant|>

and the history after the turn keeps the text and the answer but drops the image:

    history  <|user|> screen-info text <|assistant|> thinking+answer

so the prefix shared with the next step's prompt ends at that <|user|>. Positions follow GLM-4.1V's M-RoPE:
text tokens advance all three streams together; an image's tokens are at (p, p + row, p + column) on its grid of
merged tokens, and the text after it resumes at p + max(rows, columns)."""

from dataclasses import dataclass

import torch

# ids of the chat template's special tokens, counted down from the top of the vocabulary (random weights: only
# their being distinct matters)
IMAGE, BEGIN_IMAGE, END_IMAGE, USER, ASSISTANT = 1, 2, 3, 4, 5


def special(vocab, which):
    return vocab - which


@dataclass
class Image:
    key: int            # negative, unique per image
    rows: int           # merged-token grid
    cols: int

    @property
    def tokens(self):
        return self.rows * self.cols


def agent_prompt(history, new_text, image, vocab):
    """Keys of one agent step's prompt: the history, then the user message (the image, then the text)."""
    head = [special(vocab, USER), special(vocab, BEGIN_IMAGE)]
    return history + head + [image.key] * image.tokens + [special(vocab, END_IMAGE)] + new_text + \
        [special(vocab, ASSISTANT)]


def agent_history(history, new_text, output, vocab):
    """The history after a step: its user message without the image, and the answer."""
    return history + [special(vocab, USER)] + new_text + [special(vocab, ASSISTANT)] + output


def ids_of(keys, vocab):
    """Token ids the embedding reads: image keys become the image token (their embeddings are replaced)."""
    return [k if k >= 0 else special(vocab, IMAGE) for k in keys]


def positions_of(keys, images, mrope):
    """Positions of a prompt's keys: [T] for 1-D rotary, [3, T] with M-RoPE (images: key -> Image). Built run by run
    (a text run, an image) rather than token by token: prompts run to thousands of tokens."""
    if not mrope:
        return torch.arange(len(keys), dtype=torch.long)
    parts = []
    p = 0
    i = 0
    while i < len(keys):
        if keys[i] >= 0:
            j = i
            while j < len(keys) and keys[j] >= 0:
                j += 1
            parts.append(torch.arange(p, p + j - i, dtype=torch.long).expand(3, -1))
            p += j - i
            i = j
            continue
        img = images[keys[i]]
        r = torch.arange(img.rows).repeat_interleave(img.cols)
        c = torch.arange(img.cols).repeat(img.rows)
        parts.append(torch.stack((torch.full_like(r, p), p + r, p + c)))
        p += max(img.rows, img.cols)
        i += img.tokens
    return torch.cat(parts, dim=1) if parts else torch.empty((3, 0), dtype=torch.long)


def shared_prefix(a, b):
    """Length of the common prefix of two key lists."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i
