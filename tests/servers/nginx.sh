#!/usr/bin/env bash
# A throwaway nginx on 127.0.0.1 for tests (see README.md in this folder).
#
#   nginx.sh start STATEDIR [--tls] [--client-cert] [--san SANS] [--auth USER:PASS]
#                           [--root DIR] [--proxy-to URL] [--watch PID]
#       prints the base URL (http://127.0.0.1:PORT or https://...) and exits
#   nginx.sh stop STATEDIR     (safe to call twice, or for a never-started dir)
#
# Everything nginx writes (config, pid, logs, temp files, certificates) stays
# in STATEDIR. Exit status is non-zero, with the reason on stderr, when nginx
# is missing or does not start.
set -u

SERVER=nginx.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.bash"

NGINX=${NGINX:-/usr/sbin/nginx}
ECHO_MODULE=/usr/lib/nginx/modules/ngx_http_echo_module.so

# The test CA, a server certificate for 127.0.0.1/localhost (or --san) and a
# client certificate, all signed by the CA, valid for ten years.
make_certs() {
  local d=$1
  [ -f "$d/server.crt" ] && return 0
  command -v openssl >/dev/null || die "openssl is not installed (scripts/install-deps.sh)"
  (
    set -e
    cd "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj "/CN=kz test CA" \
      -keyout ca.key -out ca.crt 2>/dev/null
    printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$opt_san" > server.ext
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile server.ext -out server.crt 2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' > client.ext
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=kz test client" -keyout client.key -out client.csr 2>/dev/null
    openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile client.ext -out client.crt 2>/dev/null
    rm -f server.csr client.csr server.ext client.ext ca.srl
  ) || die "openssl failed to make the test certificates in $d"
}

