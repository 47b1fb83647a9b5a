#!/usr/bin/env python3
"""The rule ids of the bottleneck catalogue (../shared/catalogue.md), per section, as JSON.

Reads the catalogue's Markdown tables: the first cell of every row under a "| id |" header is a rule id.

    python3 tools/catalogue_ids.py ../shared/catalogue.md > testdata/expected/catalogue-ids.json
"""
import json
import re
import sys


def main(path):
    out, section, in_table = {}, None, False
    for line in open(path, encoding="utf-8"):
        if line.startswith("## "):
            section, in_table = line[3:].split("(")[0].strip(), False
        elif line.startswith("| id |"):
            in_table = True
        elif in_table and line.startswith("|") and not line.startswith("|---"):
            cell = line.split("|")[1].strip().strip("`")
            if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", cell):
                out.setdefault(section, []).append(cell)
        elif not line.startswith("|"):
            in_table = False
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
