#!/usr/bin/env bash
# Duplicated code over the tree, by PMD's copy-paste detector (CPD 7, through maven-pmd-plugin), main sources of
# every module together (-Daggregate): the number of duplicated blocks and the lines they repeat (copies beyond the
# first). Usage: bench/clones.sh [MIN_TOKENS=50] [--tests]. Needs Maven Central (or the plugin in ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/.."
tokens="${1:-50}"
tests=false
[ "${2:-}" = "--tests" ] && tests=true
mvn -B -q org.apache.maven.plugins:maven-pmd-plugin:3.28.0:cpd -Daggregate=true -Dformat=xml \
    -DminimumTokens="$tokens" -DincludeTests="$tests" -Dcpd.skip=false >/dev/null
python3 - "$tokens" "$tests" <<'PY'
import sys
import xml.etree.ElementTree as ET
root = ET.parse("target/cpd.xml").getroot()
dups = [e for e in root.iter() if e.tag.endswith("duplication")]
files = lambda d: [f for f in d if f.tag.endswith("file")]
repeated = sum(int(d.get("lines")) * (len(files(d)) - 1) for d in dups)
print("min_tokens=%s tests=%s blocks=%d repeated_lines=%d" % (sys.argv[1], sys.argv[2], len(dups), repeated))
for d in sorted(dups, key=lambda d: -int(d.get("tokens"))):
    where = ["%s:%s" % (f.get("path").split("/java/", 1)[-1], f.get("line")) for f in files(d)]
    print("  %4s lines %4s tokens  %s" % (d.get("lines"), d.get("tokens"), "  ".join(where)))
PY
