#!/usr/bin/env python3
"""Independent check of the rules' minimum counts and count weights (docs/analyses.md, "Rules: scores, severities,
ranking" and "Counts"), in plain Python from the rule files and a file of cases.

For each case: the rule's counts (rules/*.yaml `counts`: `of`, `n` as METRIC.n, the metric's sample count, or METRIC,
its value, and the thresholds `min` and `full` with their defaults). A count below its minimum makes the rule not
applicable. Otherwise each count's weight is sqrt(n / full), at most 1, and the smallest one weighs the score. The
score is JDK Mission Control's mapExp100: 0 at the zero point (default 0), 25 at the info anchor, linear between;
beyond info 25 + 75 (1 - e^(k (x - info))), with k such that it is 75 at the warning anchor; a zero point above the
anchors runs the curve the other way. Severity: warning from 75, info from 25, ok below. The cases meet their rules'
conditions (`applies`), which this does not evaluate.

    python3 tools/count_check.py testdata/rules/count-cases.json > testdata/expected/counts.json
"""
import glob
import json
import math
import os
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rules():
    out = {}
    for path in sorted(glob.glob(os.path.join(ROOT, "rules", "*.yaml"))):
        for r in yaml.safe_load(open(path))["rules"]:
            out[r["id"]] = r
    return out


def anchor(rule, expr):
    """A score anchor: a number or one of the rule's thresholds, at its default."""
    if isinstance(expr, (int, float)):
        return float(expr)
    for t in rule.get("thresholds", []):
        if t["name"] == expr:
            return float(t["default"])
    return float(expr)


def curve(x, zero, info, warning):
    direction = 1 if warning >= zero else -1
    x, x1, x2 = (x - zero) * direction, (info - zero) * direction, (warning - zero) * direction
    if x <= 0:
        return 0.0
    if x < x1:
        return 25 * x / x1
    if x2 <= x1:
        return 100.0  # warning at the info anchor: anything past it is at the ceiling
    k = math.log(1 / 3) / (x2 - x1)
    return 25 + 75 * (1 - math.exp(k * (x - x1)))


def verdict(rule, metrics):
    weight = 1.0
    for c in rule.get("counts", []):
        name, sample = (c["n"][:-2], True) if c["n"].endswith(".n") else (c["n"], False)
        value, n = metrics[name]
        count = n if sample else math.floor(value)
        least, full = anchor(rule, c["min"]), anchor(rule, c["full"])
        if count < least:
            return {"severity": "not-applicable", "too_few": c["of"], "n": count}
        weight = min(weight, 1.0 if count >= full else math.sqrt(count / full))
    s = rule["score"]
    raw = curve(metrics[s["metric"]][0], anchor(rule, s.get("zero", 0)), anchor(rule, s["info"]),
                anchor(rule, s["warning"]))
    score = raw * weight
    severity = "warning" if score >= 75 else "info" if score >= 25 else "ok"
    return {"severity": severity, "score": score, "unweighted": raw, "weight": weight}


def main():
    cases = json.load(open(sys.argv[1]))["cases"]
    catalogue = rules()
    out = [dict(name=c["name"], rule=c["rule"], **verdict(catalogue[c["rule"]], c["metrics"])) for c in cases]
    json.dump({"cases": out}, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
