#!/usr/bin/env bash
# Regenerate the semver goldens with the reference helm (v3.17: sprig v3.3 over
# Masterminds/semver v3.3.0). Tests never run helm; they read what this script recorded.
#
#   compare.tsv  CONSTRAINT <TAB> VERSION <TAB> true|false: semverCompare over
#                constraints.txt x versions.txt 
#   fields.tsv   VERSION <TAB> Major Minor Patch Prerelease Metadata Original String
#                (tab-separated) of `semver V` for each line of semver.txt
#   errors.tsv   CONSTRAINT <TAB> VERSION <TAB> RESULT for each pair of errors.txt (edge
#                cases, mostly failing): "value: true|false", or "error: MESSAGE" where
#                MESSAGE follows "error calling semverCompare: " in helm's stderr
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
render() { # template values-file -> the "# ..." lines
    "$HELM" template t "$here/chart" --show-only "templates/$1" -f "$2" |
        sed -n 's/^# //p' | grep -v '^Source:'
}
yaml_list() { # key file -> a YAML list of the file's non-comment lines, double-quoted
    printf '%s:\n' "$1"
    grep -v '^#' "$2" | while IFS= read -r line; do printf -- '- "%s"\n' "$line"; done
}
{
    yaml_list probe_constraints "$here/constraints.txt"
    yaml_list probe_versions "$here/versions.txt"
} > "$work/table.yaml"
render table.yaml "$work/table.yaml" > "$here/compare.tsv"
yaml_list probe_semver "$here/semver.txt" > "$work/fields.yaml"
render fields.yaml "$work/fields.yaml" > "$here/fields.tsv"
grep -v '^#' "$here/errors.txt" | while IFS= read -r line; do
    c=${line%%$'\t'*} v=${line#*$'\t'}
    printf 'c: "%s"\nv: "%s"\n' "$c" "$v" > "$work/err.yaml"
    if "$HELM" template t "$here/chart" --show-only templates/compare.yaml \
        -f "$work/err.yaml" > "$work/stdout" 2> "$work/stderr"; then
        result="value: $(sed -n 's/^# //p' "$work/stdout" | grep -v '^Source:')"
    else
        result="error: $(sed -n 's/.*error calling semverCompare: //p' "$work/stderr")"
    fi
    printf '%s\t%s\t%s\n' "$c" "$v" "$result"
done > "$here/errors.tsv"
