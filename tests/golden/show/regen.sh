#!/usr/bin/env bash
# Record `helm show` for every case of cases.txt (lib.bash runs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
. "$here/lib.bash"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
scratch "$work"
rm -f "$here"/*.out "$here"/*.err "$here"/*.code
while IFS=$'\t' read -r name args; do
    run_one "$HELM" "$work" "$args"
    for ext in out err code; do cp "$work/$ext" "$here/$name.$ext"; done
done < <(cases)
echo "regen: $(cases | wc -l) cases" >&2
