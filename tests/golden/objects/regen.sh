#!/usr/bin/env bash
# Regenerate the goldens of Helm's built-in objects (lib/chart/objects.h) with
# the reference helm (v3.17). Tests never run helm; test_chart_objects.c reads:
#
#   cases.tsv    NAME <TAB> FLAGS <TAB> TEMPLATE: one case per line; FLAGS are
#                extra `helm template` flags ("-" for none: --kube-version,
#                --api-versions), TEMPLATE one line of template text
#   results.tsv  NAME <TAB> ok|err <TAB> BASE64: what helm printed for the case
#                (between the <<< >>> markers around it: helm trims manifests),
#                or the message of its error (after "Error: ")
#   chart/       the chart; each case runs as its templates/x.yaml (a copy)
#   values.json  .Values as helm computed it (subcharts' values, import-values)
#   chart.json   .Chart as helm processed it (dependencies enabled, aliased,
#                import-values normalised): the test builds .Chart from it,
#                as the chart loader would hand it over
#
# `helm template --debug` prints a rendered manifest even when it isn't YAML.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HELM work

fixture() { # template -> its output
    rm -rf "$work/fx" && cp -r "$here/chart" "$work/fx"
    printf '%s' "$1" > "$work/fx/templates/x.yaml"
    "$HELM" template t "$work/fx" --debug 2> /dev/null | sed '1,/^# Source: objects\/templates\/x.yaml$/d'
}
fixture '{{ .Values | toJson }}' > "$here/values.json"
fixture '{{ .Chart | toJson }}' > "$here/chart.json"

grep -v '^#' "$here/cases.tsv" | grep . > "$work/cases"
split -l 1 -a 4 -d "$work/cases" "$work/case."
run_case() { # case file -> NAME STATUS BASE64
    IFS=$'\t' read -r name flags text < "$1"
    dir="$1.chart"
    cp -r "$here/chart" "$dir"
    printf '<<<%s>>>' "$text" > "$dir/templates/x.yaml"
    [ "$flags" = - ] && flags=
    # shellcheck disable=SC2086
    # a manifest that isn't YAML fails the run, after --debug printed it
    if "$HELM" template t "$dir" --debug $flags > "$1.out" 2> "$1.err" ||
        grep -q '^Error: YAML parse error on' "$1.err"; then
        status=ok
        out=$(awk 'BEGIN { RS = "\001" } {
            i = index($0, "# Source: objects/templates/x.yaml\n<<<"); s = substr($0, i)
            s = substr(s, index(s, "<<<") + 3); j = 0
            for (k = length(s); k > 0; k--) if (substr(s, k, 3) == ">>>") { j = k; break }
            printf "%s", substr(s, 1, j - 1) }' "$1.out" | base64 -w0)
    else
        status=err
        # shellcheck disable=SC2086
        "$HELM" template t "$dir" $flags > /dev/null 2> "$1.err" || true
        out=$(grep -v '^WARNING: This chart is deprecated$' "$1.err" | sed '1s/^Error: //' |
            grep -v '^Use --debug flag to render out invalid YAML$' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' |
            head -c -1 | base64 -w0)
    fi
    printf '%s\t%s\t%s\n' "$name" "$status" "$out"
    rm -rf "$dir"
}
export -f run_case
export here
ls "$work"/case.???? | xargs -P2 -n1 bash -c 'run_case "$1"' _ > "$work/results"
# keep the order of cases.tsv
cut -f1 "$work/cases" | while read -r n; do grep -m1 -P "^\Q$n\E\t" "$work/results"; done > "$here/results.tsv"
echo "regen: $(wc -l < "$here/results.tsv") cases" >&2
