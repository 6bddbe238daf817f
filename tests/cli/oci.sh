#!/usr/bin/env bash
# End-to-end OCI: Debian's docker-registry with basic auth on 127.0.0.1, and
# hm registry login, push, pull, template and show of oci:// references,
# then logout. Outputs compared with helm's (tests/golden/oci/regen.sh
# recorded them from helm v3.17.3 against the same kind of registry).
set -u
: "${KZ_BIN:?KZ_BIN must point at the built tools}"
hm=$(cd "$KZ_BIN" && pwd)/hm
golden=$(cd "$(dirname "${BASH_SOURCE[0]}")/../golden/oci" && pwd)
servers=$(cd "$(dirname "${BASH_SOURCE[0]}")/../servers" && pwd)
W=$(mktemp -d)
trap '"$servers/registry.sh" stop "$W/reg"; rm -rf "$W"' EXIT
export HM_CONFIG_HOME=$W/cfg HM_CACHE_HOME=$W/cache
url=$("$servers/registry.sh" start "$W/reg" --auth alice:secret --watch $$) || exit 1
host=${url#http://}
failed=0 total=0
check() { # name expected actual
    total=$((total + 1))
    if ! cmp -s "$2" "$3"; then
        echo "FAIL: $1"
        diff -u --label "helm/$1" --label hm "$2" "$3" | head -20
        failed=$((failed + 1))
    fi
}
golden_for() { sed "s/127.0.0.1:PORT/$host/g" "$golden/$1"; }

# pushing without credentials fails
cp "$golden/webapp.tgz" "$W/webapp-0.1.0.tgz"
touch -d "$(cat "$golden/webapp.created")" "$W/webapp-0.1.0.tgz" # helm's created annotation is the file's mtime
total=$((total + 1))
if "$hm" push "$W/webapp-0.1.0.tgz" "oci://$host/charts" > /dev/null 2> "$W/err"; then
    echo "FAIL: push without credentials succeeded"; failed=$((failed + 1))
fi

# login, push, pull
"$hm" registry login "$host" --username alice --password-stdin <<< secret > "$W/out" 2> "$W/err"
printf 'Login Succeeded\n' > "$W/want"
check login "$W/want" "$W/err"
golden_for login.json > "$W/want"
check login.json "$W/want" "$W/cfg/registry/config.json"
total=$((total + 1))
[ "$(stat -c %a "$W/cfg/registry/config.json")" = "$(cat "$golden/login.mode")" ] ||
    { echo "FAIL: registry config mode $(stat -c %a "$W/cfg/registry/config.json")"; failed=$((failed + 1)); }

"$hm" push "$W/webapp-0.1.0.tgz" "oci://$host/charts" > "$W/out" 2> "$W/err"
golden_for webapp.push.txt > "$W/want"
check push "$W/want" "$W/err"
: > "$W/want"; check push.stdout "$W/want" "$W/out"

mkdir "$W/pulled"
(cd "$W/pulled" && "$hm" pull "oci://$host/charts/webapp" --version 0.1.0) > "$W/out" 2> "$W/err"
golden_for webapp.pull.txt > "$W/want"
check pull "$W/want" "$W/err"
check pull.archive "$golden/webapp.tgz" "$W/pulled/webapp-0.1.0.tgz"

# a version range resolves against the registry's tags (listing them needs
# --plain-http on a plain registry, as in helm, even on 127.0.0.1)
mkdir "$W/pulled/again" # pull does not create it, as helm
(cd "$W/pulled" && "$hm" pull "oci://$host/charts/webapp" --version "^0.1" --plain-http -d again) > /dev/null 2> "$W/err" || cat "$W/err"
check pull.range "$golden/webapp.tgz" "$W/pulled/again/webapp-0.1.0.tgz"

# template and show of an oci:// chart equal those of the archive itself
"$hm" template web "oci://$host/charts/webapp" --version 0.1.0 > "$W/out" 2> /dev/null
"$hm" template web "$golden/webapp.tgz" > "$W/want"
check template "$W/want" "$W/out"
"$hm" show chart "oci://$host/charts/webapp" --version 0.1.0 > "$W/out" 2> /dev/null
"$hm" show chart "$golden/webapp.tgz" > "$W/want"
check show "$W/want" "$W/out"

# logout
"$hm" registry logout "$host" > "$W/out" 2> "$W/err"
golden_for logout.txt > "$W/want"
check logout "$W/want" "$W/err"
golden_for logout.json > "$W/want"
check logout.json "$W/want" "$W/cfg/registry/config.json"

if [ "$failed" -ne 0 ]; then
    echo "oci.sh: $failed difference(s) in $total check(s)"
    exit 1
fi
echo "oci.sh: $total checks match helm"
