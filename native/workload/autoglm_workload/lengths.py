"""Length distributions of prompts and outputs: N, uniform:A-B, mixed:SHORT,LONG,SHARE."""

import random


class Distribution:
    def __init__(self, kind, a, b=0, share=0.0):
        self.kind, self.a, self.b, self.share = kind, a, b, share

    @staticmethod
    def parse(name, text):
        from .knobs import KnobError
        try:
            if text.startswith("uniform:"):
                lo, hi = (int(x) for x in text[len("uniform:"):].split("-"))
                if not 0 < lo <= hi:
                    raise ValueError
                return Distribution("uniform", lo, hi)
            if text.startswith("mixed:"):
                short, long_, share = text[len("mixed:"):].split(",")
                d = Distribution("mixed", int(short), int(long_), float(share))
                if not (0 < d.a <= d.b and 0 <= d.share <= 1):
                    raise ValueError
                return d
            n = int(text)
            if n < 0:
                raise ValueError
            return Distribution("fixed", n)
        except ValueError:
            raise KnobError(f"{name}={text}: expected N, uniform:A-B or mixed:SHORT,LONG,SHARE "
                            "(SHORT <= LONG, SHARE in 0..1)")

    def sample(self, rng: random.Random):
        """fixed: N. uniform: A..B. mixed (long tail): with probability SHARE uniform in LONG/2..LONG,
        else uniform in SHORT/2..SHORT."""
        if self.kind == "fixed":
            return self.a
        if self.kind == "uniform":
            return rng.randint(self.a, self.b)
        top = self.b if rng.random() < self.share else self.a
        return rng.randint(max(1, top // 2), top)

    def maximum(self):
        return self.a if self.kind == "fixed" else self.b
