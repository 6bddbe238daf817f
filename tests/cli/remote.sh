#!/usr/bin/env bash
# The flagship repository test: the real edu repository served by nginx on
# 127.0.0.1, and hm's repo add, update, list, search, show values, pull
# --untar and template on it compared with helm's recorded outputs
# (tests/golden/remote/regen.sh), then errors: a tampered archive, a wrong
# password, an unreachable server, an unknown CA.
set -u
: "${KZ_BIN:?KZ_BIN must point at the built tools}"
hm=$(cd "$KZ_BIN" && pwd)/hm
golden=$(cd "$(dirname "${BASH_SOURCE[0]}")/../golden/remote" && pwd)
servers=$(cd "$(dirname "${BASH_SOURCE[0]}")/../servers" && pwd)
W=$(mktemp -d)
cleanup() {
    for s in web auth tls; do "$servers/nginx.sh" stop "$W/$s"; done
    rm -rf "$W"
}
trap cleanup EXIT
export HM_CONFIG_HOME=$W/cfg HM_CACHE_HOME=$W/cache
cp -r "$KZ_SHARED_DIR/fixtures/edu-chart-repo" "$W/edu"
url=$("$servers/nginx.sh" start "$W/web" --root "$W/edu" --watch $$) || exit 1
auth=$("$servers/nginx.sh" start "$W/auth" --root "$W/edu" --auth user:secret --watch $$) || exit 1
tls=$("$servers/nginx.sh" start "$W/tls" --root "$W/edu" --tls --watch $$) || exit 1
failed=0 total=0

run() { # name args...: like regen.sh, then compare
    local n=$1; shift
    (cd "$W" && "$hm" "$@") > "$W/out" 2> "$W/err"; echo $? > "$W/rc"
    sed -i -e "s#$url#@URL@#g" -e "s#$auth#@AUTH@#g" -e "s#$tls#@TLS@#g" -e "s#$W#@WORK@#g" "$W/out" "$W/err"
    for ext in out err rc; do
        total=$((total + 1))
        local want=$golden/$n.$ext have=$W/$ext
        if [ "$n" = list ]; then # the URL column's width depends on the port's digits
            sed -E 's/ +$//' "$want" > "$W/want"; sed -i -E 's/ +$//' "$have"; want=$W/want
        fi
        if ! cmp -s "$want" "$have"; then
            echo "FAIL: $n.$ext"
            diff -u --label "helm/$n.$ext" --label hm "$want" "$have" | head -20
            failed=$((failed + 1))
        fi
    done
}
run add repo add edu "$url"
run add-again repo add edu "$url"
run update repo update
run list repo list
run search search repo edu --versions
run show-values show values edu/metallb
run pull pull edu/metallb --untar
total=$((total + 1))
(cd "$W" && find metallb -type f | sort | xargs sha256sum) > "$W/tree"
cmp -s "$golden/pull-tree.txt" "$W/tree" || { echo "FAIL: pull --untar tree"; diff "$golden/pull-tree.txt" "$W/tree" | head; failed=$((failed + 1)); }
run template template metallb edu/metallb --namespace=metallb-system --set controller.tag=v0.3.3 \
    --set speaker.tag=v0.8.3 --set configmap.ipRange=192.168.1.11-192.168.1.29
run template-version template metallb edu/metallb --version 0.1.0
run template-repo-flag template metallb metallb --repo "$url" --version 0.1.0
run pull-missing pull edu/nosuchchart
touch "$W/afile" # --untar into a folder under a file
run pull-untar-notdir pull edu/metallb --version 0.1.0 --untar -d afile
run add-wrong-password repo add private "$auth" --username user --password wrong
run add-right-password repo add private "$auth" --username user --password secret
run add-unreachable repo add down http://127.0.0.1:1/
run add-unknown-ca repo add tls "$tls"
run add-with-ca repo add tls "$tls" --ca-file "$W/tls/ca.crt"

# template and show values of edu/metallb 0.1.1 downloaded its archive once:
# later uses found it in the cache with the index's digest
total=$((total + 1))
n=$(grep -c '^GET /metallb-0.1.1.tgz ' "$W/web/access.log")
[ "$n" = 1 ] || { echo "FAIL: metallb-0.1.1.tgz downloaded $n times"; failed=$((failed + 1)); }

