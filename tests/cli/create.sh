#!/usr/bin/env bash
# End-to-end: `hm create` against helm's recorded session (messages, exit
# codes, the files and folders made, with their modes), then hm's starter
# chart rendered by `hm template` with many values against helm's scaffold
# rendered by helm (tests/golden/create, regen.sh there), and `hm show chart`.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../golden/create/lib.bash"
: "${KZ_BIN:?KZ_BIN must point at the built tools}"
KZ_BIN=$(cd "$KZ_BIN" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/session" "$work/starter"
umask 022
failed=0
check() { # NAME GOLDEN ACTUAL
    if ! diff -u --label "helm/$1" --label hm "$2" "$3" > "$work/diff"; then
        echo "FAIL: $1 differs"
        head -40 "$work/diff"
        failed=$((failed + 1))
    fi
}
create_session "$KZ_BIN/hm" "$work/session" | sed "s|$work/session|@CWD@|g; s|\bhm\b|@TOOL@|g" > "$work/session.txt"
check session "$golden_dir/session.txt" "$work/session.txt"
(cd "$work/starter" && "$KZ_BIN/hm" create foo > /dev/null)
render "$KZ_BIN/hm" "$work/starter/foo" > "$work/render.txt"
check render "$golden_dir/render.txt" "$work/render.txt"
"$KZ_BIN/hm" show chart "$work/starter/foo" > "$work/show-chart.txt"
check show-chart "$golden_dir/show-chart.txt" "$work/show-chart.txt"
mkdir "$work/dot"
render_dot "$KZ_BIN/hm" "$work/dot" > "$work/render-dot.txt"
check render-dot "$golden_dir/render-dot.txt" "$work/render-dot.txt"
if [ "$failed" -ne 0 ]; then
    echo "create.sh: $failed difference(s)"
    exit 1
fi
echo "create.sh: $(grep -c '^== create' "$golden_dir/session.txt") create commands and $(grep -c '^== template' "$golden_dir/render.txt") renders match helm"
