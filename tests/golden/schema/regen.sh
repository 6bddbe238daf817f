#!/usr/bin/env bash
# Regenerate the values.schema.json goldens with the reference helm (v3.17):
# for every case of cases.txt, `helm template t CHART ARGS...` (run in this
# directory) and whether the values met the charts' schemas.
#
#   charts/rich   a chart with a rich schema (draft 7) and the subchart sub,
#                 used twice (as sub and as the alias other), with its own
#   charts/plain  a chart with a one-key values.yaml; "plain+schemas/X.json"
#                 in a case means plain with schemas/X.json as its schema
#   cases.txt     CHART <TAB> ARG <TAB> ARG ...
#   cases.tsv     the case line <TAB> => <TAB> then either "ok" or
#                 "error" <TAB> MESSAGE [<TAB> MESSAGE ...]: helm's error
#                 without "Error: ", with \ as \\ and newlines as \n. gojsonschema
#                 walks Go maps, so the order of some errors changes from run to
#                 run: each case runs 12 times (40 when the output varied) and
#                 every distinct message seen is kept.
# Tests never run helm; they read what this script recorded.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
cd "$here"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

run() { # CHART ARGS... -> one line: ok, or the escaped error
    if "$HELM" template t "$@" >"$work/out" 2>"$work/err"; then echo ok; return; fi
    sed -n '/^Error: /,$p' "$work/err" | sed '1s/^Error: //' | awk '{gsub(/\\/, "\\\\"); printf "%s\\n", $0}' | sed 's/\\n$//'
    echo
}

grep -v '^#' cases.txt | while IFS= read -r line; do
    IFS=$'\t' read -r -a f <<<"$line"
    chart=${f[0]}
    args=("${f[@]:1}")
    if [[ $chart == plain+* ]]; then
        rm -rf "$work/plain" && cp -r charts/plain "$work/plain"
        cp "${chart#plain+}" "$work/plain/values.schema.json"
        chart=$work/plain
    fi
    : >"$work/seen"
    for i in $(seq 1 12); do run "$chart" ${args[@]+"${args[@]}"} >>"$work/seen"; done
    if [ "$(sort -u "$work/seen" | wc -l)" -gt 1 ]; then
        for i in $(seq 1 28); do run "$chart" ${args[@]+"${args[@]}"} >>"$work/seen"; done
    fi
    first=$(head -1 "$work/seen")
    if [ "$first" = ok ]; then
        printf '%s\t=>\tok\n' "$line"
    else
        printf '%s\t=>\terror\t%s\n' "$line" "$(awk '!seen[$0]++' "$work/seen" | paste -sd '\t')"
    fi
done > cases.tsv
