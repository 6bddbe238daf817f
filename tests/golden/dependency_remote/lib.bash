# Shared by regen.sh and tests/cli/dependency_remote.sh: the cases, the
# servers and how to run one case.
#
# SERVERS (start_servers): nginx serving srv/ (the charts of src/, packaged
# once by regen.sh; index.yaml lists them, srv/sub/ is a second repository),
# nginx serving the edu repository, the same srv/ behind basic auth
# (user:secret) and over TLS (the test CA), and a docker-registry holding
# beta 1.2.0 and 2.0.0 under charts/ (pushed by the tool under test: `helm
# push` for the recordings, `hm push` for the test).
#
# cases.txt: NAME <TAB> CHART <TAB> REPOS <TAB> STEP [ ;; STEP ...]. A case
# gets empty config and cache folders, a repositories.yaml with the
# repositories REPOS names (comma-separated; "-" for no file): mine (srv/),
# edu, down (http://127.0.0.1:1, unreachable), private (srv/ with basic auth,
# credentials in the entry), secure (srv/ over TLS, caFile in the entry).
# charts/CHART.yaml becomes parent/Chart.yaml (@URL@, @EDU@, @AUTH@, @TLS@
# and @REG@ replaced by this run's servers). Each STEP runs `TOOL dependency
# STEP` from the case folder, or, when it starts with "!", the shell command
# after it (not recorded). NAME.out records each step's stdout, stderr and
# exit code, then parent/Chart.lock and the archives in parent/charts with
# their sha256.
#
# MASKS (the servers' ports change per run): the URLs become @URL@, @EDU@,
# @AUTH@, @TLS@, @REG@ (host:port), the case folder @DIR@, the config and
# cache folders @HOME@, the helm-manager-<sha256 of a URL> names
# helm-manager-@SHA@, the lock's `generated:` (a time) and `digest:` (a hash
# of the dependencies, URLs included). helm refreshes repositories in
# parallel, in random order: runs of "...Successfully/Unable to get an
# update" lines are sorted.
golden_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
servers_dir=$(cd "$golden_dir/../../servers" && pwd)

cases() { grep -v '^#' "$golden_dir/cases.txt" | grep -v '^$'; }

# start_servers WORK: sets URL EDU AUTH TLS REG (REG is host:port) and
# TLS_CA. The caller stops them with stop_servers WORK (in its trap).
start_servers() {
    local w=$1 edu_root=${EDU_REPO:-$golden_dir/../../../../shared/fixtures/edu-chart-repo}
    URL=$("$servers_dir/nginx.sh" start "$w/srv-web" --root "$golden_dir/srv" --watch $$) || return 1
    EDU=$("$servers_dir/nginx.sh" start "$w/srv-edu" --root "$edu_root" --watch $$) || return 1
    AUTH=$("$servers_dir/nginx.sh" start "$w/srv-auth" --root "$golden_dir/srv" --auth user:secret --watch $$) || return 1
    TLS=$("$servers_dir/nginx.sh" start "$w/srv-tls" --root "$golden_dir/srv" --tls --watch $$) || return 1
    TLS_CA=$w/srv-tls/ca.crt
    local reg
    reg=$("$servers_dir/registry.sh" start "$w/srv-reg" --watch $$) || return 1
    REG=${reg#http://}
}

stop_servers() {
    local s
    for s in web edu auth tls; do "$servers_dir/nginx.sh" stop "$1/srv-$s"; done
    "$servers_dir/registry.sh" stop "$1/srv-reg"
}

# push_charts TOOL WORK: beta 1.2.0 and 2.0.0 into oci://REG/charts. The
# archives' mtime (helm's "created" annotation) is pinned so the manifests'
# digests stay the same.
push_charts() {
    local tool=$1 w=$2 v
    mkdir -p "$w/push"
    for v in 1.2.0 2.0.0; do
        cp "$golden_dir/srv/beta-$v.tgz" "$w/push/"
        touch -d 2024-01-02T03:04:05Z "$w/push/beta-$v.tgz"
        "$tool" push "$w/push/beta-$v.tgz" "oci://$REG/charts" > /dev/null 2>&1 || return 1
    done
}

entry() { # name url [user pass] [ca]
    printf -- '- caFile: "%s"\n  certFile: ""\n  insecure_skip_tls_verify: false\n  keyFile: ""\n' "${5:-}"
    printf '  name: %s\n  pass_credentials_all: false\n  password: "%s"\n  url: %s\n  username: "%s"\n' \
        "$1" "${4:-}" "$2" "${3:-}"
}

# repositories REPOS: the repositories.yaml text
repositories() {
    local r
    printf 'apiVersion: ""\ngenerated: "0001-01-01T00:00:00Z"\nrepositories:\n'
    for r in ${1//,/ }; do
        case $r in
        mine) entry mine "$URL" ;;
        edu) entry edu "$EDU" ;;
        down) entry down http://127.0.0.1:1 ;;
        private) entry private "$AUTH" user secret ;;
        secure) entry secure "$TLS" "" "" "$TLS_CA" ;;
        esac
    done
}

