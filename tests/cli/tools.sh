#!/usr/bin/env bash
# End-to-end test of hm, kz and kctl: every case in tools.cases is run and its
# stdout, stderr and exit code compared with the committed goldens. Any
# difference fails the test and is shown as a diff.
# Needs KZ_BIN (folder of the built tools), set by ctest.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/tools_lib.bash"
: "${KZ_BIN:?KZ_BIN must point at the built tools}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0 total=0
while IFS= read -r line; do
    total=$((total + 1))
    run_case "$line" "$work"
    name=$(case_name "$line")
    for ext in out err code; do
        if [ ! -f "$golden_dir/$name.$ext" ]; then
            echo "FAIL: $line: missing golden $name.$ext (run tests/cli/regen.sh)"
            failed=$((failed + 1))
            continue
        fi
        if ! diff -u --label "golden/$name.$ext" --label "actual" \
            "$golden_dir/$name.$ext" "$work/$name.$ext"; then
            echo "FAIL: $line ($ext differs)"
            failed=$((failed + 1))
        fi
    done
done < <(case_lines)

if [ "$failed" -ne 0 ]; then
    echo "tools.sh: $failed difference(s) in $total case(s)"
    exit 1
fi
echo "tools.sh: $total cases match their goldens"
