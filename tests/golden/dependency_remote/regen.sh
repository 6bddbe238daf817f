#!/usr/bin/env bash
# Record helm's `helm dependency update|build` against chart repositories and
# an OCI registry for every case of cases.txt (see lib.bash) into NAME.out.
# The served charts (srv/) are packaged from src/ by helm only when
# srv/index.yaml is missing or with --repackage: they are committed so their
# digests stay fixed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
. "$here/lib.bash"
if [ "${1:-}" = --repackage ] || [ ! -f "$here/srv/index.yaml" ]; then
    rm -rf "$here/srv" && mkdir -p "$here/srv/sub"
    for d in "$here"/src/*/; do
        n=$(basename "$d"); n=${n%-*}
        tmp=$(mktemp -d); cp -r "$d" "$tmp/$n"
        "$HELM" package "$tmp/$n" -d "$here/srv" > /dev/null
        rm -rf "$tmp"
    done
    "$HELM" repo index "$here/srv"
    cp "$here/srv/beta-1.0.0.tgz" "$here/srv/sub/"
    "$HELM" repo index "$here/srv/sub"
fi
work=$(mktemp -d)
trap 'stop_servers "$work"; rm -rf "$work"' EXIT
start_servers "$work"
push_charts "$HELM" "$work"
while IFS=$'\t' read -r name chart repos steps; do
    run_case "$HELM" "$work/run" "$name" "$chart" "$repos" "$steps" > "$here/$name.out"
    echo "regen: $name: $(wc -l < "$here/$name.out") lines" >&2
done < <(cases)
