"""Image tokens of one screenshot for GLM-4.1V (AutoGLM-Phone-9B), written from docs/workload.md#images, not from
the workload's code:

  1. round each side to the nearest multiple of 28 (14-pixel patches, merged 2x2);
  2. if 2 x height x width (two frames) is above max_pixels, scale both sides by sqrt(2 h w / max_pixels) and round
     each down to a multiple of 28; if below min_pixels (112 x 112), scale up by sqrt(min_pixels / (2 h w)) and
     round each up;
  3. tokens = (height / 28) x (width / 28).

    python3 tools/image_tokens.py 1080x2400 [max_pixels]"""

import math
import sys

MIN_PIXELS = 112 * 112
MAX_PIXELS = 28 * 28 * 15000


def tokens(width, height, max_pixels=MAX_PIXELS, min_pixels=MIN_PIXELS):
    h = int(math.floor(height / 28 + 0.5)) * 28 if (height / 28) % 1 != 0.5 else round(height / 28) * 28
    w = int(math.floor(width / 28 + 0.5)) * 28 if (width / 28) % 1 != 0.5 else round(width / 28) * 28
    if 2 * h * w > max_pixels:
        s = math.sqrt(2 * height * width / max_pixels)
        h = max(28, int(height / s // 28) * 28)
        w = max(28, int(width / s // 28) * 28)
    elif 2 * h * w < min_pixels:
        s = math.sqrt(min_pixels / (2 * height * width))
        h = math.ceil(height * s / 28) * 28
        w = math.ceil(width * s / 28) * 28
    return (h // 28) * (w // 28)


if __name__ == "__main__":
    w, _, h = sys.argv[1].partition("x")
    print(tokens(int(w), int(h), int(sys.argv[2]) if len(sys.argv) > 2 else MAX_PIXELS))
