#!/usr/bin/env bash
# Start/stop the token-flow front (token-nginx.conf.in) for a registry URL.
#   token-server.sh start STATEDIR UPSTREAM_URL [--watch PID]  -> prints http://127.0.0.1:PORT
#   token-server.sh stop STATEDIR
set -u
here=$(cd "$(dirname "$0")" && pwd)
NGINX=${NGINX:-/usr/sbin/nginx}
cmd=$1 state=$2
case $cmd in
start)
  upstream=$3 watch=${5:-}
  [ -x "$NGINX" ] || { echo "token-server.sh: $NGINX is not installed" >&2; exit 1; }
  mkdir -p "$state/tmp" && state=$(cd "$state" && pwd)
  printf 'alice:{PLAIN}secret\n' > "$state/htpasswd"
  printf '{"token":"kz-token"}' > "$state/token.json"
  user_line=""
  [ "$(id -u)" = 0 ] && user_line="user root;"
  for try in $(seq 1 30); do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    sed -e "s|@USER_LINE@|$user_line|; s|@STATE@|$state|g; s|@PORT@|$port|g; s|@UPSTREAM@|$upstream|g" \
      "$here/token-nginx.conf.in" > "$state/nginx.conf"
    : > "$state/error.log"
    if "$NGINX" -p "$state" -e "$state/error.log" -c "$state/nginx.conf" 2>>"$state/error.log"; then
      if [ -n "$watch" ]; then
        setsid bash -c 'while kill -0 "$1" 2>/dev/null && [ -f "$3/nginx.pid" ]; do sleep 1; done; "$2" stop "$3"' \
          watch "$watch" "$here/token-server.sh" "$state" </dev/null >/dev/null 2>&1 &
      fi
      echo "http://127.0.0.1:$port"
      exit 0
    fi
    grep -q "Address already in use" "$state/error.log" || break
  done
  echo "token-server.sh: nginx did not start: $(tail -n 3 "$state/error.log")" >&2
  exit 1 ;;
stop)
  [ -f "$state/nginx.pid" ] || exit 0
  pid=$(cat "$state/nginx.pid" 2>/dev/null)
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
  fi
  rm -f "$state/nginx.pid"
  exit 0 ;;
esac
echo "usage: token-server.sh start|stop STATEDIR [UPSTREAM_URL] [--watch PID]" >&2
exit 1
