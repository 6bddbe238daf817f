#!/usr/bin/env bash
# Regenerate the regexp goldens with the reference helm (v3.17, Go 1.23), whose
# Sprig regex* functions are Go's regexp package.
# Tests never run helm; they read what this script recorded.
#
#   chart/values.yaml   patterns (with a replacement each) x inputs
#   cases.tsv           one line per pattern x input, all fields base64 but the bool:
#                       PATTERN INPUT REPL regexMatch regexFind regexFindAll(-1)
#                       regexFindAll(2) regexReplaceAll regexReplaceAllLiteral
#                       regexSplit(-1) regexSplit(2)   (lists as toJson)
#   quotemeta.tsv       INPUT <TAB> regexQuoteMeta INPUT (base64)
#   errors.txt          patterns Go rejects, one a line
#   errors.tsv          PATTERN (base64) <TAB> the error mustRegexMatch gave helm
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

render() { # template [extra args] -> the "# ..." lines
    local t=$1; shift
    "$HELM" template t "$here/chart" --show-only "templates/$t" "$@" |
        sed -n 's/^# //p' | grep -v '^Source:'
}
render cases.yaml > "$here/cases.tsv"
render quotemeta.yaml > "$here/quotemeta.tsv"

while IFS= read -r p; do
    printf "p: '%s'\n" "${p//\'/\'\'}" > "$work/v.yaml"
    if "$HELM" template t "$here/chart" --show-only templates/error.yaml -f "$work/v.yaml" \
        > /dev/null 2> "$work/err"; then
        echo "regen: pattern $p was accepted" >&2; exit 1
    fi
    printf '%s\t%s\n' "$(printf '%s' "$p" | base64 -w0)" \
        "$(sed -n 's/.*error calling mustRegexMatch: //p' "$work/err")"
done < "$here/errors.txt" > "$here/errors.tsv"
