#!/usr/bin/env bash
# Regenerates golden/tools/ from the built tools. The goldens record what OUR
# tools print: review the change by hand (git diff tests/cli/golden) and compare
# with the reference tools before committing, e.g. `helm version --short` next
# to `hm version --short`.
#
#   KZ_BIN=build/cli/bin tests/cli/regen.sh --write   # rewrite the goldens
#   KZ_BIN=build/cli/bin tests/cli/regen.sh           # dry run: list what would change
#
# Without --write nothing is written. (ctest skips regen.sh scripts.)
set -eu
. "$(dirname "${BASH_SOURCE[0]}")/tools_lib.bash"
: "${KZ_BIN:?KZ_BIN must point at the built tools}"

dupes=$(case_lines | while IFS= read -r l; do case_name "$l"; echo; done | sort | uniq -d)
if [ -n "$dupes" ]; then
    echo "regen.sh: cases with the same golden name: $dupes"
    exit 1
fi

if [ "${1:-}" = "--write" ]; then
    target=$golden_dir
    rm -rf "$golden_dir"
    mkdir -p "$golden_dir"
else
    target=$(mktemp -d)
    trap 'rm -rf "$target"' EXIT
fi
n=0
while IFS= read -r line; do
    run_case "$line" "$target"
    n=$((n + 1))
done < <(case_lines)

if [ "$target" = "$golden_dir" ]; then
    echo "regen.sh: wrote goldens for $n cases into $golden_dir"
else
    changed=$(diff -rq "$golden_dir" "$target" 2>/dev/null | wc -l || true)
    echo "regen.sh: dry run, $n cases ran; $changed golden file(s) would change (use --write)"
fi
