#!/usr/bin/env bash
# End-to-end: `hm search repo`, `hm repo list` and `hm repo index` against
# helm's recorded outputs (tests/golden/repo/regen.sh), through the CLI's
# flags, environment and paths. No server: the recorded helm home holds
# repositories.yaml and the cached indexes.
set -u
: "${KZ_BIN:?KZ_BIN must point at the built tools}"
hm=$(cd "$KZ_BIN" && pwd)/hm
golden=$(cd "$(dirname "${BASH_SOURCE[0]}")/../golden/repo" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# a copy: hm writes its sidecars (NAME-index.kzc) beside the cached indexes
cp -r "$golden/home" "$work/home"
export HM_REPOSITORY_CONFIG=$work/home/repositories.yaml HM_REPOSITORY_CACHE=$work/home/cache
failed=0 total=0

check() { # name expected-file actual-file
    total=$((total + 1))
    if ! cmp -s "$2" "$3"; then
        echo "FAIL: $1"
        diff -u --label "helm/$1" --label hm "$2" "$3" | head -20
        failed=$((failed + 1))
    fi
}

# search repo: every recorded case, stdout, stderr (helm's name for itself
# and the folder masked) and exit code
for args_file in "$golden"/search/*.args; do
    name=$(basename "$args_file" .args)
    mapfile -t args < "$args_file"
    "$hm" search repo "${args[@]}" > "$work/out" 2> "$work/err"
    echo $? > "$work/rc"
    sed -i "s#$work#@HOME@#g" "$work/err"
    check "search/$name.out" "$golden/search/$name.out" "$work/out"
    check "search/$name.err" "$golden/search/$name.err" "$work/err"
    check "search/$name.rc" "$golden/search/$name.rc" "$work/rc"
done

# repo list in the three formats
"$hm" repo list > "$work/out"; check list/table "$golden/list/table.out" "$work/out"
"$hm" repo list -o json > "$work/out"; check list/json "$golden/list/json.out" "$work/out"
"$hm" repo list -o yaml > "$work/out"; check list/yaml "$golden/list/yaml.out" "$work/out"

# repo index, time lines masked as in the goldens
mask() { sed -E -e 's/^( *)created: .*/\1created: @TIME@/' -e 's/^generated: .*/generated: @TIME@/'; }
cp -r "$golden/srv" "$work/srv"
"$hm" repo index "$work/srv/r1" && mask < "$work/srv/r1/index.yaml" > "$work/out"
check index/r1-plain "$golden/index/r1-plain.yaml" "$work/out"
"$hm" repo index "$work/srv/r1" --url http://charts.example.com/r1/ && mask < "$work/srv/r1/index.yaml" > "$work/out"
check index/r1-url "$golden/index/r1-url.yaml" "$work/out"
"$hm" repo index "$work/srv/r1" --merge "$KZ_SHARED_DIR/fixtures/edu-chart-repo/index.yaml" --url http://x/ &&
    mask < "$work/srv/r1/index.yaml" > "$work/out"
check index/r1-merge-edu "$golden/index/r1-merge-edu.yaml" "$work/out"

# errors in helm's words
"$hm" repo list -o xml > /dev/null 2> "$work/err"
printf 'Error: invalid argument "xml" for "-o, --output" flag: invalid format type\n' > "$work/want"
check list/bad-format "$work/want" "$work/err"
HM_REPOSITORY_CONFIG=$work/none.yaml "$hm" repo list > /dev/null 2> "$work/err"
printf 'Error: no repositories to show\n' > "$work/want"
check list/empty "$work/want" "$work/err"
HM_REPOSITORY_CONFIG=$work/none.yaml "$hm" search repo > /dev/null 2> "$work/err"
printf 'Error: no repositories configured\n' > "$work/want"
check search/no-repos "$work/want" "$work/err"
"$hm" search repo nosuchthing --fail-on-no-result > "$work/out" 2> "$work/err"
printf 'Error: no results found\n' > "$work/want"
check search/fail-on-no-result "$work/want" "$work/err"

if [ "$failed" -ne 0 ]; then
    echo "repo.sh: $failed difference(s) in $total check(s)"
    exit 1
fi
echo "repo.sh: $total checks match helm"
