#!/usr/bin/env bash
# End-to-end: `hm dependency update|build` against chart repositories served
# by nginx (tests/golden/dependency_remote/srv, the edu repository, the same
# behind basic auth and over TLS) and a docker-registry (charts pushed with
# `hm push`), each case with fresh config and cache folders, against helm's
# recorded output: every step's stdout, stderr and exit code, the lock file
# and the sha256 of every archive in charts/. See
# tests/golden/dependency_remote/lib.bash for the cases and the masks.
set -u
: "${KZ_BIN:?KZ_BIN must point at the built tools}"
hm=$(cd "$KZ_BIN" && pwd)/hm
. "$(dirname "${BASH_SOURCE[0]}")/../golden/dependency_remote/lib.bash"
export EDU_REPO=${KZ_SHARED_DIR:?KZ_SHARED_DIR must point at ../shared}/fixtures/edu-chart-repo
work=$(mktemp -d)
trap 'stop_servers "$work"; "$servers_dir/nginx.sh" stop "$work/srv-bad"; rm -rf "$work"' EXIT
start_servers "$work" || { echo "dependency_remote.sh: servers did not start"; exit 1; }
push_charts "$hm" "$work" || { echo "dependency_remote.sh: hm push failed"; exit 1; }
failed=0 total=0
# a table's padding follows the real URLs' widths
normalize() { sed -e 's/ *\t/\t/g' -e 's/ *$//'; }
while IFS=$'\t' read -r name chart repos steps; do
    total=$((total + 1))
    run_case "$hm" "$work/run" "$name" "$chart" "$repos" "$steps" > "$work/got"
    if ! diff -u --label "helm/$name" --label "hm" <(normalize < "$golden_dir/$name.out") \
        <(normalize < "$work/got") > "$work/diff"; then
        echo "FAIL: $name"
        head -40 "$work/diff"
        failed=$((failed + 1))
    fi
done < <(cases)
# Beyond helm: an archive that does not match the index's digest is refused
# and nothing is left in charts/.
total=$((total + 1))
cp -r "$golden_dir/srv" "$work/bad-srv"
printf 'x' >> "$work/bad-srv/alpha-0.1.0.tgz"
bad=$("$servers_dir/nginx.sh" start "$work/srv-bad" --root "$work/bad-srv" --watch $$) || exit 1
mkdir -p "$work/bad/parent" "$work/bad-home/config"
export HM_CONFIG_HOME=$work/bad-home/config HM_CACHE_HOME=$work/bad-home/cache
{ echo "repositories:"; entry mine "$bad"; } > "$work/bad-home/config/repositories.yaml"
sed "s#@URL@#$bad#" "$golden_dir/charts/single.yaml" | sed 's/~0.2.0/0.1.0/' > "$work/bad/parent/Chart.yaml"
code=0
(cd "$work/bad" && "$hm" dependency update parent) > "$work/out" 2> "$work/err" || code=$?
if [ "$code" -ne 1 ] || ! grep -q "^Error: could not download $bad/alpha-0.1.0.tgz: digest mismatch" "$work/err" ||
    [ -n "$(ls -A "$work/bad/parent/charts")" ] || ls -d "$work/bad/parent"/tmpcharts* > /dev/null 2>&1; then
    echo "FAIL: tampered archive (exit $code)"
    cat "$work/out" "$work/err"
    failed=$((failed + 1))
fi

if [ "$failed" -ne 0 ]; then
    echo "dependency_remote.sh: $failed of $total case(s) differ"
    exit 1
fi
echo "dependency_remote.sh: $total cases match helm"
