#!/usr/bin/env bash
# Record helm's `helm dependency list|update|build` for every case of
# cases.txt (see lib.bash) into NAME.out. helm runs with empty config, cache
# and data folders, so no repository is configured (tests/cli/dependency.sh
# gives hm empty ones too; repositories are tests/golden/dependency_remote's).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
. "$here/lib.bash"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HELM_CONFIG_HOME=$work/config HELM_CACHE_HOME=$work/cache HELM_DATA_HOME=$work/data
while IFS=$'\t' read -r name scenario steps; do
    run_case "$HELM" "$work/run" "$name" "$scenario" "$steps" > "$here/$name.out"
    echo "regen: $name: $(wc -l < "$here/$name.out") lines" >&2
done < <(cases)
