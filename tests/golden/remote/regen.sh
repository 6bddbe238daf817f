#!/usr/bin/env bash
# Records helm's side of the flagship repository test (tests/cli/remote.sh):
# the real edu repository served by nginx on 127.0.0.1, then helm's repo add,
# update, list, search, show values, pull --untar and template on it, and its
# errors for a wrong password, an unreachable server and an unknown CA. The
# server's URL reads @URL@ in the files. Run by hand; tests never run helm.
set -euo pipefail
cd "$(dirname "$0")"
. ../reference.sh
here=$PWD
servers=$(cd ../../servers && pwd)
W=$(mktemp -d)
trap '"$servers/nginx.sh" stop "$W/web"; "$servers/nginx.sh" stop "$W/auth"; "$servers/nginx.sh" stop "$W/tls"; rm -rf "$W"' EXIT
export HELM_CONFIG_HOME=$W/cfg HELM_CACHE_HOME=$W/cache HELM_DATA_HOME=$W/data TZ=UTC
export HELM_REPOSITORY_CONFIG=$W/cfg/repositories.yaml HELM_REPOSITORY_CACHE=$W/cache/repository
cp -r "$(cd ../../../../shared && pwd)/fixtures/edu-chart-repo" "$W/edu"
url=$("$servers/nginx.sh" start "$W/web" --root "$W/edu")
auth=$("$servers/nginx.sh" start "$W/auth" --root "$W/edu" --auth user:secret)
tls=$("$servers/nginx.sh" start "$W/tls" --root "$W/edu" --tls)

run() { # name args...: stdout+stderr+rc with the URLs masked
    local n=$1; shift
    set +e
    (cd "$W" && "$HELM" "$@") > "$here/$n.out" 2> "$here/$n.err"; echo $? > "$here/$n.rc"
    set -e
    sed -i -e "s#$url#@URL@#g" -e "s#$auth#@AUTH@#g" -e "s#$tls#@TLS@#g" -e "s#$W#@WORK@#g" \
        "$here/$n.out" "$here/$n.err"
}
run add repo add edu "$url"
run add-again repo add edu "$url"
run update repo update
run list repo list
run search search repo edu --versions
run show-values show values edu/metallb
run pull pull edu/metallb --untar
(cd "$W" && find metallb -type f | sort | xargs sha256sum) > pull-tree.txt
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
sed -i "s#$W/tls/ca.crt#@WORK@/tls/ca.crt#g" add-with-ca.out
