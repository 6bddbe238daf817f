#!/usr/bin/env bash
# End-to-end: `hm lint` on the edu charts (unpacked, and two archives read
# directly), the project's charts and the small broken charts of
# tests/golden/lint/charts, with flags (--strict, --quiet, --with-subcharts,
# --kube-version, values, namespace), against `helm lint`'s recorded stdout,
# stderr and exit code (tests/golden/lint, regen.sh there). Byte for byte.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../golden/lint/lib.bash"
: "${KZ_BIN:?KZ_BIN must point at the built tools}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/charts" "$work/run"
unpack "$work/charts"
failed=0 total=0
while IFS=$'\t' read -r name args; do
    total=$((total + 1))
    run_one "$KZ_BIN/hm" "$work/run" "$args" "$work/charts"
    for ext in out err code; do
        if ! diff -u --label "helm/$name.$ext" --label "hm" "$golden_dir/$name.$ext" "$work/run/$ext" > "$work/diff"; then
            echo "FAIL: $name: $ext differs"
            head -40 "$work/diff"
            failed=$((failed + 1))
        fi
    done
done < <(cases)
if [ "$failed" -ne 0 ]; then
    echo "lint.sh: $failed difference(s) in $total case(s)"
    exit 1
fi
echo "lint.sh: $total cases match helm"
