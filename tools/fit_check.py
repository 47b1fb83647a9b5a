#!/usr/bin/env python3
"""The fits that decide rules, computed from load run folders by the definitions in docs/analyses.md ("Fits"),
without autoglm's code and without a statistics library: what LoadPatterns and PrefillCurve must say.

    python3 tools/fit_check.py testdata/load/RUN... > testdata/expected/fits-load.json
    python3 tools/fit_check.py --min-prompt-ratio 1 testdata/load/RUN... > testdata/expected/fits-load-any-spread.json

(--min-prompt-ratio R: analysis.fit_min_prompt_ratio set to R, as `--set analysis.fit_min_prompt_ratio=R` does.)

Per run folder (requests.csv, docs/formats.md; warm-up requests left out, completed ones kept):

- prefill_curve: TTFT = a + b n + c n^2 by least squares over prompt length n (the server's prompt_tokens where
  every request has one, else prompt_tokens_est); c's standard error, t and two-sided p (Student's t, n - 3
  degrees of freedom); the verdict; and where it decides, the share 100 c n_max^2 / fitted TTFT at n_max (at most
  100).
- step_growth: TTFT = a + s x over the step number x of the requests with a step; s's standard error, t and p
  (n - 2 degrees of freedom); the verdict; and where it decides, 100 s / (mean TTFT of step 1).

TTFT counts from the scheduled send: the first chunk's time minus scheduled_ms. The fit is solved on x centred and
scaled by its standard deviation (normal equations, Gauss-Jordan), and the coefficient tested scaled back: the same
fit as any other parametrisation, with t unchanged. Student's t tail comes from the regularized incomplete beta
function (continued fraction, as in Numerical Recipes' betacf): P(|T| >= |t|) = I_{df/(df+t^2)}(df/2, 1/2).

Verdicts, checked in this order: too-few-points (fewer than the coefficients + 2), too-few-values (fewer than 3
distinct x), narrow (prompts only: the longest below MIN_RATIO x the shortest), singular, not-positive (the
quadratic term at or below 0), not-significant (p >= ALPHA), fitted-not-positive (the fitted TTFT at the longest
prompt at or below 0), applicable. Sessions with no request at step 1 or fewer than two step numbers: no-sessions.
"""
import csv
import json
import math
import os
import sys

ALPHA = 0.05        # analysis.fit_alpha
MIN_RATIO = 2.0     # analysis.fit_min_prompt_ratio
MIN_DF = 2          # residual degrees of freedom beyond the coefficients
MIN_VALUES = 3      # distinct x


