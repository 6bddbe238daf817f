#!/usr/bin/env bash
# Regenerate the template parser goldens with the reference helm (v3.17, Go 1.23).
# Tests never run helm; test_tmpl_parse reads what this script recorded.
#
#   cases.txt   one template per line (escapes: \n \t \r \\; '#' lines are comments)
#   cases.tsv   one line per case: CASE <TAB> DIRECT <TAB> TPL <TAB> OUTPUT
#     DIRECT  the first line of helm's stderr when the case is a chart's template
#             (templates/x.yaml of chart "c"): "Error: parse error at (c/templates/x.yaml:
#             LINE): LAST", where helm keeps only the last ": "-separated part of Go's
#             message; "OK" when helm reported no error, or the first stderr line of a
#             later (execution, YAML) failure, which means the template parsed
#     TPL     Go's whole parse error, from `tpl` (which parses under the name "gotpl"):
#             "template: gotpl:LINE: MESSAGE"; "OK" when tpl parsed the text
#     OUTPUT  base64 of what tpl rendered with missing values; "-" when it failed or
#             rendered nothing
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkchart() { # dir
    mkdir -p "$1/templates"
    printf 'apiVersion: v2\nname: c\nversion: 0.1.0\n' > "$1/Chart.yaml"
}
mkchart "$work/direct"
mkchart "$work/tpl"
printf '# {{ tpl .Values.t . | b64enc }}\n' > "$work/tpl/templates/x.yaml"

decode() { perl -pe 's/\\(.)/$1 eq "n" ? "\n" : $1 eq "t" ? "\t" : $1 eq "r" ? "\r" : $1/ge'; }

grep -v '^#' "$here/cases.txt" | grep -v '^$' | while IFS= read -r line; do
    printf '%s' "$line" | decode > "$work/case"
    cp "$work/case" "$work/direct/templates/x.yaml"
    if "$HELM" template t "$work/direct" > /dev/null 2> "$work/err"; then
        direct=OK
    else
        direct=$(head -n1 "$work/err")
    fi
    if "$HELM" template t "$work/tpl" --set-file t="$work/case" > "$work/out" 2> "$work/err"; then
        tpl=OK
        output=$(sed -n 's/^# \{0,1\}//p' "$work/out" | grep -v '^Source:' || true)
        [ -n "$output" ] || output=-
    else
        output=-
        msg=$(head -n1 "$work/err")
        case "$msg" in
        *"cannot parse template"*) tpl="template: gotpl:${msg#*: template: gotpl:}" ;;
        *) tpl=OK ;;
        esac
    fi
    printf '%s\t%s\t%s\t%s\n' "$line" "$direct" "$tpl" "$output"
done > "$here/cases.tsv"
