#!/usr/bin/env bash
# End-to-end: `hm dependency list|update|build` on the charts of
# tests/golden/dependency (file:// dependencies in sibling folders), each case
# in a fresh copy, against helm's recorded output: every step's stdout, stderr
# and exit code, then the files left behind (archives opened, lock files with
# their timestamp masked). See tests/golden/dependency/lib.bash.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../golden/dependency/lib.bash"
: "${KZ_BIN:?KZ_BIN must point at the built tools}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# no repositories configured (as for helm's recordings)
export HM_CONFIG_HOME=$work/config HM_CACHE_HOME=$work/cache
unset HM_REPOSITORY_CONFIG HM_REPOSITORY_CACHE HM_REGISTRY_CONFIG
failed=0 total=0
while IFS=$'\t' read -r name scenario steps; do
    total=$((total + 1))
    # helm names itself in argument errors; the tool's name is the only difference
    run_case "$KZ_BIN/hm" "$work/run" "$name" "$scenario" "$steps" > "$work/got"
    if ! diff -u --label "helm/$name" --label "hm" \
        <(sed 's/"helm dependency/"hm dependency/; s/^Usage:  helm /Usage:  hm /' "$golden_dir/$name.out") \
        "$work/got" > "$work/diff"; then
        echo "FAIL: $name"
        head -40 "$work/diff"
        failed=$((failed + 1))
    fi
done < <(cases)
if [ "$failed" -ne 0 ]; then
    echo "dependency.sh: $failed of $total case(s) differ"
    exit 1
fi
echo "dependency.sh: $total cases match helm"
