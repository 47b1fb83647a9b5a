#!/usr/bin/env python3
"""Welch's t-test computed without a statistics library, to check autoglm's WelchTest (GateTest).

t = (mean_b - mean_a) / sqrt(sa^2/na + sb^2/nb), Welch-Satterthwaite degrees of freedom, and the
two-sided p value by Simpson integration of Student's t density from |t| to 200.

Usage: welch_check.py MEAN_A SD_A N_A MEAN_B SD_B N_B   prints {"t", "df", "p"} as JSON
"""
import json
import math
import sys


def welch(ma, sa, na, mb, sb, nb):
    va, vb = sa * sa / na, sb * sb / nb
    t = (mb - ma) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va * va / (na - 1) + vb * vb / (nb - 1))
    c = math.exp(math.lgamma((df + 1) / 2) - math.lgamma(df / 2)) / math.sqrt(df * math.pi)

    def pdf(x):
        return c * (1 + x * x / df) ** (-(df + 1) / 2)

    a, b, n = abs(t), 200.0, 400000
    h = (b - a) / n
    s = pdf(a) + pdf(b) + sum((4 if i % 2 else 2) * pdf(a + i * h) for i in range(1, n))
    return t, df, 2 * s * h / 3


if __name__ == "__main__":
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    v = [float(x) for x in sys.argv[1:]]
    t, df, p = welch(v[0], v[1], int(v[2]), v[3], v[4], int(v[5]))
    print(json.dumps({"t": float("%.9g" % t), "df": float("%.9g" % df), "p": float("%.9g" % p)}))
