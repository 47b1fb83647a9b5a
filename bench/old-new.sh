#!/usr/bin/env bash
# Whether a change moved any output: builds the jar of REV (default: the first parent of HEAD) in a scratch worktree
# and the jar of this tree, runs both on every testdata input (diagnose --all --explain in terminal, JSON and Markdown
# format; rules in its three formats) and names each input whose stdout, stderr or exit code differs.
# Usage: bench/old-new.sh [REV]   (issue 33: bench/old-new.sh d7acaed printed no DIFF line)
set -u
cd "$(dirname "$0")/.."
rev="${1:-HEAD^}"
work="$(mktemp -d)"
trap 'git worktree remove --force "$work/old" >/dev/null 2>&1; rm -rf "$work"' EXIT
git worktree add -q --detach "$work/old" "$rev"
(cd "$work/old" && mvn -B -q -o -DskipTests package >/dev/null 2>&1 || mvn -B -q -DskipTests package >/dev/null) || { echo "the build of $rev failed"; exit 2; }
mvn -B -q -o -DskipTests package >/dev/null 2>&1 || mvn -B -q -DskipTests package >/dev/null || { echo "the build of this tree failed"; exit 2; }
OLD="$work/old/cli/target/autoglm.jar"; NEW="cli/target/autoglm.jar"; OUT="$work/out"
mkdir -p "$OUT/old" "$OUT/new"
inputs=( testdata/traces/*.json* testdata/hta/*.json* testdata/cupti/*.bin testdata/runs/h100-replay testdata/load/*/ testdata/hta/*/ )
i=0; diffs=0
for inp in "${inputs[@]}"; do
  [ -e "$inp" ] || continue
  i=$((i+1))
  for fmt in terminal json markdown; do
    for side in old new; do
      jar=$OLD; [ $side = new ] && jar=$NEW
      java -jar "$jar" diagnose "$inp" --format $fmt --all --explain > "$OUT/$side/$i.$fmt.out" 2> "$OUT/$side/$i.$fmt.err"
      echo "rc=$?" >> "$OUT/$side/$i.$fmt.err"
    done
    if ! cmp -s "$OUT/old/$i.$fmt.out" "$OUT/new/$i.$fmt.out" || ! cmp -s "$OUT/old/$i.$fmt.err" "$OUT/new/$i.$fmt.err"; then
      echo "DIFF $inp $fmt"; diffs=$((diffs+1))
    fi
  done
done
for args in "rules" "rules --format json" "rules --format markdown"; do
  java -jar "$OLD" $args > "$OUT/old/r.out" 2>&1; java -jar "$NEW" $args > "$OUT/new/r.out" 2>&1
  cmp -s "$OUT/old/r.out" "$OUT/new/r.out" || { echo "DIFF $args"; diffs=$((diffs+1)); }
done
echo "compared $i inputs x 3 formats and rules x 3 formats against $rev: $diffs differ"
