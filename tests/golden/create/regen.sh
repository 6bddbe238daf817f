#!/usr/bin/env bash
# Record `helm create`: the messages and files of commands.txt's session
# (session.txt), and helm's scaffold chart `foo` rendered by `helm template`
# for each line of renders.txt (render.txt) and shown by `helm show chart`
# (show-chart.txt). hm's starter is kz's own text: the test checks that it
# renders exactly as helm's scaffold does.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
. "$here/lib.bash"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/session" "$work/scaffold"
create_session "$HELM" "$work/session" | sed "s|$work/session|@CWD@|g; s|\bhelm\b|@TOOL@|g" > "$here/session.txt"
(cd "$work/scaffold" && "$HELM" create foo > /dev/null)
render "$HELM" "$work/scaffold/foo" > "$here/render.txt"
"$HELM" show chart "$work/scaffold/foo" > "$here/show-chart.txt"
mkdir "$work/dot"
render_dot "$HELM" "$work/dot" > "$here/render-dot.txt"
echo "regen: $(grep -c '^== create' "$here/session.txt") create commands, $(grep -c '^== template' "$here/render.txt") renders" >&2
