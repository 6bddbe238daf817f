#!/usr/bin/env bash
# A throwaway OCI registry (Debian's docker-registry, the CNCF distribution
# registry) on 127.0.0.1 over plain HTTP, for tests (see README.md here).
#
#   registry.sh start STATEDIR [--auth USER:PASS] [--watch PID]
#       prints the base URL (http://127.0.0.1:PORT) once /v2/ answers
#   registry.sh stop STATEDIR  (safe to call twice, or for a never-started dir)
#
# Storage (STATEDIR/data), config, pid and log (STATEDIR/registry.log) stay
# in STATEDIR. Exit status is non-zero, with the reason on stderr, when the
# registry is missing or does not start.
set -u

SERVER=registry.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

REGISTRY=${REGISTRY:-/usr/bin/docker-registry}

write_conf() {
  local port=$1 auth=""
  if [ -n "$opt_auth" ]; then
    auth="auth:
  htpasswd:
    realm: kz-test
    path: $state/htpasswd"
  fi
  cat > "$state/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $state/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$port
  secret: kz-test-secret
$auth
EOF
}

# The status of GET /v2/ ("000" while nothing listens), with bash's
# /dev/tcp: no HTTP client needed.
probe() {
  (
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf 'GET /v2/ HTTP/1.0\r\nHost: 127.0.0.1:%s\r\n\r\n' "$1" >&3
    read -r -t 2 proto code rest <&3 || exit 1
    echo "$code"
  ) 2>/dev/null || echo 000
}

start() {
  [ -x "$REGISTRY" ] || die "$REGISTRY is not installed (scripts/install-deps.sh installs docker-registry)"
  mkdir -p "$state/data" || die "cannot create $state"
  state=$(cd "$state" && pwd)
  if [ -f "$state/registry.pid" ] && alive "$(cat "$state/registry.pid")"; then
    die "a registry is already running for $state"
  fi
  if [ -n "$opt_auth" ]; then
    command -v htpasswd >/dev/null || die "htpasswd is not installed (apache2-utils)"
    # the registry reads bcrypt hashes only
    htpasswd -Bbn "${opt_auth%%:*}" "${opt_auth#*:}" > "$state/htpasswd" 2>/dev/null ||
      die "htpasswd failed"
  fi
  local port tries pid i code want=200
  [ -n "$opt_auth" ] && want=401
  for tries in $(seq 1 20); do
    port=$(random_port)
    write_conf "$port"
    # its own session, so that stopping it never touches the caller's group
    setsid "$REGISTRY" serve "$state/config.yml" </dev/null >"$state/registry.log" 2>&1 &
    pid=$!
    echo "$pid" > "$state/registry.pid"
    for i in $(seq 1 100); do
      alive "$pid" || break
      code=$(probe "$port")
      [ "$code" = "$want" ] && break
      sleep 0.05
    done
    if alive "$pid" && [ "$code" = "$want" ]; then
      announce "$port" "http://127.0.0.1:$port" "$opt_watch" registry.pid
      return 0
    fi
    stop
    grep -q "address already in use" "$state/registry.log" || break
  done
  die "docker-registry did not start (GET /v2/ gave ${code:-nothing}): $(tail -n 3 "$state/registry.log")"
}

stop() {
  stop_pidfile registry.pid 50
}

[ $# -ge 2 ] || die "usage: registry.sh start|stop STATEDIR [options]"
cmd=$1 state=$2
shift 2
opt_auth="" opt_watch=""
while [ $# -gt 0 ]; do
  case $1 in
    --auth) opt_auth=$2; shift ;;
    --watch) opt_watch=$2; shift ;;
    *) die "unknown option $1" ;;
  esac
  shift
done
case $cmd in
  start) start ;;
  stop) stop ;;
  *) die "unknown command $cmd" ;;
esac
