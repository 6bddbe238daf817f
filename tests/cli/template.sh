#!/usr/bin/env bash
# End-to-end: `hm template` on every chart of the edu repository (archives
# read directly, and unpacked by this test), with default values and with the
# book's commands, against `helm template`'s recorded output
# (tests/golden/template, regen.sh there). Lines helm itself renders
# differently on each run (random passwords) are listed in NAME.mask and
# skipped; everything else must be byte-identical, stderr and exit code too.
set -u
. "$(dirname "${BASH_SOURCE[0]}")/../golden/template/lib.bash"
: "${KZ_BIN:?KZ_BIN must point at the built tools}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/charts" "$work/run"
unpack "$work/charts"
failed=0 total=0
# masked MASK FILE: FILE without the lines MASK numbers (an empty MASK too:
# "NR == FNR" would then read FILE as the mask and skip every line)
masked() { awk -v mask="$1" 'BEGIN { while ((getline l < mask) > 0) skip[l] = 1 } !(FNR in skip)' "$2"; }
while IFS=$'\t' read -r name args; do
    total=$((total + 1))
    run_one "$KZ_BIN/hm" "$work/run" "$args" "$work/charts"
    sed -i "s|$work/charts|@DIR@|g; s|$repo|@REPO@|g; s|$golden_dir/charts|@CHARTS@|g; s|$golden_dir/../deps/charts|@DEPS@|g; s|$golden_dir/../../..|@PROJECT@|g" "$work/run/err"
    if [ "$(wc -l < "$work/run/out")" != "$(wc -l < "$golden_dir/$name.out")" ] ||
        ! diff -u --label "helm/$name" --label "hm" <(masked "$golden_dir/$name.mask" "$golden_dir/$name.out") \
            <(masked "$golden_dir/$name.mask" "$work/run/out") > "$work/diff"; then
        echo "FAIL: $name: stdout differs"
        head -40 "$work/diff"
        failed=$((failed + 1))
    fi
    # helm logs its warnings while loading, before it prints the manifests:
    # with both streams on one pipe, stderr comes first
    if [ "$(cat "$golden_dir/$name.code")" = 0 ] && [ -s "$golden_dir/$name.err" ] &&
        [ ! -s "$golden_dir/$name.mask" ]; then
        COMBINED=1 run_one "$KZ_BIN/hm" "$work/run" "$args" "$work/charts"
        if ! cmp -s <(cat "$golden_dir/$name.err" "$golden_dir/$name.out") "$work/run/out"; then
            echo "FAIL: $name: stderr does not come before stdout"
            failed=$((failed + 1))
        fi
    fi
    for ext in err code; do
        if ! diff -u --label "helm/$name.$ext" --label "hm" "$golden_dir/$name.$ext" "$work/run/$ext"; then
            echo "FAIL: $name: $ext differs"
            failed=$((failed + 1))
        fi
    done
done < <(cases)
# --debug: the same manifests; on stderr helm's two debug lines, whose
# timestamps differ on each run (checked by their shape)
total=$((total + 1))
"$KZ_BIN/hm" template x "$golden_dir/charts/c1-kubecontext" --debug \
    --kubeconfig "$golden_dir/charts/c1-kubecontext/kubeconfig.yaml" > "$work/run/out" 2> "$work/run/err"
if ! cmp -s "$work/run/out" "$golden_dir/c1-kubecontext.out" ||
    ! sed -n 1p "$work/run/err" | grep -Eq '^install\.go:225: [0-9-]+ [0-9:.]+ [-+][0-9]{4} [A-Za-z0-9+-]+ m=\+[0-9.]+ \[debug\] Original chart version: ""$' ||
    ! sed -n 2p "$work/run/err" | grep -Eq "^install\.go:242: .* \[debug\] CHART PATH: $golden_dir/charts/c1-kubecontext\$" ||
    [ "$(sed -n 3p "$work/run/err")" != "" ] || [ "$(wc -l < "$work/run/err")" != 3 ]; then
    echo "FAIL: c1-debug: --debug output"
    cat "$work/run/err"
    failed=$((failed + 1))
fi
# --debug after a YAML error: the rendered files on stdout, as helm prints
# them (c1-debug-bad-yaml.out recorded by helm template x bad-yaml --debug)
total=$((total + 1))
if ! diff -u --label "helm/c1-debug-bad-yaml" --label "hm" "$golden_dir/c1-debug-bad-yaml.out" \
    <("$KZ_BIN/hm" template x "$golden_dir/charts/bad-yaml" --debug 2>/dev/null); then
    echo "FAIL: c1-debug-bad-yaml: --debug does not render out the invalid YAML"
    failed=$((failed + 1))
fi
# $HELM_NAMESPACE is --namespace's default, over the kubeconfig's context
total=$((total + 1))
if ! diff -u --label "helm/c1-helm-namespace-env" --label "hm" "$golden_dir/c1-helm-namespace-env.out" \
    <(HELM_NAMESPACE=from-env "$KZ_BIN/hm" template x "$golden_dir/charts/c1-kubecontext" \
        --kubeconfig "$golden_dir/charts/c1-kubecontext/kubeconfig.yaml" 2>&1); then
    echo "FAIL: c1-helm-namespace-env: \$HELM_NAMESPACE not used"
    failed=$((failed + 1))
fi
# $KUBECONFIG's files merged as client-go merges them: current-context from
# the second file, the context's first definition from the first
total=$((total + 1))
kc="$golden_dir/charts/c1-kubecontext"
if ! diff -u --label "helm/c1-kubeconfig-merge" --label "hm" "$golden_dir/c1-kubeconfig-merge.out" \
    <(KUBECONFIG="$kc/kubeconfig-merge-a.yaml:$kc/kubeconfig-merge-b.yaml" "$KZ_BIN/hm" template x "$kc" 2>&1); then
    echo "FAIL: c1-kubeconfig-merge: \$KUBECONFIG's files not merged as client-go merges them"
    failed=$((failed + 1))
fi
if [ "$failed" -ne 0 ]; then
    echo "template.sh: $failed difference(s) in $total case(s)"
    exit 1
fi
echo "template.sh: $total cases match helm"
