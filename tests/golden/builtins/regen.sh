#!/usr/bin/env bash
# Regenerate the goldens of text/template's builtins (lib/tmpl/builtins.h) with the
# reference helm (v3.17, Go 1.23). Tests never run helm; test_tmpl_builtins.c reads:
#
#   escape.tsv    HEX <TAB> html <TAB> js <TAB> urlquery: for each byte string of
#                 strings.txt (hex, "-" = empty), what template.HTMLEscapeString,
#                 JSEscapeString and url.QueryEscape made of it, written with the
#                 escapes of esc() below (bytes b64dec'd in the template, so control
#                 bytes and invalid UTF-8 reach the escapers)
#   truth.tsv     NAME <TAB> true|false: `if` on each operand of operands.tsv
#   compare.tsv   OP <TAB> A <TAB> B <TAB> RESULT for every op (eq ne lt le gt ge) and
#                 every pair of "cmp" operands of operands.tsv: helm's true/false, or
#                 "error: " and the text helm printed after "error calling OP: ".
#                 An error ends a render, so each case is its own helm run.
#
#   operands.tsv  NAME, USE and the template expression of each operand (Helm values
#                 are float64, literals 3 int, (index "\x03" 0) a uint8, ...)
#   chart/        the chart: escape.yaml, and truth.yaml written here
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HELM

# Bytes on stdin -> printable ASCII: '\' -> '\\', bytes outside 0x20..0x7e -> \xNN.
esc() { od -An -v -tu1 | tr -s ' \n' '\n\n' | grep . | awk '{
    c = $1 + 0
    if (c == 92) printf "\\\\"; else if (c >= 32 && c < 127) printf "%c", c; else printf "\\x%02x", c }'; }
b64() { printf '%s' "$1" | base64 -d; }
operands() { grep -v '^#' "$here/operands.tsv" | awk -F'\t' -v use="$1" 'use == "" || $2 == use'; }

# --- escapers
{
    printf 'probe_strings:\n'
    grep -v '^#' "$here/strings.txt" | while read -r hex; do
        [ "$hex" = - ] && hex=
        printf -- '- "%s"\n' "$(printf '%s' "$hex" | xxd -r -p | base64 -w0)"
    done
} > "$work/strings.yaml"
"$HELM" template t "$here/chart" --show-only templates/escape.yaml -f "$work/strings.yaml" |
    sed -n 's/^# //p' | grep -v '^Source:' | while read -r input html js query; do
        hex=$(b64 "$input" | xxd -p | tr -d '\n')
        printf '%s\t%s\t%s\t%s\n' "${hex:--}" "$(b64 "$html" | esc)" "$(b64 "$js" | esc)" \
            "$(b64 "$query" | esc)"
    done > "$here/escape.tsv"

# --- truth
operands '' | while IFS=$'\t' read -r name use expr; do
    printf '# %s {{ if %s }}true{{ else }}false{{ end }}\n' "$name" "$expr"
done > "$here/chart/templates/truth.yaml"
"$HELM" template t "$here/chart" --show-only templates/truth.yaml |
    sed -n 's/^# //p' | grep -v '^Source:' | tr ' ' '\t' > "$here/truth.tsv"

# --- comparisons: one helm run per case, two at a time
mkdir -p "$work/base/templates"
cp -r "$here/chart/Chart.yaml" "$here/chart/values.yaml" "$here/chart/files" "$work/base/"
operands cmp > "$work/cmp.tsv"
n=0
for op in eq ne lt le gt ge; do
    while IFS=$'\t' read -r a _ ea; do
        while IFS=$'\t' read -r b _ eb; do
            n=$((n + 1))
            printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$op" "$a" "$b" "# {{ $op $ea $eb }}" > "$work/case.$n"
        done < "$work/cmp.tsv"
    done < "$work/cmp.tsv"
done
run_case() { # case file -> OP A B RESULT
    IFS=$'\t' read -r n op a b src < "$1"
    dir=$(dirname "$1")/chart.$n
    cp -r "$(dirname "$1")/base" "$dir"
    printf '%s\n' "$src" > "$dir/templates/x.yaml"
    if out=$("$HELM" template t "$dir" 2> "$dir/err"); then
        res=$(printf '%s\n' "$out" | sed -n 's/^# \(true\|false\)$/\1/p')
    else
        res="error: $(sed -n "s/.*error calling $op: //p" "$dir/err")"
    fi
    printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$op" "$a" "$b" "$res"
    rm -rf "$dir"
}
export -f run_case
ls "$work"/case.* | xargs -P2 -n1 bash -c 'run_case "$1"' _ | sort -n | cut -f2- > "$here/compare.tsv"
echo "regen: $(wc -l < "$here/escape.tsv") strings, $(wc -l < "$here/truth.tsv") truths, $n comparisons" >&2
