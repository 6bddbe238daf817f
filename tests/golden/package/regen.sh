#!/usr/bin/env bash
# Record `helm package` for every case of cases.txt: messages, exit code and
# the archives' entries (lib.bash). With KZ_BIN (the built tools), also
# checks that helm reads hm's archives as it reads its own (`helm show all`
# and `helm template` print the same for both), and records helm's
# `helm template` of each archive (NAME.render) for the test to compare
# `hm template` of hm's archive with.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
. "$here/lib.bash"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/charts" "$work/h" "$work/m"
unpack "$work/charts"
rm -f "$here"/*.out "$here"/*.err "$here"/*.code "$here"/*.archives "$here"/*.render "$here"/*.mask
# masked MASK FILE: FILE without the lines MASK numbers (an empty MASK too:
# "NR == FNR" would then read FILE as the mask and skip every line)
masked() { awk -v mask="$1" 'BEGIN { while ((getline l < mask) > 0) skip[l] = 1 } !(FNR in skip)' "$2"; }
while IFS=$'\t' read -r name args; do
    run_one "$HELM" "$work/h" "$args" "$work/charts"
    for ext in out err code archives; do cp "$work/h/$ext" "$here/$name.$ext"; done
    : > "$work/h/render"
    : > "$work/h/render2"
    while IFS= read -r f; do # twice: lines helm renders differently each time (random passwords) are masked
        "$HELM" template x "$work/h/run/$f" >> "$work/h/render" 2>&1 || true
        "$HELM" template x "$work/h/run/$f" >> "$work/h/render2" 2>&1 || true
    done < <(cd "$work/h/run" && find . -name '*.tgz' | LC_ALL=C sort)
    [ -s "$work/h/render" ] || continue
    cp "$work/h/render" "$here/$name.render"
    diff <(cat -n "$work/h/render") <(cat -n "$work/h/render2") | awk '/^</ { print $2 }' > "$here/$name.mask" || true
    if [ -n "${KZ_BIN:-}" ]; then
        run_one "$KZ_BIN/hm" "$work/m" "$args" "$work/charts"
        : > "$work/m/render"
        while IFS= read -r f; do
            "$HELM" template x "$work/m/run/$f" >> "$work/m/render" 2>&1 || true
            if ! diff <("$HELM" show all "$work/h/run/$f" 2>&1) <("$HELM" show all "$work/m/run/$f" 2>&1) > /dev/null; then
                echo "regen: $name: helm show all reads hm's $f differently" >&2
                exit 1
            fi
        done < <(cd "$work/m/run" && find . -name '*.tgz' | LC_ALL=C sort)
        if ! diff <(masked "$here/$name.mask" "$here/$name.render") <(masked "$here/$name.mask" "$work/m/render") > /dev/null; then
            echo "regen: $name: helm template reads hm's archive differently" >&2
            exit 1
        fi
    fi
done < <(cases)
echo "regen: $(cases | wc -l) cases" >&2
[ -z "${KZ_BIN:-}" ] || echo "regen: helm reads the archives of hm package as those of helm package" >&2
