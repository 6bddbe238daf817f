#!/usr/bin/env bash
# End-to-end: `hm show chart|values|readme|crds|all` on the edu charts, the
# project's charts and the test charts of tests/golden/show, against helm's
# recorded stdout, stderr and exit code (tests/golden/show/regen.sh).
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../golden/show/lib.bash"
: "${KZ_BIN:?KZ_BIN must point at the built tools}"
KZ_BIN=$(cd "$KZ_BIN" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scratch "$work"
failed=0 total=0
while IFS=$'\t' read -r name args; do
    total=$((total + 1))
    run_one "$KZ_BIN/hm" "$work" "$args"
    for ext in out err code; do
        if ! cmp -s "$golden_dir/$name.$ext" "$work/$ext"; then
            echo "FAIL: $name: $ext differs"
            diff -u --label "helm/$name.$ext" --label hm "$golden_dir/$name.$ext" "$work/$ext" | head -20
            failed=$((failed + 1))
        fi
    done
done < <(cases)
if [ "$failed" -ne 0 ]; then
    echo "show.sh: $failed difference(s) in $total case(s)"
    exit 1
fi
echo "show.sh: $total cases match helm"
