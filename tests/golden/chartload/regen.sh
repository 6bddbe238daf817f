#!/usr/bin/env bash
# Regenerate the chart-loading goldens with the reference helm (v3.17).
# Tests never run helm; they read what this script recorded.
#
#   <chart>.dump   for each test chart (tests/data/charts/<chart>) and each real
#                  chart (../shared/fixtures/edu-chart-repo/*.tgz): a copy gets a
#                  template templates/zz-kzdump.yaml (in every chart folder,
#                  subcharts too) printing .Chart as JSON and each .Files entry with
#                  its size; the golden holds
#                    == sources         the "# Source:" paths helm rendered, sorted
#                    == dump PATH       each dump document, by path
#                    == stderr          what helm logged while loading
#   err-<name>.err helm's message (without "Error: ") for tests/data/charts/err-<name>
#   arch-<name>.err / .ok  for archives built by arch.py (the unit test builds the
#                  same entries with libarchive): helm's message, or "ok" plus the
#                  rendered sources when helm loads it
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
data=$here/../../data/charts
fixtures=$here/../../../../shared/fixtures/edu-chart-repo
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

add_dump() { # chart dir: put the dump template in it and in its folder subcharts
    local d=$1
    mkdir -p "$d/templates"
    cat > "$d/templates/zz-kzdump.yaml" <<'TPL'
# kzdump {{ .Chart.Name }}
metadata: {{ toJson .Chart }}
files:
{{- range $k, $v := .Files }}
- {{ $k }} {{ len $v }}
{{- end }}
TPL
    if [ -d "$d/charts" ]; then
        for s in "$d"/charts/*/; do
            [ -f "$s/Chart.yaml" ] && add_dump "${s%/}"
        done
    fi
    return 0
}

record() { # chart path (dir or tgz) -> golden on stdout
    "$HELM" template x "$1" > "$work/stdout" 2> "$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
    python3 "$here/split.py" "$work/stdout" "$work/stderr" "$work/"
}

for c in basic v1req v2req ignore ignore-negate; do
    rm -rf "$work/c" && mkdir -p "$work/c" && cp -a "$data/$c" "$work/c/$c"
    add_dump "$work/c/$c"
    record "$work/c/$c" > "$here/$c.dump"
done

for f in "$fixtures"/*.tgz; do
    n=$(basename "$f" .tgz)
    rm -rf "$work/c" && mkdir -p "$work/c" && tar xzf "$f" -C "$work/c"
    top=$(ls "$work/c")
    add_dump "$work/c/$top"
    tar czf "$work/c.tgz" -C "$work/c" "$top"
    record "$work/c.tgz" > "$here/$n.dump"
done

for d in "$data"/err-*/; do
    n=$(basename "$d")
    if "$HELM" template x "$d" > /dev/null 2> "$work/stderr"; then
        echo "regen: $n loaded fine" >&2; exit 1
    fi
    sed -n 's/^Error: //p' "$work/stderr" > "$here/$n.err"
done

rm -f "$here"/arch-*.err "$here"/arch-*.ok
mkdir -p "$work/arch"
python3 "$here/arch.py" "$work/arch"
printf "apiVersion: v2\n" > "$work/arch/notchart.yaml"
for a in "$work"/arch/*; do
    n=$(basename "$a"); n=${n%.*}
    if out=$("$HELM" template x "$a" 2> "$work/stderr"); then
        { echo ok; sed -n 's/^# Source: //p' <<<"$out" | sort; } > "$here/arch-$n.ok"
    else
        sed -n 's/^Error: //p' "$work/stderr" | sed "s|$work/arch/|TMP/|g" > "$here/arch-$n.err"
    fi
done
