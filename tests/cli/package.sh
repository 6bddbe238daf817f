#!/usr/bin/env bash
# End-to-end: `hm package` against helm's recorded messages, exit codes and
# archive entries (names, order, modes, owners, sizes, contents;
# tests/golden/package, regen.sh there). Then `hm template` of each archive hm
# made against helm's `helm template` of helm's archive (lines with random
# passwords masked), and packing the same chart twice must give the same bytes.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../golden/package/lib.bash"
: "${KZ_BIN:?KZ_BIN must point at the built tools}"
KZ_BIN=$(cd "$KZ_BIN" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/charts" "$work/m" "$work/again"
unpack "$work/charts"
# masked MASK FILE: FILE without the lines MASK numbers (an empty MASK too:
# "NR == FNR" would then read FILE as the mask and skip every line)
masked() { awk -v mask="$1" 'BEGIN { while ((getline l < mask) > 0) skip[l] = 1 } !(FNR in skip)' "$2"; }
failed=0 total=0
while IFS=$'\t' read -r name args; do
    total=$((total + 1))
    run_one "$KZ_BIN/hm" "$work/m" "$args" "$work/charts"
    for ext in out err code archives; do
        if ! diff -u --label "helm/$name.$ext" --label hm "$golden_dir/$name.$ext" "$work/m/$ext" > "$work/diff"; then
            echo "FAIL: $name: $ext differs"
            head -30 "$work/diff"
            failed=$((failed + 1))
        fi
    done
    [ -f "$golden_dir/$name.render" ] || continue
    : > "$work/render"
    while IFS= read -r f; do
        "$KZ_BIN/hm" template x "$work/m/run/$f" >> "$work/render" 2>&1
    done < <(cd "$work/m/run" && find . -name '*.tgz' | LC_ALL=C sort)
    if ! diff -u --label "helm/$name.render" --label hm <(masked "$golden_dir/$name.mask" "$golden_dir/$name.render") \
        <(masked "$golden_dir/$name.mask" "$work/render") > "$work/diff"; then
        echo "FAIL: $name: hm template of hm's archive differs from helm's of helm's"
        head -30 "$work/diff"
        failed=$((failed + 1))
    fi
    # the same chart packed again: the same bytes
    run_one "$KZ_BIN/hm" "$work/again" "$args" "$work/charts"
    while IFS= read -r f; do
        if ! cmp -s "$work/m/run/$f" "$work/again/run/$f"; then
            echo "FAIL: $name: $f differs when packed again"
            failed=$((failed + 1))
        fi
    done < <(cd "$work/m/run" && find . -name '*.tgz' | LC_ALL=C sort)
done < <(cases)
if [ "$failed" -ne 0 ]; then
    echo "package.sh: $failed difference(s) in $total case(s)"
    exit 1
fi
echo "package.sh: $total cases match helm"
