#!/usr/bin/env bash
# Remake the OCI goldens from helm v3.17 (run by hand; tests only read them).
#
#   tests/golden/oci/regen.sh [BUILD_DIR]
#
# Starts throwaway docker-registry instances on 127.0.0.1 (tests/servers/
# registry.sh), packages the charts with helm, pushes them with helm and saves:
#   NAME.tgz (+ .prov)   the archives pushed (inputs of the unit tests)
#   NAME.created         the org.opencontainers.image.created helm wrote
#   NAME.manifest.json   the manifest bytes, as the registry serves them
#   NAME.config.json     the config blob bytes
#   NAME.push.txt        helm push's stderr
#   NAME.pull.txt        helm pull's stderr
#   tags.txt             helm's tag resolution cases: VERSION<TAB>result
#   errors.txt           helm's messages: CASE<TAB>message (port as PORT)
#   login.json           registry config after `helm registry login` (port as PORT)
#   logout.json          ... after `helm registry logout`
# With BUILD_DIR (a build tree holding tests/test_oci), the unit test binary
# pushes the same archives with kz (KZ_OCI_PUSH_TO=...) and helm pulls them
# back: helm-pulls-kz.txt records what helm printed and whether the archives
# came back byte-identical.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
tests=$(cd "$here/../.." && pwd)
repo=$(cd "$tests/.." && pwd)
. "$tests/golden/reference.sh"
export TZ=UTC
build=${1:-}

tmp=$(mktemp -d)
cleanup() {
  "$tests/servers/registry.sh" stop "$tmp/reg" || true
  "$tests/servers/registry.sh" stop "$tmp/areg" || true
  "$here/token-server.sh" stop "$tmp/tok" || true
  "$tests/servers/nginx.sh" stop "$tmp/tls" || true
  rm -rf "$tmp"
}
trap cleanup EXIT
export HELM_CONFIG_HOME=$tmp/config HELM_CACHE_HOME=$tmp/cache HELM_DATA_HOME=$tmp/data
export HELM_REGISTRY_CONFIG=$tmp/config/registry/config.json