# mask_stream: the run-dependent parts of a record masked, update lines sorted
mask_stream() { # dir home
    sed -e "s#$URL\b#@URL@#g" -e "s#$EDU\b#@EDU@#g" -e "s#$AUTH\b#@AUTH@#g" -e "s#$TLS\b#@TLS@#g" \
        -e "s#$REG\b#@REG@#g" -e "s#$2#@HOME@#g" -e "s#$1#@DIR@#g" \
        -e 's/helm-manager-[0-9a-f]\{64\}/helm-manager-@SHA@/g' |
        awk '
        function flush(  i, j, t) {
            for (i = 2; i <= n; i++) for (j = i; j > 1 && blk[j - 1] > blk[j]; j--) { t = blk[j]; blk[j] = blk[j - 1]; blk[j - 1] = t }
            for (i = 1; i <= n; i++) printf "%s", blk[i]
            n = 0
        }
        /^\.\.\.(Successfully|Unable) / { blk[++n] = $0 "\n"; next }
        /^\t/ && n { blk[n] = blk[n] $0 "\n"; next }
        { flush(); print }
        END { flush() }'
}

# deps_json FILE: the dependencies of a Chart.yaml or Chart.lock written as
# the charts/*.yaml are (name, version, repository, alias lines) as
# chart.Dependency's JSON, @NAME and alias:NAME replaced by the URLs
deps_json() {
    awk -v mine="$URL" -v edu="$EDU" -v private="$AUTH" -v secure="$TLS" '
    function unq(s) { gsub(/^"|"$/, "", s); return s }
    # encoding/json escapes <, > and & (HTML-safe)
    function esc(s) { gsub(/</, "\\u003c", s); gsub(/>/, "\\u003e", s); gsub(/&/, "\\u0026", s); return s }
    function repo(r,  n) {
        n = r; sub(/^@|^alias:/, "", n)
        if (n != r && n == "mine") return mine
        if (n != r && n == "edu") return edu
        if (n != r && n == "private") return private
        if (n != r && n == "secure") return secure
        return r
    }
    function emit() {
        if (!have) return
        out = out (cnt++ ? "," : "") "{\"name\":\"" name "\""
        if (ver != "") out = out ",\"version\":\"" ver "\""
        out = out ",\"repository\":\"" rep "\""
        if (alias != "") out = out ",\"alias\":\"" alias "\""
        out = out "}"
        have = 0
    }
    /^- name: / { emit(); have = 1; name = unq($3); ver = ""; rep = ""; alias = ""; next }
    /^  version: / { sub(/^  version: /, ""); ver = esc(unq($0)); next }
    /^  repository: / { rep = repo(unq($2)); next }
    /^  alias: / { alias = unq($2); next }
    END { emit(); printf "[%s]", out }' "$1"
}

# lock_digest DIR: "ok" when parent/Chart.lock's digest is helm's HashReq of
# the Chart.yaml's and the lock's dependencies (so the masked digest is
# still checked)
lock_digest() {
    local want have
    want=sha256:$(printf '[%s,%s]' "$(deps_json "$1/parent/Chart.yaml")" "$(deps_json "$1/parent/Chart.lock")" |
        sha256sum | cut -d' ' -f1)
    have=$(sed -n 's/^digest: //p' "$1/parent/Chart.lock")
    if [ "$want" = "$have" ]; then echo ok; else echo "not of these dependencies"; fi
}

