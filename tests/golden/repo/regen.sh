#!/usr/bin/env bash
# Records helm's behaviour for lib/repo (tests/unit/test_repo_*.c):
#   charts/      small charts (sources) and srv/R/ their packages (made once by helm)
#   home/        a helm config (repositories.yaml) and cache (NAME-index.yaml)
#   search/      `helm search repo` cases: NAME.args (one argument a line),
#                NAME.out, NAME.err, NAME.rc
#   list/        `helm repo list` in three formats
#   index/       `helm repo index` results (created:/generated: lines masked)
#   repofile/    repositories.yaml after add / add --force-update / remove
#   load/        index.yaml inputs and helm's warnings/errors loading them
# Paths of this folder in outputs read @HOME@; the add server's URL reads
# http://127.0.0.1:8879.
set -euo pipefail
cd "$(dirname "$0")"
. ../reference.sh
G=$PWD
W=$(mktemp -d)
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT

export HELM_CONFIG_HOME=$W/cfg HELM_CACHE_HOME=$W/cache HELM_DATA_HOME=$W/data
export HELM_REPOSITORY_CONFIG=$W/home/repositories.yaml HELM_REPOSITORY_CACHE=$W/home/cache
export HELM_REGISTRY_CONFIG=$W/cfg/registry.json TZ=UTC