url=$("$tests/servers/registry.sh" start "$tmp/reg" --watch $$)
host=${url#http://}
port=${host##*:}
mask() { sed "s/127\.0\.0\.1:$port/127.0.0.1:PORT/g; s/:$port\//:PORT\//g"; }

# the archives, with a fixed modification time (helm's `created`)
mkdir -p "$tmp/pkg"
"$HELM" package "$repo/charts/webapp" -d "$tmp/pkg" >/dev/null
"$HELM" package "$here/charts/rich" -d "$tmp/pkg" >/dev/null
printf 'not a real signature, helm push does not check it\n' > "$tmp/pkg/rich-1.2.3+build.7.tgz.prov"
for f in "$tmp"/pkg/*.tgz; do touch -d '2024-01-02 03:04:05 UTC' "$f"; done
cp "$tmp/pkg/webapp-0.1.0.tgz" "$here/webapp.tgz"
cp "$tmp/pkg/rich-1.2.3+build.7.tgz" "$here/rich.tgz"
cp "$tmp/pkg/rich-1.2.3+build.7.tgz.prov" "$here/rich.tgz.prov"

save() { # NAME REPO TAG
  local name=$1 r=$2 tag=$3 cfg
  curl -sf -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$url/v2/$r/manifests/$tag" > "$here/$name.manifest.json"
  cfg=$(jq -r .config.digest "$here/$name.manifest.json")
  curl -sf "$url/v2/$r/blobs/$cfg" > "$here/$name.config.json"
  jq -j '.annotations["org.opencontainers.image.created"]' "$here/$name.manifest.json" > "$here/$name.created"
}

"$HELM" push "$tmp/pkg/webapp-0.1.0.tgz" "oci://$host/charts" 2>&1 >/dev/null | mask > "$here/webapp.push.txt"
"$HELM" push "$tmp/pkg/rich-1.2.3+build.7.tgz" "oci://$host/charts" 2>&1 >/dev/null | mask > "$here/rich.push.txt"
save webapp charts/webapp 0.1.0
save rich charts/rich 1.2.3_build.7

mkdir -p "$tmp/out"
(cd "$tmp/out" && "$HELM" pull "oci://$host/charts/webapp" --version 0.1.0 2>&1 >/dev/null | mask > "$here/webapp.pull.txt")
(cd "$tmp/out" && "$HELM" pull "oci://$host/charts/rich" --version 1.2.3+build.7 2>&1 >/dev/null | mask > "$here/rich.pull.txt")

# version resolution against a repository holding several versions
for v in 0.1.0 0.2.0 1.0.0 1.1.0-rc.1 1.1.0; do
  "$HELM" package "$repo/charts/webapp" --version "$v" -d "$tmp/vers" >/dev/null
  "$HELM" push "$tmp/vers/webapp-$v.tgz" "oci://$host/vers" >/dev/null 2>&1
done
: > "$here/tags.txt"
for v in "" "^0.1" "~0.1.0" ">=1.0.0-0" "^1.0" "1.1.0-rc.1" "0.2.0" "^2.0" "<0.2.0" "1.x"; do
  out=$(cd "$tmp/out" && "$HELM" pull "oci://$host/vers/webapp" --version "$v" --plain-http 2>&1 >/dev/null | head -1 | mask) || true
  printf '%s\t%s\n' "$v" "$out" >> "$here/tags.txt"
done

# helm's messages
: > "$here/errors.txt"
# messages on one line: newlines written as \n
oneline() { awk 'NR>1{printf "\\n"} {printf "%s", $0}'; }
err() { # CASE ARGS...
  local c=$1 out
  shift
  out=$(cd "$tmp/out" && "$HELM" "$@" 2>&1 >/dev/null | grep -v '^WARNING: Using --password' | mask | oneline) || true
  printf '%s\t%s\n' "$c" "$out" >> "$here/errors.txt"
}
err pull-missing-version pull "oci://$host/charts/webapp" --version 9.9.9
err pull-missing-repo pull "oci://$host/charts/nosuch" --plain-http
# tags are listed over https unless --plain-http, even for a loopback host
err tags-https pull "oci://$host/charts/nosuch"
err pull-version-mismatch pull "oci://$host/charts/webapp:0.1.0" --version 0.2.0
err pull-no-match pull "oci://$host/charts/webapp" --version "^2.0" --plain-http
err pull-bad-repository pull "oci://$host/Charts/webapp" --version 0.1.0
err pull-missing-repository pull "oci://$host" --version 0.1.0
err push-bad-tag push "$tmp/pkg/webapp-0.1.0.tgz" "oci://$host/charts:foo"
err push-bad-repository push "$tmp/pkg/webapp-0.1.0.tgz" "oci://$host/Charts"
err push-scheme push "$tmp/pkg/webapp-0.1.0.tgz" "http://$host/charts"
err push-no-scheme push "$tmp/pkg/webapp-0.1.0.tgz" "$host/charts"
# helm's OCI pusher on its argument (paths relative to $tmp/out)
mkdir -p "$tmp/out/somedir"
printf 'hello\n' > "$tmp/out/notachart.tgz"
err push-no-file push nosuch.tgz "oci://$host/charts"
err push-dir push somedir "oci://$host/charts"
err push-not-gzip push notachart.tgz "oci://$host/charts"

# a chart artifact missing its chart layer, and a non-chart artifact
up() { # REPO FILE -> digest
  local d loc
  d=sha256:$(sha256sum "$2" | cut -d' ' -f1)
  loc=$(curl -sf -D - -o /dev/null -X POST "$url/v2/$1/blobs/uploads/" | tr -d '\r' | awk 'tolower($1)=="location:"{print $2}')
  case $loc in http*) ;; *) loc=$url$loc ;; esac
  curl -sf -X PUT -H 'Content-Type: application/octet-stream' --data-binary "@$2" "$loc&digest=$d" >/dev/null
  echo "$d"
}
printf '{}' > "$tmp/img.json"
cd_img=$(up other/img "$tmp/img.json")
ch=$(up other/img "$tmp/pkg/webapp-0.1.0.tgz")
size=$(stat -c %s "$tmp/pkg/webapp-0.1.0.tgz")
printf '{"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"%s","size":%s}]}' \
  "$cd_img" "$ch" "$size" > "$here/image.manifest.json"
curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "@$here/image.manifest.json" "$url/v2/other/img/manifests/1.0.0" >/dev/null
err pull-not-a-chart pull "oci://$host/other/img" --version 1.0.0
cfg=$(up other/nochart "$here/webapp.config.json")
printf '{"schemaVersion":2,"config":{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"%s","size":%s},"layers":[]}' \
  "$cfg" "$(stat -c %s "$here/webapp.config.json")" > "$here/nochart.manifest.json"
curl -sf -X PUT -H 'Content-Type: application/vnd.oci.image.manifest.v1+json' --data-binary "@$here/nochart.manifest.json" "$url/v2/other/nochart/manifests/1.0.0" >/dev/null
err pull-no-chart-layer pull "oci://$host/other/nochart" --version 1.0.0

# a corrupted chart blob
blob=$tmp/reg/data/docker/registry/v2/blobs/sha256/$(echo "${ch#sha256:}" | cut -c1-2)/${ch#sha256:}/data
cp "$blob" "$tmp/blob.orig"
printf 'X' | dd of="$blob" bs=1 seek=100 conv=notrunc 2>/dev/null
err pull-corrupt pull "oci://$host/charts/webapp" --version 0.1.0
cp "$tmp/blob.orig" "$blob"

# authentication
aurl=$("$tests/servers/registry.sh" start "$tmp/areg" --auth alice:secret --watch $$)
ahost=${aurl#http://}
aport=${ahost##*:}
amask() { sed "s/127\.0\.0\.1:$aport/127.0.0.1:PORT/g"; }
aerr() {
  local c=$1 out
  shift
  out=$(cd "$tmp/out" && "$HELM" "$@" 2>&1 >/dev/null | grep -v '^WARNING: Using --password' | amask | oneline) || true
  printf '%s\t%s\n' "$c" "$out" >> "$here/errors.txt"
}
aerr auth-push-no-creds push "$tmp/pkg/webapp-0.1.0.tgz" "oci://$ahost/charts"
aerr auth-pull-no-creds pull "oci://$ahost/charts/webapp" --version 0.1.0
aerr auth-tags-no-creds pull "oci://$ahost/charts/webapp" --plain-http
aerr auth-tags-wrong-password pull "oci://$ahost/charts/webapp" --username alice --password wrong --plain-http
aerr auth-pull-wrong-password pull "oci://$ahost/charts/webapp" --version 0.1.0 --username alice --password wrong
aerr login-wrong-password registry login "$ahost" -u alice -p wrong
aerr logout-not-logged-in registry logout "$ahost"
"$HELM" registry login "$ahost" -u alice -p secret >/dev/null 2>&1
amask < "$HELM_REGISTRY_CONFIG" > "$here/login.json"
stat -c '%a' "$HELM_REGISTRY_CONFIG" > "$here/login.mode"
"$HELM" push "$tmp/pkg/webapp-0.1.0.tgz" "oci://$ahost/charts" 2>&1 >/dev/null | amask > "$here/auth.push.txt"
"$HELM" registry logout "$ahost" 2>&1 >/dev/null | amask > "$here/logout.txt"
amask < "$HELM_REGISTRY_CONFIG" > "$here/logout.json"

# the token flow (token-server.sh: nginx in front of the open registry)
turl=$("$here/token-server.sh" start "$tmp/tok" "$url" --watch $$)
thost=${turl#http://}
tport=${thost##*:}
tmask() { sed "s/127\.0\.0\.1:$tport/127.0.0.1:PORT/g"; }
terr() {
  local c=$1 out
  shift
  out=$(cd "$tmp/out" && "$HELM" "$@" 2>&1 >/dev/null | grep -v '^WARNING: Using --password' | tmask | oneline) || true
  printf '%s\t%s\n' "$c" "$out" >> "$here/errors.txt"
}
export HELM_REGISTRY_CONFIG=$tmp/config/registry/token.json
terr token-push-no-creds push "$tmp/pkg/webapp-0.1.0.tgz" "oci://$thost/charts"
terr token-push-wrong-password push "$tmp/pkg/webapp-0.1.0.tgz" "oci://$thost/charts" --username alice --password wrong
terr token-pull-no-creds pull "oci://$thost/charts/webapp" --version 0.1.0
terr token-tags-no-creds pull "oci://$thost/charts/webapp" --plain-http
terr token-login-wrong-password registry login "$thost" -u alice -p wrong
"$HELM" push "$tmp/pkg/webapp-0.1.0.tgz" "oci://$thost/charts" --username alice --password secret 2>&1 >/dev/null | tmask > "$here/token.push.txt"
(cd "$tmp/out" && "$HELM" pull "oci://$thost/charts/webapp" --plain-http --username alice --password secret 2>&1 >/dev/null | tmask > "$here/token.pull.txt")
"$HELM" registry login "$thost" -u alice -p secret 2>&1 >/dev/null | grep -v '^WARNING' > "$here/token.login.txt"

# TLS (nginx.sh --tls in front of the open registry). helm's push and pull
# talk plain http to a loopback host whatever the flags; tags use https.
export HELM_REGISTRY_CONFIG=$tmp/config/registry/tls.json
tlsurl=$("$tests/servers/nginx.sh" start "$tmp/tls" --tls --proxy-to "$url" --watch $$)
tlshost=${tlsurl#https://}
tlsport=${tlshost##*:}
tlsmask() { sed "s/127\.0\.0\.1:$tlsport/127.0.0.1:PORT/g"; }
tlserr() {
  local c=$1 out
  shift
  out=$(cd "$tmp/out" && "$HELM" "$@" 2>&1 >/dev/null | grep -v '^WARNING: Using --password' | tlsmask | oneline) || true
  printf '%s\t%s\n' "$c" "$out" >> "$here/errors.txt"
}
tlserr tls-pull pull "oci://$tlshost/charts/webapp" --version 0.1.0 --ca-file "$tmp/tls/ca.crt"
tlserr tls-tags-no-ca pull "oci://$tlshost/charts/webapp"
tlserr tls-tags-ca pull "oci://$tlshost/charts/webapp" --ca-file "$tmp/tls/ca.crt"
"$HELM" registry login "$tlshost" -u any -p thing 2>&1 >/dev/null | grep -v '^WARNING' > "$here/tls.login.txt"

# helm pulls what kz pushed
if [ -n "$build" ]; then
  KZ_OCI_PUSH_TO="oci://$host/kz" KZ_OCI_GOLDEN="$here" "$build/tests/test_oci" > /dev/null
  : > "$here/helm-pulls-kz.txt"
  for pair in "webapp 0.1.0 webapp" "rich 1.2.3+build.7 rich"; do
    set -- $pair
    rm -rf "$tmp/kzout" && mkdir -p "$tmp/kzout"
    out=$(cd "$tmp/kzout" && "$HELM" pull "oci://$host/kz/$1" --version "$2" 2>&1 | mask | tr '\n' '|')
    same=different
    cmp -s "$tmp/kzout/$1-$2.tgz" "$here/$3.tgz" && same=identical
    printf '%s\t%s\t%s\n' "$1" "$same" "$out" >> "$here/helm-pulls-kz.txt"
  done
fi
echo "regen: goldens written to $here"
