#!/usr/bin/env python3
"""The GPU section of docs/benchmarks.md from the results file of bench/gpu-check.sh.

    python3 bench/gpu_check_md.py OUT_DIR/gpu-check.jsonl > section.md
    python3 bench/gpu_check_md.py OUT_DIR/gpu-check.jsonl --into docs/benchmarks.md

--into replaces what lies between the markers <!-- gpu-check:begin --> and <!-- gpu-check:end --> in the file
(and appends the section with its markers when the file has none).
"""
import json
import sys

BEGIN, END = "<!-- gpu-check:begin -->", "<!-- gpu-check:end -->"


def cell(v):
    return str(v).replace("|", "\\|").replace("\n", " ")


def section(path):
    lines = [json.loads(l) for l in open(path) if l.strip()]
    head, items = lines[0], lines[1:]
    n = {s: sum(1 for i in items if i["status"] == s) for s in ("pass", "fail", "skipped")}
    out = [BEGIN, "## On the GPU: bench/gpu-check.sh", "",
           f"Run on {head['date']}, device `{cell(head['device'])}`, commit `{head['commit']}`, "
           f"{head['seconds']} s in all. Command: `bench/gpu-check.sh RUNTIME OUT` (the jlink runtime of "
           f"`../shared/device/make-runtime.sh` and the jar, carried together), then `bench/gpu_check_md.py "
           f"OUT/gpu-check.jsonl --into docs/benchmarks.md`. {n['pass']} passed, {n['fail']} failed, "
           f"{n['skipped']} skipped.", "",
           "| item | status | measured | command |", "|---|---|---|---|"]
    for i in items:
        figures = {k: v for k, v in i["figures"].items() if k not in ("exit codes",)}
        status = i["status"] + (f": {i['why']}" if i.get("why") else "")
        out.append(f"| {cell(i['item'])} | {cell(status)} | `{cell(json.dumps(figures))}` | `{cell(i['command'])}` |")
    out += ["", END]
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) == 2:
        sys.stdout.write(section(sys.argv[1]))
    elif len(sys.argv) == 4 and sys.argv[2] == "--into":
        doc = open(sys.argv[3]).read()
        new = section(sys.argv[1])
        if BEGIN in doc and END in doc:
            doc = doc[:doc.index(BEGIN)] + new.rstrip("\n") + doc[doc.index(END) + len(END):]
        else:
            doc = doc.rstrip("\n") + "\n\n" + new
        with open(sys.argv[3], "w") as f:
            f.write(doc)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
