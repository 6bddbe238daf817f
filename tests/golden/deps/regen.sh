#!/usr/bin/env bash
# Regenerate the dependency-processing goldens with the reference helm (v3.17):
# for every case of cases.txt, `helm template t CHART ARGS...` (run in this
# directory) and what it printed.
#
#   charts/     the test charts; every chart's templates/x.yaml prints
#               "# name {{ .Chart.Name }}", "# json {{ toJson .Values }}" and
#               "# deps {{ toJson .Chart.Dependencies }}"
#   cases.txt   CHART <TAB> ARG <TAB> ARG ...   (CHART relative to this
#               directory; $SHARED/ stands for ../shared of the repository)
#   cases.tsv   the case line <TAB> => <TAB> then either
#                 ok <TAB> WARNINGS <TAB> N <TAB> then N records of 4 fields:
#                   PATH <TAB> NAME <TAB> JSON <TAB> DEPS
#                 one per chart that rendered a file (PATH: the "# Source:"
#                 path up to /templates/, sorted; NAME, JSON, DEPS: the lines
#                 of its x.yaml, or "-" for a chart without one), or
#                 error <TAB> WARNINGS <TAB> MESSAGE   (helm's "Error: " line)
#               WARNINGS: helm's log lines on stderr, sorted (Go's map order
#               makes some orders random), joined with " || ", "-" for none.
# Tests never run helm; they read what this script recorded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
cd "$here"
shared=$(cd "$here/../../../../shared" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

grep -v '^#' cases.txt | while IFS= read -r line; do
    IFS=$'\t' read -r -a f <<<"$line"
    chart=${f[0]//\$SHARED/$shared}
    args=("${f[@]:1}")
    status=ok
    "$HELM" template t "$chart" ${args[@]+"${args[@]}"} >"$work/out" 2>"$work/err" || status=error
    warnings=$({ grep -v "^Error: " "$work/err" || true; } | LC_ALL=C sort | awk 'BEGIN{s=""} {s = s (NR>1 ? " || " : "") $0} END{print (s=="" ? "-" : s)}')
    if [ $status = error ]; then
        msg=$({ grep "^Error: " "$work/err" || true; } | sed 's/^Error: //' | head -1)
        printf '%s\t=>\terror\t%s\t%s\n' "$line" "$warnings" "$msg"
        continue
    fi
    records=$(awk '
        /^# Source: /{ p = $3; sub(/\/templates\/.*/, "", p); cur = p; seen[p] = 1;
                       x = ($3 ~ /\/templates\/x\.yaml$/) }
        x && /^# name /{ sub(/^# name /, ""); name[cur] = $0 }
        x && /^# json /{ sub(/^# json /, ""); json[cur] = $0 }
        x && /^# deps /{ sub(/^# deps /, ""); deps[cur] = $0 }
        END { for (p in seen) printf "%s\t%s\t%s\t%s\n", p, (p in name ? name[p] : "-"),
                                      (p in json ? json[p] : "-"), (p in deps ? deps[p] : "-") }
        ' "$work/out" | LC_ALL=C sort)
    n=$(printf '%s' "$records" | grep -c . || true)
    printf '%s\t=>\tok\t%s\t%s\t%s\n' "$line" "$warnings" "$n" "$(printf '%s' "$records" | tr '\n' '\t' | sed 's/\t$//')"
done > cases.tsv
