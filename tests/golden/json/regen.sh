#!/usr/bin/env bash
# Regenerate the JSON encoder goldens with the reference helm (v3.17, Go 1.23), whose
# toJson is json.Marshal, toRawJson an Encoder with SetEscapeHTML(false) (trailing
# newline trimmed) and toPrettyJson json.MarshalIndent(v, "", "  ").
# Tests never run helm; they read what this script recorded.
#
#   chart/values.yaml   tricky values, written as JSON (valid YAML) so the test can read
#                       them with kz_json_parse(KZ_JSON_NUMBERS_FLOAT64), as Helm's values
#                       hold every number as float64
#   values.toJson / values.toRawJson / values.toPrettyJson
#                       what the three functions print for .Values (no trailing newline)
#   strings.tsv         HEX <TAB> toJson <TAB> toRawJson of each byte string of strings.txt
#                       (bytes made with b64dec, so invalid UTF-8 reaches the encoder)
#   floats.tsv          INPUT <TAB> toJson <TAB> fields of printf VERBS, '|'-separated, for
#                       each decimal of floats.txt read with strconv.ParseFloat (sprig's
#                       float64); Go's fmt formats floats with strconv.FormatFloat
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The printf verbs of floats.tsv, in column order (test_json_emit.c maps each to
# kz_format_float's fmt and prec).
VERBS='%v %e %E %.0e %.1e %.3e %.16e %.17e %.40e %f %.0f %.1f %.3f %.20f %g %G %.0g %.1g %.3g %.10g %.16g %.17g %.20g %.25g'

# Each template prints "# FIELD FIELD ..." lines with base64 fields.
render() { # template extra-values-file -> the "# ..." lines, header comments dropped
    "$HELM" template t "$here/chart" --show-only "templates/$1" ${2:+-f "$2"} |
        sed -n 's/^# //p' | grep -v '^Source:'
}
b64() { [ "$1" = - ] || printf '%s' "$1" | base64 -d; } # "-": empty

# --- .Values through the three functions
render values.yaml | while read -r name data; do
    b64 "$data" > "$here/values.$name"
done

# --- byte strings
{
    printf 'probe_strings:\n'
    grep -v '^#' "$here/strings.txt" | while read -r hex; do
        printf -- '- "%s"\n' "$(printf '%s' "$hex" | xxd -r -p | base64 -w0)"
    done
} > "$work/strings.yaml"
render strings.yaml "$work/strings.yaml" | while read -r input json raw; do
    printf '%s\t%s\t%s\n' "$(b64 "$input" | xxd -p | tr -d '\n')" "$(b64 "$json")" "$(b64 "$raw")"
done > "$here/strings.tsv"

# --- floats
{
    printf 'probe_verbs: "%s"\n' "$(printf '%s' "$VERBS" | awk '{
        for (i = 1; i <= NF; i++) { $i = substr($i, 1, length($i) - 1) "[1]" substr($i, length($i)); printf "%s%s", (i > 1 ? "|" : ""), $i } }')"
    printf 'probe_floats:\n'
    grep -v '^#' "$here/floats.txt" | while read -r f; do printf -- '- "%s"\n' "$f"; done
} > "$work/floats.yaml"
{
    printf '#INPUT\ttoJson\t%s\n' "$(printf '%s' "$VERBS" | tr ' ' '|')"
    render floats.yaml "$work/floats.yaml" | while read -r input json fields; do
        printf '%s\t%s\t%s\n' "$input" "$(b64 "$json")" "$(b64 "$fields")"
    done
} > "$here/floats.tsv"
