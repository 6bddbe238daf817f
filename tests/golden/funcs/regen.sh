#!/usr/bin/env bash
# Regenerate the function library goldens with the reference helm (v3.17).
# Tests never run helm; test_funcs reads what this script recorded.
#
#   usage: regen.sh [FAMILY...]      (default: every folder with a cases.txt)
#
#   FAMILY/cases.txt  KIND <TAB> TEMPLATE, one case a line (escapes \n \t \\;
#                     '#' lines and empty lines are skipped). KIND ok: the case
#                     renders; err: it fails.
#   chart/            the chart every case runs in (values.yaml is .Values)
#   FAMILY/cases.tsv  KIND <TAB> TEMPLATE <TAB> RESULT. ok: RESULT is base64 of
#                     the raw output (taken through include, so "<no value>" is
#                     still there). err: helm's error for the case as
#                     templates/x.yaml of chart "c" (stderr's first line
#                     without "Error: ").
set -euo pipefail
export TZ=UTC # dates print in the local zone: record them in UTC (the test runs in UTC too)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

decode() { perl -pe 's/\\(.)/$1 eq "n" ? "\n" : $1 eq "t" ? "\t" : $1/ge'; }

families=("$@")
if [ ${#families[@]} -eq 0 ]; then
    for d in "$here"/*/cases.txt; do families+=("$(basename "$(dirname "$d")")"); done
fi

run_err() { # DIR: render DIR, print helm's first error line (or UNEXPECTED-OK)
    if "$HELM" template t "$1" > /dev/null 2> "$1.stderr"; then
        echo "UNEXPECTED-OK" > "$1.result"
    else
        head -n1 "$1.stderr" | sed 's/^Error: //' > "$1.result"
    fi
}
export -f run_err
export HELM

for fam in "${families[@]}"; do
    src="$here/$fam/cases.txt"
    w="$work/$fam"
    mkdir -p "$w"
    cp -r "$here/chart" "$w/ok"
    rm -rf "$w/ok/templates" && mkdir -p "$w/ok/templates"
    grep -v '^#' "$src" | grep -v '^$' > "$w/cases" || true
    n=0
    : > "$w/errdirs"
    while IFS=$'\t' read -r kind text; do
        n=$((n + 1))
        if [ "$kind" = ok ]; then
            printf '%s' "$text" | decode > "$w/ok/templates/_c$n.tpl"
            printf '# c%d {{ include "c/templates/_c%d.tpl" . | b64enc }}\n' "$n" "$n" >> "$w/ok/templates/cases.yaml"
        else
            d="$w/err$n"
            cp -r "$here/chart" "$d"
            rm -rf "$d/templates" && mkdir -p "$d/templates"
            printf '%s' "$text" | decode > "$d/templates/x.yaml"
            echo "$d" >> "$w/errdirs"
        fi
    done < "$w/cases"
    touch "$w/ok/templates/cases.yaml"
    if ! "$HELM" template t "$w/ok" > "$w/ok.out" 2> "$w/ok.err"; then
        echo "regen: $fam: an ok case failed: $(head -n1 "$w/ok.err")" >&2
        exit 1
    fi
    xargs -P 4 -I{} bash -c 'run_err "$1"' _ {} < "$w/errdirs"
    n=0
    while IFS=$'\t' read -r kind text; do
        n=$((n + 1))
        if [ "$kind" = ok ]; then
            result=$(awk -v c="c$n" '$1 == "#" && $2 == c { print $3 }' "$w/ok.out")
        else
            result=$(cat "$w/err$n.result")
        fi
        printf '%s\t%s\t%s\n' "$kind" "$text" "$result"
    done < "$w/cases" > "$here/$fam/cases.tsv"
    echo "regen: $fam: $(wc -l < "$here/$fam/cases.tsv") cases" >&2
done