# state DIR: the lock and the archives of DIR/parent
state() {
    local f
    if [ -f "$1/parent/Chart.lock" ]; then
        echo "L Chart.lock (digest $(lock_digest "$1"))"
        sed -e 's/^generated: .*/generated: @MASKED@/' -e 's/^digest: .*/digest: @MASKED@/' \
            -e "s#$URL\b#@URL@#g" -e "s#$EDU\b#@EDU@#g" -e "s#$AUTH\b#@AUTH@#g" -e "s#$TLS\b#@TLS@#g" \
            -e "s#$REG\b#@REG@#g" -e 's/^/  /' "$1/parent/Chart.lock"
    fi
    if [ -d "$1/parent/charts" ]; then
        (cd "$1/parent/charts" && find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r f; do
            if [ -d "$f" ]; then echo "D $f"; else echo "F $f $(sha256sum < "$f" | cut -d' ' -f1)"; fi
        done)
    fi
    (cd "$1/parent" && find . -maxdepth 1 -name 'tmpcharts*')
}

# pin_lock NAME CONSTRAINT VERSION: parent/Chart.lock for the one dependency
# NAME (repository @mine) locked at VERSION, with helm's digest (sha256 of
# the JSON [requirements, locked], the repository as its URL)
pin_lock() {
    local sum
    sum=$(printf '[[{"name":"%s","version":"%s","repository":"%s"}],[{"name":"%s","version":"%s","repository":"%s"}]]' \
        "$1" "$2" "$URL" "$1" "$3" "$URL" | sha256sum | cut -d' ' -f1)
    printf 'dependencies:\n- name: %s\n  repository: %s\n  version: %s\ndigest: sha256:%s\ngenerated: "2024-01-02T03:04:05Z"\n' \
        "$1" "$URL" "$3" "$sum" > parent/Chart.lock
}

# run_case TOOL WORK NAME CHART REPOS STEPS: the case's record on stdout
run_case() {
    local tool=$1 work=$2 name=$3 chart=$4 repos=$5 steps=$6 step code
    local dir=$work/$name home=$work/$name-home
    rm -rf "$dir" "$home"
    mkdir -p "$dir/parent" "$home/config" "$home/cache"
    export HELM_CONFIG_HOME=$home/config HELM_CACHE_HOME=$home/cache HELM_DATA_HOME=$home/data
    export HM_CONFIG_HOME=$home/config HM_CACHE_HOME=$home/cache
    unset HELM_REPOSITORY_CONFIG HELM_REPOSITORY_CACHE HELM_REGISTRY_CONFIG
    unset HM_REPOSITORY_CONFIG HM_REPOSITORY_CACHE HM_REGISTRY_CONFIG
    [ "$repos" = - ] || repositories "$repos" > "$home/config/repositories.yaml"
    sed -e "s#@URL@#$URL#g" -e "s#@EDU@#$EDU#g" -e "s#@AUTH@#$AUTH#g" -e "s#@TLS@#$TLS#g" \
        -e "s#@REG@#$REG#g" "$golden_dir/charts/$chart.yaml" > "$dir/parent/Chart.yaml"
    while [ -n "$steps" ]; do
        step=${steps%% ;; *}
        if [ "$step" = "$steps" ]; then steps=; else steps=${steps#* ;; }; fi
        if [ "${step#!}" != "$step" ]; then
            (cd "$dir" && eval "${step#!}") > /dev/null 2>&1
            continue
        fi
        echo "== dependency $step"
        code=0
        (cd "$dir" && eval "\"$tool\" dependency $step") > "$work/out" 2> "$work/err" || code=$?
        mask_stream "$dir" "$home" < "$work/out"
        echo "-- stderr"
        mask_stream "$dir" "$home" < "$work/err"
        echo "-- exit $code"
    done
    echo "== state"
    state "$dir"
}
