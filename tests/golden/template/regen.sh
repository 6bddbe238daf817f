#!/usr/bin/env bash
# Record helm's `helm template` output for every case of cases.txt (the edu
# charts, with default values and the book's commands). helm renders random
# passwords and names differently on each run, so each case runs twice and the
# lines that differ are listed in NAME.mask: the test skips exactly those.
# ONLY=REGEX records just the cases whose names match it (grep -E, anchored).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
. "$here/lib.bash"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/charts" "$work/a" "$work/b"
unpack "$work/charts"
while IFS=$'\t' read -r name args; do
    run_one "$HELM" "$work/a" "$args" "$work/charts"
    run_one "$HELM" "$work/b" "$args" "$work/charts"
    cp "$work/a/out" "$here/$name.out"
    sed "s|$work/charts|@DIR@|g; s|$repo|@REPO@|g; s|$here/charts|@CHARTS@|g; s|$here/../deps/charts|@DEPS@|g; s|$here/../../..|@PROJECT@|g" "$work/a/err" > "$here/$name.err"
    cp "$work/a/code" "$here/$name.code"
    diff <(cat -n "$work/a/out") <(cat -n "$work/b/out") | awk '/^</ { print $2 }' > "$here/$name.mask" || true
    echo "regen: $name: $(wc -l < "$here/$name.out") lines, $(wc -l < "$here/$name.mask") masked" >&2
done < <(cases | grep -E "^(${ONLY:-.*})"$'\t')