write_conf() {
  local port=$1
  local listen="127.0.0.1:$port"
  local user_line="" load_echo="" tls="" auth="" slow="" body
  # As root nginx would switch its workers to "nobody", who may not read
  # the test files.
  [ "$(id -u)" = 0 ] && user_line="user root;"
  if [ -f "$ECHO_MODULE" ]; then
    load_echo="load_module $ECHO_MODULE;"
    slow='location /slow { echo_sleep 5; echo "slow"; }'
  fi
  if [ "$opt_tls" = 1 ]; then
    listen="$listen ssl"
    tls="ssl_certificate $state/server.crt; ssl_certificate_key $state/server.key;"
    if [ "$opt_client_cert" = 1 ]; then
      tls="$tls ssl_client_certificate $state/ca.crt; ssl_verify_client on;"
    fi
  fi
  if [ -n "$opt_auth" ]; then
    auth="auth_basic \"kz test\"; auth_basic_user_file $state/htpasswd;"
  fi
  if [ -n "$opt_proxy_to" ]; then
    # A forward proxy for plain http whatever the requested host: every
    # request goes to the one upstream (the host names in tests don't resolve).
    body="location / { proxy_pass ${opt_proxy_to%/}\$request_uri; proxy_set_header X-Kz-Proxied yes; }"
  else
    body="
    root $opt_root;
    dav_methods PUT DELETE;
    create_full_put_path on;
    client_max_body_size 0;
    location / { }
    # the request headers tests look at, one per line
    location = /headers {
      default_type text/plain;
      return 200 \"authorization: \$http_authorization\nuser-agent: \$http_user_agent\nif-none-match: \$http_if_none_match\nif-modified-since: \$http_if_modified_since\nx-test: \$http_x_test\nproxied: \$http_x_kz_proxied\nmethod: \$request_method\n\";
    }
    # /status/CODE and anything under it (a repository URL gets /index.yaml)
    location ~ ^/status/500(/|\$) { return 500; }
    location ~ ^/status/503(/|\$) { return 503; }
    location ~ ^/status/404(/|\$) { return 404; }
    location ~ ^/status/204(/|\$) { return 204; }
    # /redirect/HOST:PORT/PATH -> http://HOST:PORT/PATH (another server)
    location ~ ^/redirect/(?<target>.*)\$ { return 302 http://\$target\$is_args\$args; }
    location ~ ^/redirect-tls/(?<target>.*)\$ { return 302 https://\$target\$is_args\$args; }
    # /moved/PATH -> /PATH on this server (relative Location)
    location ~ ^/moved(?<rest>/.*)\$ { return 301 \$rest; }
    location /loop { return 302 /loop; }
    $slow"
  fi
  cat > "$state/nginx.conf" <<EOF
$user_line
$load_echo
worker_processes 1;
daemon on;
pid $state/nginx.pid;
lock_file $state/nginx.lock;
error_log $state/error.log warn;
events { worker_connections 64; }
http {
  types { application/x-yaml yaml yml; application/x-tar tgz; application/json json; text/plain txt; }
  default_type application/octet-stream;
  log_format kz '\$request_method \$request_uri \$status "\$http_authorization" "\$http_user_agent"';
  access_log $state/access.log kz;
  client_body_temp_path $state/tmp/body;
  proxy_temp_path $state/tmp/proxy;
  fastcgi_temp_path $state/tmp/fastcgi;
  uwsgi_temp_path $state/tmp/uwsgi;
  scgi_temp_path $state/tmp/scgi;
  server {
    listen $listen;
    server_name localhost;
    $tls
    $auth
    $body
  }
}
EOF
}

start() {
  [ -x "$NGINX" ] || die "$NGINX is not installed (scripts/install-deps.sh installs nginx)"
  mkdir -p "$state/tmp" || die "cannot create $state"
  state=$(cd "$state" && pwd)
  [ -n "$opt_root" ] || { opt_root=$state/www; mkdir -p "$opt_root"; }
  opt_root=$(cd "$opt_root" && pwd) || die "no such root directory: $opt_root"
  if [ -f "$state/nginx.pid" ] && alive "$(cat "$state/nginx.pid")"; then
    die "an nginx is already running for $state"
  fi
  [ "$opt_tls" = 1 ] && make_certs "$state"
  if [ -n "$opt_auth" ]; then
    local user=${opt_auth%%:*} pass=${opt_auth#*:}
    # {PLAIN} would do for nginx, but a real hash is as cheap
    printf '%s:%s\n' "$user" "$(openssl passwd -apr1 "$pass")" > "$state/htpasswd" ||
      die "cannot write $state/htpasswd"
  fi
  local scheme=http port tries
  [ "$opt_tls" = 1 ] && scheme=https
  for tries in $(seq 1 30); do
    port=$(random_port)
    write_conf "$port"
    : > "$state/error.log"
    # nginx binds before it daemonizes: a taken port is a failed start
    if "$NGINX" -p "$state" -e "$state/error.log" -c "$state/nginx.conf" 2>>"$state/error.log"; then
      announce "$port" "$scheme://127.0.0.1:$port" "$opt_watch" nginx.pid
      return 0
    fi
    grep -q "Address already in use" "$state/error.log" || break
  done
  die "nginx did not start: $(tail -n 3 "$state/error.log")"
}

stop() {
  # a fast shutdown still waits for pending timers (a /slow request): give it
  # a second, then kill the master and its workers
  stop_pidfile nginx.pid 20
}

[ $# -ge 2 ] || die "usage: nginx.sh start|stop STATEDIR [options]"
cmd=$1 state=$2
shift 2
opt_tls=0 opt_client_cert=0 opt_san="IP:127.0.0.1,DNS:localhost" opt_auth="" opt_root="" opt_proxy_to="" opt_watch=""
while [ $# -gt 0 ]; do
  case $1 in
    --tls) opt_tls=1 ;;
    --client-cert) opt_tls=1 opt_client_cert=1 ;;
    --san) opt_tls=1 opt_san=$2; shift ;;
    --auth) opt_auth=$2; shift ;;
    --root) opt_root=$2; shift ;;
    --proxy-to) opt_proxy_to=$2; shift ;;
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
