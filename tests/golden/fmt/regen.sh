#!/usr/bin/env bash
# Regenerate the Go fmt goldens with the reference helm (v3.17, Go 1.23), whose
# print/printf/println are fmt.Sprint/Sprintf/Sprintln.
# Tests never run helm; they read what this script recorded.
#
#   cases.py    the cases: hand-written ones and verb x flag x value products.
#               Each case is KIND <TAB> FORMAT <TAB> ARGS, where KIND is printf,
#               print, println or value (a bare {{ ARG }}), FORMAT a Go string
#               literal and ARGS a list of typed values in a small syntax that
#               test_tmpl_fmt.c reads too (see cases.py).
#   fmt.tsv     KIND <TAB> FORMAT <TAB> ARGS <TAB> OUTPUT: what helm printed, with
#               '\' -> '\\', tab -> '\t', newline -> '\n', other bytes below 0x20
#               and 0x7f -> '\xNN' (UTF-8 and invalid bytes above 0x7f kept raw)
#   chart/      the chart rendered; cases.py writes templates/cases.yaml (every
#               case on one "# cN ..." line, output base64-encoded) and files/ (the
#               bytes of the []uint8 values, read with .Files.GetBytes)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 "$here/cases.py" chart "$here/chart" > "$work/cases.tsv"
"$HELM" template t "$here/chart" --show-only templates/cases.yaml > "$work/out.yaml"
python3 "$here/cases.py" golden "$work/cases.tsv" "$work/out.yaml" > "$here/fmt.tsv"
echo "regen: $(wc -l < "$here/fmt.tsv") cases in fmt.tsv" >&2
