#!/usr/bin/env python3
"""Independent check of the load window's cut of a CUPTI recording (docs/cupti-format.md, CUT record), in plain
Python from the raw CSV the test recording was converted from.

The recording holds the CSV's records that start in [FROM_NS, TO_NS) (tools/make-cupti-testdata.sh), runtime calls
selected by the name prefixes docs/cupti-format.md lists. Cut to [CUT_FROM, CUT_TO] (CLOCK_REALTIME ns, the CSV's
clock), an activity is left out when it ends before CUT_FROM ("before") or starts after CUT_TO ("after"), and kept
otherwise (one overlapping an edge is kept whole).

    python3 tools/cupti_cut_check.py CSV.gz RUNTIME_CBID_HEADER FROM_NS TO_NS CUT_FROM_NS CUT_TO_NS > expected.json
"""
import json
import sys

from cupti_check import WANTED, records, runtime_names


def main():
    csv, header = sys.argv[1], sys.argv[2]
    lo, hi, cut_lo, cut_hi = (int(x) for x in sys.argv[3:7])
    names = runtime_names(header)
    out = {k: {"kept": 0, "before": 0, "after": 0} for k in ("kernels", "api_calls")}
    for kind, p in records(csv, lo, hi):
        s, e = int(p[1]), int(p[2])
        if kind == "K":
            what = "kernels"
        elif names.get(int(p[4]), "").startswith(WANTED):
            what = "api_calls"
        else:
            continue
        side = "before" if e < cut_lo else "after" if s > cut_hi else "kept"
        out[what][side] += 1
    out["cut_from_ns"] = cut_lo
    out["cut_to_ns"] = cut_hi
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
