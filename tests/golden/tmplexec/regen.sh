#!/usr/bin/env bash
# Regenerate the template executor goldens with the reference helm (v3.17, Go 1.23).
# Tests never run helm; test_tmpl_exec reads what this script recorded.
#
#   cases.txt        KIND <TAB> TEMPLATE, one case a line (escapes \n \t \\;
#                    '#' lines are comments). KIND ok: the case renders; err: it fails.
#   chart/values.yaml  the data every case sees as .Values (the test builds
#                    dot = {"Values": values.yaml parsed with the HELM schema})
#   cases.tsv        KIND <TAB> TEMPLATE <TAB> RESULT. ok: RESULT is base64 of the raw
#                    executor output (taken through include, so "<no value>" is still
#                    there: Helm removes it only from a file's final text). err: RESULT
#                    is helm's error for the case as templates/x.yaml of chart "c"
#                    (stderr's first line without "Error: ").
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

decode() { perl -pe 's/\\(.)/$1 eq "n" ? "\n" : $1 eq "t" ? "\t" : $1/ge'; }

# ok cases: each in its own templates/_cN.tpl, all included (base64) by one file.
cp -r "$here/chart" "$work/ok"
rm -rf "$work/ok/templates" && mkdir -p "$work/ok/templates"
cp -r "$here/chart" "$work/err"
rm -rf "$work/err/templates" && mkdir -p "$work/err/templates"
n=0
grep -v '^#' "$here/cases.txt" | grep -v '^$' > "$work/cases"
while IFS=$'\t' read -r kind text; do
    n=$((n + 1))
    if [ "$kind" = ok ]; then
        printf '%s' "$text" | decode > "$work/ok/templates/_c$n.tpl"
        printf '# c%d {{ include "c/templates/_c%d.tpl" . | b64enc }}\n' "$n" "$n" >> "$work/ok/templates/cases.yaml"
    fi
done < "$work/cases"
"$HELM" template t "$work/ok" > "$work/ok.out"

n=0
while IFS=$'\t' read -r kind text; do
    n=$((n + 1))
    if [ "$kind" = ok ]; then
        result=$(awk -v c="c$n" '$1 == "#" && $2 == c { print $3 }' "$work/ok.out")
    else
        printf '%s' "$text" | decode > "$work/err/templates/x.yaml"
        if "$HELM" template t "$work/err" > /dev/null 2> "$work/stderr"; then
            result="UNEXPECTED-OK"
        else
            result=$(head -n1 "$work/stderr" | sed 's/^Error: //')
        fi
    fi
    printf '%s\t%s\t%s\n' "$kind" "$text" "$result"
done < "$work/cases" > "$here/cases.tsv"
echo "regen: $(wc -l < "$here/cases.tsv") cases in cases.tsv" >&2
