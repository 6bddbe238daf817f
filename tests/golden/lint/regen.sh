#!/usr/bin/env bash
# Record helm's `helm lint` output (stdout, stderr, exit code) for every case
# of cases.txt: the edu charts, the project's charts and the small charts
# under charts/ (each made to trip one or more of helm's lint rules).
# ONLY=REGEX records just the cases whose names match it (grep -E, anchored).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
. "$here/lib.bash"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/charts" "$work/run"
unpack "$work/charts"
while IFS=$'\t' read -r name args; do
    run_one "$HELM" "$work/run" "$args" "$work/charts"
    for ext in out err code; do cp "$work/run/$ext" "$here/$name.$ext"; done
    echo "regen: $name: exit $(cat "$here/$name.code")" >&2
done < <(cases | grep -E "^(${ONLY:-.*})"$'\t')