# A second update of an unchanged index is answered 304 by the server.
total=$((total + 1))
"$hm" repo update edu > /dev/null
tail -1 "$W/web/access.log" | grep -q '^GET /index.yaml 304 ' ||
    { echo "FAIL: unchanged index re-downloaded: $(tail -1 "$W/web/access.log")"; failed=$((failed + 1)); }

# --destination is not created: helm's atomic write fails after the
# download, naming its temporary file (a random number after the name)
for d in nodir afile; do
    total=$((total + 1))
    (cd "$W" && "$hm" pull edu/metallb --version 0.1.0 -d "$d/") > "$W/out" 2> "$W/err"
    rc=$?
    why="no such file or directory"; [ "$d" = afile ] && why="not a directory"
    if [ $rc -ne 1 ] || [ -s "$W/out" ] || [ -e "$W/nodir" ] ||
        ! grep -Eqx "Error: open $d/metallb-0\.1\.0\.tgz[0-9]+: $why" "$W/err"; then
        echo "FAIL: pull -d $d (rc=$rc): $(cat "$W/out" "$W/err")"
        failed=$((failed + 1))
    fi
done

# A tampered archive: the digest in the index no longer matches; nothing is
# left behind, and the error says why.
total=$((total + 1))
mkdir -p "$W/tampered"
printf 'x' >> "$W/edu/metallb-0.1.0.tgz"
(cd "$W/tampered" && "$hm" pull edu/metallb --version 0.1.0) > "$W/out" 2> "$W/err"
rc=$?
if [ $rc -eq 0 ] || ! grep -q "digest mismatch for $url/metallb-0.1.0.tgz" "$W/err" || [ -n "$(ls -A "$W/tampered")" ]; then
    echo "FAIL: tampered archive (rc=$rc): $(cat "$W/err"); left: $(ls -A "$W/tampered")"
    failed=$((failed + 1))
fi

# an unreachable repository during update: reported, the others updated;
# with --fail-on-repo-update-fail an error listing its URL (helm's words;
# helm's line order varies, hm's follows repositories.yaml)
"$servers/nginx.sh" stop "$W/web"
"$hm" repo update --fail-on-repo-update-fail > "$W/out" 2> "$W/err"
rc=$?
port=${url##*:}
{
    echo "Hang tight while we grab the latest from your chart repositories..."
    echo "...Unable to get an update from the \"edu\" chart repository ($url):"
    printf '\tGet "%s/index.yaml": dial tcp 127.0.0.1:%s: connect: connection refused\n' "$url" "$port"
    echo '...Successfully got an update from the "private" chart repository'
    echo '...Successfully got an update from the "tls" chart repository'
} > "$W/want"
total=$((total + 1))
if [ $rc -ne 1 ] || ! cmp -s "$W/want" "$W/out" ||
    [ "$(cat "$W/err")" != "Error: Failed to update the following repositories: [$url]" ]; then
    echo "FAIL: update with an unreachable repository (rc=$rc)"
    diff "$W/want" "$W/out"; cat "$W/err"
    failed=$((failed + 1))
fi

# repo remove takes the cache files with it, hm's sidecar and validators too
total=$((total + 1))
ls "$W/cache/repository/edu-index.kzc" "$W/cache/repository/edu-index.yaml.etag" > /dev/null ||
    { echo "FAIL: no sidecar or validators after repo update"; failed=$((failed + 1)); }
"$hm" repo remove edu > "$W/out" 2>&1
total=$((total + 1))
if [ "$(cat "$W/out")" != '"edu" has been removed from your repositories' ] || ls "$W/cache/repository" | grep -q '^edu-'; then
    echo "FAIL: repo remove: $(cat "$W/out"); left: $(ls "$W/cache/repository")"
    failed=$((failed + 1))
fi

if [ "$failed" -ne 0 ]; then
    echo "remote.sh: $failed difference(s) in $total check(s)"
    exit 1
fi
echo "remote.sh: $total checks match helm"
