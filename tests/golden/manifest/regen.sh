#!/usr/bin/env bash
# Regenerate the manifest-sorting goldens with the reference helm (v3.17).
# chart/templates hold plain YAML (no template actions), so `helm template`'s
# output is Helm's splitting, sorting and printing of exactly these files.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
"$HELM" template t "$here/chart" > "$here/default.txt" 2> "$here/default.stderr"
"$HELM" template t "$here/chart" --skip-tests > "$here/skip-tests.txt" 2>/dev/null
"$HELM" template t "$here/chart" --no-hooks > "$here/no-hooks.txt" 2>/dev/null
echo "regen: manifest goldens written" >&2
