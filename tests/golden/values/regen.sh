#!/usr/bin/env bash
# Regenerate the values goldens with the reference helm (v3.17): for every case of
# cases.txt, `helm template t CHART ARGS...` (run in this directory, so paths in the
# arguments are relative to it) and what it printed.
#
#   cases.txt   CHART <TAB> ARG <TAB> ARG ...    CHART: c (one chart) or p (a parent
#               with subcharts s and t, s with its own subchart g); ARGs are helm's
#               -f/--set* flags and their values
#   cases.tsv   the case line <TAB> => <TAB> then either
#                 ok <TAB> WARNINGS <TAB> TYPES <TAB> JSON...
#               where TYPES is the Go type tree of the top chart's .Values (see the
#               "types" template of c/templates/x.yaml), JSON is toJson .Values of the
#               chart (c), or of p, s, g and t in that order; or
#                 error <TAB> WARNINGS <TAB> MESSAGE      (helm's "Error: " line)
#               WARNINGS: helm's log lines on stderr (Go's map order makes their order
#               random: sorted here), joined with " || ", or "-" for none.
# Tests never run helm; they read what this script recorded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
cd "$here"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

json_of() { # source-file -> the "# json" line of that template's document
    awk -v src="$1" '/^# Source: /{cur=$3} cur==src && /^# json /{sub(/^# json /,""); print}' "$work/out"
}
types_of() {
    awk -v src="$1" '/^# Source: /{cur=$3} cur==src && /^# types /{sub(/^# types /,""); print}' "$work/out"
}

grep -v '^#' cases.txt | while IFS= read -r line; do
    IFS=$'\t' read -r -a f <<<"$line"
    chart=${f[0]}
    args=("${f[@]:1}")
    status=ok
    "$HELM" template t "$chart" ${args[@]+"${args[@]}"} >"$work/out" 2>"$work/err" || status=error
    warnings=$({ grep -v "^Error: " "$work/err" || true; } | LC_ALL=C sort | awk 'BEGIN{s=""} {s = s (NR>1 ? " || " : "") $0} END{print (s=="" ? "-" : s)}')
    if [ $status = error ]; then
        msg=$({ grep "^Error: " "$work/err" || true; } | sed 's/^Error: //' | head -1)
        printf '%s\t=>\terror\t%s\t%s\n' "$line" "$warnings" "$msg"
    elif [ "$chart" = c ]; then
        printf '%s\t=>\tok\t%s\t%s\t%s\n' "$line" "$warnings" "$(types_of c/templates/x.yaml)" "$(json_of c/templates/x.yaml)"
    else
        printf '%s\t=>\tok\t%s\t%s\t%s\t%s\t%s\t%s\n' "$line" "$warnings" "$(types_of p/templates/x.yaml)" \
            "$(json_of p/templates/x.yaml)" "$(json_of p/charts/s/templates/x.yaml)" \
            "$(json_of p/charts/s/charts/g/templates/x.yaml)" "$(json_of p/charts/t/templates/x.yaml)"
    fi
done > cases.tsv