# ---- charts and their packages (kept: the digests depend on the bytes)
mkchart() { # dir name version appVersion description [keywords...]
  local d=charts/$1; shift; local name=$1 ver=$2 app=$3 desc=$4; shift 4
  mkdir -p "$d"
  { echo "apiVersion: v2"; echo "name: $name"; echo "version: $ver"
    [ -n "$app" ] && echo "appVersion: \"$app\""
    echo "description: \"$desc\""
    if [ $# -gt 0 ]; then echo "keywords:"; for k in "$@"; do echo "- $k"; done; fi
  } > "$d/Chart.yaml"
}
if [ ! -d srv ]; then
  rm -rf charts
  mkchart r1/alpha-0.1.0 alpha 0.1.0 1.0 "Alpha proxy for web traffic" web proxy
  mkchart r1/alpha-0.2.0 alpha 0.2.0 1.1 "Alpha proxy for web traffic" web proxy
  mkchart r1/alpha-1.0.0-rc.1 alpha 1.0.0-rc.1 2.0-rc "Alpha proxy, release candidate" web proxy
  mkchart r1/alpha-1.0.0 alpha 1.0.0 2.0 "Alpha proxy for web traffic" web proxy
  mkchart r1/beta-2.0.0 beta 2.0.0 "" "A database operator that mentions alpha in its description and is long enough to be cut by the table" db
  mkchart r1/gamma-0.0.1-alpha gamma 0.0.1-alpha 0.1 "Experimental gamma ray viewer" science
  mkchart r1/delta-3.1.4 delta 3.1.4 3.1 "Δelta: ünïcode déscription — 漢字 wide" unicode
  mkchart r2/alpha-0.3.0 alpha 0.3.0 9.9 "Another alpha in repo two" proxy
  mkchart r2/omega-1.2.3 omega 1.2.3 1.2.3 "Omega WEB server" nginx web
  mkdir -p srv/r1/sub srv/r2
  for c in charts/r1/*; do "$HELM" package "$c" -d srv/r1 >/dev/null; done
  for c in charts/r2/*; do "$HELM" package "$c" -d srv/r2 >/dev/null; done
  mv srv/r1/delta-3.1.4.tgz srv/r1/sub/   # one level down: helm's "**/*.tgz"
  mkdir -p srv/r1/sub/deeper && cp srv/r2/omega-1.2.3.tgz srv/r1/sub/deeper/  # two levels: not indexed
  echo "not a chart" > srv/r1/junk.tgz
fi

mask() { sed -E -e 's/^( *)created: .*/\1created: @TIME@/' -e 's/^generated: .*/generated: @TIME@/'; }

# ---- repo index
rm -rf index && mkdir -p index
cp -r srv "$W/srv"
"$HELM" repo index "$W/srv/r1" && mask < "$W/srv/r1/index.yaml" > index/r1-plain.yaml
"$HELM" repo index "$W/srv/r1" --url http://charts.example.com/r1/ && mask < "$W/srv/r1/index.yaml" > index/r1-url.yaml
"$HELM" repo index "$W/srv/r2" --url 'http://charts.example.com/r2?x=1' && mask < "$W/srv/r2/index.yaml" > index/r2-url.yaml
cp "$W/srv/r2/index.yaml" "$W/r2-index.yaml"
"$HELM" repo index "$W/srv/r1" --merge "$W/r2-index.yaml" && mask < "$W/srv/r1/index.yaml" > index/r1-merge.yaml
"$HELM" repo index "$W/srv/r1" --merge "$W/srv/r1/nonexistent.yaml" && mask < "$W/srv/r1/index.yaml" > index/r1-merge-missing.yaml
mask < "$W/srv/r1/nonexistent.yaml" > index/merge-created.yaml
"$HELM" repo index "$W/srv/r1" --merge /work/shared/fixtures/edu-chart-repo/index.yaml --url http://x/ && mask < "$W/srv/r1/index.yaml" > index/r1-merge-edu.yaml
"$HELM" repo index "$W/srv/r1" --json && mask < "$W/srv/r1/index.yaml" > index/r1-json.json || true
"$HELM" repo index "$W/srv/r1" --json --merge /work/shared/fixtures/edu-chart-repo/index.yaml --url http://x/ && cp "$W/srv/r1/index.yaml" index/r1-merge-edu.json

# ---- a helm home: repositories.yaml and cache, no server needed
rm -rf home && mkdir -p home/cache
cat > home/repositories.yaml <<EOT
apiVersion: ""
generated: "0001-01-01T00:00:00Z"
repositories:
- name: edu
  url: http://edu.example.com/
- name: r1
  url: http://charts.example.com/r1/
- name: r2
  url: http://charts.example.com/r2
EOT
cp /work/shared/fixtures/edu-chart-repo/index.yaml home/cache/edu-index.yaml
"$HELM" repo index "$W/srv/r1" --url http://charts.example.com/r1/ && cp "$W/srv/r1/index.yaml" home/cache/r1-index.yaml
"$HELM" repo index "$W/srv/r2" --url http://charts.example.com/r2 && cp "$W/srv/r2/index.yaml" home/cache/r2-index.yaml
export HELM_REPOSITORY_CONFIG=$G/home/repositories.yaml HELM_REPOSITORY_CACHE=$G/home/cache

# ---- repo list
rm -rf list && mkdir -p list
"$HELM" repo list > list/table.out
"$HELM" repo list -o json > list/json.out
"$HELM" repo list -o yaml > list/yaml.out

# ---- search repo
rm -rf search && mkdir -p search
scase() { # name args...
  local n=$1; shift
  printf '%s\n' "$@" > "search/$n.args"
  set +e
  "$HELM" search repo "$@" > "search/$n.out" 2> "search/$n.err"; echo $? > "search/$n.rc"
  set -e
  sed -i "s#$G#@HOME@#g" "search/$n.err"
}
scase all
scase all-versions --versions
scase all-devel --devel
scase all-devel-versions --devel --versions
scase alpha alpha
scase alpha-versions alpha --versions
scase alpha-devel alpha --devel
scase alpha-devel-versions alpha --devel -l
scase alpha-constraint alpha --version '^0.1'
scase alpha-constraint2 alpha --version '>=0.2.0' --versions
scase alpha-exact alpha --version 0.2.0
scase alpha-pre-constraint alpha --version '>=1.0.0-0' --versions
scase two-words alpha proxy
scase upper WEB
scase keyword science --devel
scase repo-prefix r2/
scase edu edu
scase edu-versions edu --versions
scase metallb metallb --versions
scase description database
scase unknown nosuchthing
scase unknown-json nosuchthing -o json
scase unknown-yaml nosuchthing -o yaml
scase json alpha -o json
scase yaml alpha --versions -o yaml
scase width0 --max-col-width 0
scase width10 --max-col-width 10
scase width80 --max-col-width=80 --versions
scase width3 beta --max-col-width 3
scase regexp -r '^alp'
scase regexp2 --regexp 'r[12]/(alpha|omega)' --versions
scase regexp-desc --regexp 'database|Omega'
scase regexp-bad --regexp 'a(b'
scase regexp-bad2 --regexp '(?=x)'
scase constraint-bad alpha --version 'not a version'
scase unicode delta
scase unicode-narrow delta --max-col-width 20
scase devel-only gamma
scase devel-gamma gamma --devel

# ---- index load: bad caches seen through search (warnings) and errors
rm -rf load && mkdir -p load
lcase() { # name content
  local n=$1
  printf '%b' "$2" > "load/$n.yaml"
  mkdir -p "$W/lh/cache"
  printf 'repositories:\n- name: bad\n  url: http://bad.example.com\n' > "$W/lh/repositories.yaml"
  cp "load/$n.yaml" "$W/lh/cache/bad-index.yaml"
  set +e
  HELM_REPOSITORY_CONFIG=$W/lh/repositories.yaml HELM_REPOSITORY_CACHE=$W/lh/cache \
    "$HELM" search repo --versions --devel > "load/$n.out" 2> "load/$n.err"
  set -e
  sed -i "s#$W/lh/cache#@CACHE@#g" "load/$n.err"
}
lcase no-api 'entries: {}\n'
lcase empty ''
lcase broken 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: [1\n'
lcase unknown-field 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    foo: bar\n'
lcase unknown-top 'apiVersion: v1\nextra: 1\nentries: {}\n'
lcase unknown-maintainer 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    maintainers:\n    - name: x\n      phone: 1\n'
lcase json-lenient '{"apiVersion":"v1","entries":{"a":[{"name":"a","version":"1.0.0","foo":1,"description":"json"}]}}'
lcase invalid-versions 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    description: ok\n  - name: a\n    version: notsemver\n  - name: a\n    version: 2.0.0\n    type: foo\n  b:\n  - version: 1.2.3\n  - name: b\n    version: 1.0.0\n'
lcase no-version 'apiVersion: v1\nentries:\n  a:\n  - name: a\n  - name: a\n    version: 0.1.0\n'
lcase entries-number 'apiVersion: v1\nentries:\n  a: 3\n'
lcase urls-string 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    urls: x\n'
lcase created-number 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    created: 3\n'
lcase created-bad 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    created: "yesterday"\n'
lcase version-float 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.10\n    appVersion: 2\n    description: floats\n'
lcase version-list 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: [1]\n'
lcase case-keys 'apiVersion: v1\nentries:\n  a:\n  - Name: a\n    VERSION: 1.0.0\n    Description: keys in other case\n'
lcase no-api-version-entry 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    description: no apiVersion (v1 assumed)\n'
lcase dup-dep 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    description: dup deps tolerated\n    dependencies:\n    - name: x\n      version: 1\n    - name: x\n      version: 2\n'
lcase dup-key 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    version: 2.0.0\n'
lcase dup-chart 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n  a:\n  - name: a\n    version: 2.0.0\n'
lcase dup-top 'apiVersion: v1\napiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n'
lcase dup-maintainer 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    maintainers:\n    - name: x\n      name: y\n'
lcase dup-many 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    annotations:\n      x: "1"\n      x: "2"\n    annotations:\n      y: z\n  a: []\nyes: 1\ntrue: 2\n1: 3\n0x1: 4\n~: 5\nnull: 6\n'
lcase dup-flow 'apiVersion: v1\nentries: {a: [{name: a, version: 1.0.0, keywords: [x], keywords: [y]}]}\n'
lcase dup-case 'apiVersion: v1\nentries:\n  a:\n  - name: a\n    version: 1.0.0\n    Version: 2.0.0\n'
lcase dup-json '{"apiVersion":"v1","entries":{"a":[{"name":"a","version":"1.0.0","version":"2.0.0"}]}}'
lcase dup-broken 'apiVersion: v1\napiVersion: v1\nentries:\n  a:\n  - name: a\n    version: [1\n'
lcase bad-name 'apiVersion: v1\nentries:\n  a:\n  - name: a/b\n    version: 1.0.0\n'

# ---- repositories.yaml written by repo add / remove (needs a server for add)
rm -rf repofile && mkdir -p repofile
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
(cd /work/shared/fixtures/edu-chart-repo && exec python3 -m http.server --bind 127.0.0.1 "$PORT" >/dev/null 2>&1) &
SERVER_PID=$!
for i in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/index.yaml" >/dev/null && break; sleep 0.1; done
URL=http://127.0.0.1:$PORT
R=$W/rf/repositories.yaml
export HELM_REPOSITORY_CONFIG=$R HELM_REPOSITORY_CACHE=$W/rf/cache
unurl() { sed "s#$URL#http://127.0.0.1:8879#g"; }
rstep() { # name args...
  local n=$1; shift
  set +e
  "$HELM" repo "$@" > "$W/o" 2> "$W/e"; echo $? > "repofile/$n.rc"
  set -e
  unurl < "$W/o" > "repofile/$n.out"; unurl < "$W/e" > "repofile/$n.err"
  if [ -f "$R" ]; then unurl < "$R" > "repofile/$n.yaml"; fi
}
rstep 01-add add edu "$URL"
cp "$W/rf/cache/edu-charts.txt" repofile/01-edu-charts.txt
rstep 02-add-same add edu "$URL"
rstep 03-add-other-url add edu "$URL/other"
rstep 04-add-second add two "$URL/" --username u --password 'p:w' --pass-credentials --insecure-skip-tls-verify
rstep 05-add-force add edu "$URL/" --force-update
rstep 06-add-slash add a/b "$URL"
rstep 07-add-stable add stable https://kubernetes-charts.storage.googleapis.com
rstep 08-add-incubator add inc http://kubernetes-charts-incubator.storage.googleapis.com/x
rstep 09-remove-missing remove nope
rstep 10-remove-two remove two nope
rstep 11-list list
rstep 12-remove-last remove edu
rstep 13-list-empty list
rm -f "$R"
rstep 14-remove-nofile remove x
printf 'apiVersion: v1\ngenerated: "2020-01-01T00:00:00.000+01:00"\nfoo: 1\nrepositories:\n- name: one\n  url: http://one\n  extra: 2\n- Name: two\n  URL: http://two\n  insecure_skip_tls_verify: true\n' > "$R"
cp "$R" repofile/15-input.yaml
rstep 15-remove-one remove one
printf 'apiVersion: v1\nrepositories:\n- name: [x\n' > "$R"
rstep 16-add-broken add z "$URL"
rstep 16-list-broken list
printf 'repositories: 3\n' > "$R"
rstep 17-add-type add z "$URL"
printf 'generated: 3\n' > "$R"
rstep 18-add-generated add z "$URL"
printf 'generated: "x"\n' > "$R"
rstep 19-add-generated-text add z "$URL"
echo "regen: done"