def betacf(a, b, x):
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10000):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1 + aa * d
        d = 1 / (d if abs(d) > tiny else tiny)
        c = 1 + aa / c
        c = c if abs(c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-16:
            break
    return h


def betai(a, b, x):
    """The regularized incomplete beta function I_x(a, b)."""
    if x <= 0:
        return 0.0
    if x >= 1:
        return 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    if x < (a + 1) / (a + b + 2):
        return front * betacf(a, b, x) / a
    return 1 - front * betacf(b, a, 1 - x) / b


def two_sided_p(t, df):
    if math.isinf(t):
        return 0.0
    return betai(df / 2, 0.5, df / (df + t * t))


def solve(m):
    """Gauss-Jordan with partial pivoting on the augmented k x 2k matrix [A | I]: A^-1, or None if singular."""
    k = len(m)
    a = [row[:] + [1.0 if i == j else 0.0 for j in range(k)] for i, row in enumerate(m)]
    for col in range(k):
        piv = max(range(col, k), key=lambda r: abs(a[r][col]))
        if abs(a[piv][col]) < 1e-12 * max(1.0, max(abs(v) for v in a[piv][:k])):
            return None
        a[col], a[piv] = a[piv], a[col]
        p = a[col][col]
        a[col] = [v / p for v in a[col]]
        for r in range(k):
            if r != col and a[r][col] != 0:
                f = a[r][col]
                a[r] = [v - f * w for v, w in zip(a[r], a[col])]
    return [row[k:] for row in a]


def poly_fit(xs, ys, degree):
    """Least squares on z = (x - mean) / sd: the top coefficient in x's units, its SE, df, and the fitted value at
    max(x)."""
    n = len(xs)
    mx = sum(xs) / n
    sd = math.sqrt(sum((x - mx) ** 2 for x in xs) / n)
    zs = [(x - mx) / sd for x in xs]
    rows = [[z ** j for j in range(degree + 1)] for z in zs]
    k = degree + 1
    xtx = [[sum(r[i] * r[j] for r in rows) for j in range(k)] for i in range(k)]
    xty = [sum(r[i] * y for r, y in zip(rows, ys)) for i in range(k)]
    inv = solve(xtx)
    if inv is None:
        return None
    beta = [sum(inv[i][j] * xty[j] for j in range(k)) for i in range(k)]
    resid = [y - sum(b * v for b, v in zip(beta, r)) for r, y in zip(rows, ys)]
    df = n - k
    s2 = sum(e * e for e in resid) / df
    top = beta[degree] / sd ** degree
    se = math.sqrt(s2 * inv[degree][degree]) / sd ** degree
    zmax = (max(xs) - mx) / sd
    at_max = sum(b * zmax ** j for j, b in enumerate(beta))
    return {"coef": top, "se": se, "df": df, "at_max": at_max}


def judge(xs, ys, degree, min_ratio, positive):
    out = {"points": len(xs), "values": len(set(xs)), "x_min": min(xs) if xs else None,
           "x_max": max(xs) if xs else None}
    if len(xs) < degree + 1 + MIN_DF:
        return dict(out, verdict="too-few-points"), None
    if len(set(xs)) < MIN_VALUES:
        return dict(out, verdict="too-few-values"), None
    if min_ratio is not None and not max(xs) >= min_ratio * min(xs):
        return dict(out, verdict="narrow"), None
    f = poly_fit(xs, ys, degree)
    if f is None:
        return dict(out, verdict="singular"), None
    t = f["coef"] / f["se"] if f["se"] > 0 else math.copysign(math.inf, f["coef"])
    p = two_sided_p(t, f["df"]) if f["se"] > 0 or f["coef"] != 0 else 1.0
    out.update(coef=f["coef"], se=f["se"], t=t if math.isfinite(t) else None, df=f["df"], p=p)
    if positive and not f["coef"] > 0:
        return dict(out, verdict="not-positive"), f
    if not p < ALPHA:
        return dict(out, verdict="not-significant"), f
    return dict(out, verdict="applicable"), f


def requests(folder):
    rows = []
    with open(os.path.join(folder, "requests.csv"), newline="", encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            if r["warmup"] == "true" or r["status"] != "ok":
                continue
            first = float(r["chunk_ms"].split()[0])
            rows.append(dict(ttft=first - float(r["scheduled_ms"]), step=int(r["step"]),
                             prompt=None if r["prompt_tokens"] == "" else float(r["prompt_tokens"]),
                             prompt_est=float(r["prompt_tokens_est"])))
    return rows


def prefill_curve(rows):
    server = bool(rows) and all(r["prompt"] is not None for r in rows)
    xs = [r["prompt"] if server else r["prompt_est"] for r in rows]
    out, f = judge(xs, [r["ttft"] for r in rows], 2, MIN_RATIO, True)
    if out["verdict"] == "applicable":
        out["fitted_ttft_at_longest_ms"] = f["at_max"]
        if not f["at_max"] > 0:
            out["verdict"] = "fitted-not-positive"
        else:
            out["share_pct"] = min(100.0, 100 * f["coef"] * max(xs) ** 2 / f["at_max"])
    return out


def step_growth(rows):
    rs = [r for r in rows if r["step"] > 0]
    if not any(r["step"] == 1 for r in rs) or len({r["step"] for r in rs}) < 2:
        return {"verdict": "no-sessions"}
    out, f = judge([float(r["step"]) for r in rs], [r["ttft"] for r in rs], 1, None, False)
    if out["verdict"] == "applicable":
        first = [r["ttft"] for r in rs if r["step"] == 1]
        first = sum(first) / len(first)
        out["growth_pct"] = 100 * f["coef"] / first if first > 0 else 0.0
    return out


def main(args):
    global MIN_RATIO
    if args[:1] == ["--min-prompt-ratio"]:
        MIN_RATIO = float(args[1])
        args = args[2:]
    folders = args
    runs = {}
    for folder in folders:
        rows = requests(folder)
        runs[os.path.basename(os.path.normpath(folder))] = {"prefill_curve": prefill_curve(rows),
                                                             "step_growth": step_growth(rows)}
    json.dump({"alpha": ALPHA, "min_prompt_ratio": MIN_RATIO, "runs": runs}, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
