# Shared by nginx.sh and registry.sh (sourced; `state` and `SERVER` are the
# caller's: its state folder and its name for messages).

# Whether PID runs (a zombie waiting for its new parent to reap it doesn't).
alive() {
  local st
  st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

die() { echo "$SERVER: $*" >&2; exit 1; }

# A port to try: random in 20000..59999 (a taken one makes the start fail
# and the caller try another).
random_port() { echo $((20000 + (RANDOM * 32768 + RANDOM) % 40000)); }

# The server answers at URL: record port and URL in the state folder, start
# the watcher if asked, print the URL.
announce() { # port url watch-pid pid-file
  echo "$1" > "$state/port"
  echo "$2" > "$state/url"
  [ -n "$3" ] && watch_parent "$3" "$4"
  echo "$2"
}

# Stop the server when process PARENT ends (a test that crashed can't stop
# it): poll while PIDFILE (in the state folder) exists.
watch_parent() { # parent pid-file
  local self
  self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
  setsid bash -c 'while kill -0 "$1" 2>/dev/null && [ -f "$3/$4" ]; do sleep 1; done; "$2" stop "$3"' \
    watch "$1" "$self" "$state" "$2" </dev/null >/dev/null 2>&1 &
}

# Stop the server whose pid is in the state folder's PIDFILE: TERM, up to
# TRIES x 50 ms to go, then KILL for its whole process group (servers start
# as group leaders). Safe when nothing runs.
stop_pidfile() { # pid-file tries
  [ -f "$state/$1" ] || return 0
  local pid i
  pid=$(cat "$state/$1" 2>/dev/null)
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 1 "$2"); do
      alive "$pid" || break
      sleep 0.05
    done
    alive "$pid" && kill -KILL -- "-$pid" 2>/dev/null
  fi
  rm -f "$state/$1"
  return 0
}
