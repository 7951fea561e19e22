#!/usr/bin/env bash
# The comparison matrix: starts nginx, h2o and lighttpd (Debian packages) on
# loopback ports with the minimal configs in conformance/peers/ (one worker each,
# every request answered 200 "ok", files in a temp dir), runs every server case
# against them and against zhttp's own server (server-tcp), prints the
# case x target table, and stops the servers again.
# Usage: conformance/matrix.sh [BUILD_DIR] [extra zhttp-conform args...]
#   e.g. conformance/matrix.sh build/dev --case 'srv-te-*'
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/dev}
shift || true
bin=$build/bin/zhttp-conform
[ -x "$bin" ] || { echo "matrix: $bin not built (cmake --build $build)"; exit 2; }
tmp=$(mktemp -d /tmp/zhttp-matrix.XXXXXX)
chmod 755 "$tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# three free loopback ports
read -r p_nginx p_h2o p_lighttpd < <(python3 - <<'PY'
import socket
socks = [socket.socket() for _ in range(3)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*[s.getsockname()[1] for s in socks])
for s in socks: s.close()
PY
)

fill() { sed -e "s|@PORT@|$2|g" -e "s|@TMP@|$tmp|g" "$root/conformance/peers/$1" > "$tmp/$1"; }
targets=(--target zhttp=server-tcp)
start() { # name port command...
  local name=$1 port=$2
  shift 2
  if ! command -v "$1" >/dev/null; then echo "matrix: $1 not installed, skipping $name"; return; fi
  "$@" >"$tmp/$name.out" 2>&1 &
  local pid=$!
  for _ in $(seq 1 50); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      pids+=("$pid")
      targets+=(--target "$name=tcp://127.0.0.1:$port")
      echo "matrix: $name on 127.0.0.1:$port (pid $pid, $("$1" -v 2>&1 | head -1 | tr -d '\r'))"
      return
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "matrix: $name did not start:"; cat "$tmp/$name.out"; kill "$pid" 2>/dev/null
}

fill nginx.conf "$p_nginx"
mkdir -p "$tmp/nginx-body"
start nginx "$p_nginx" nginx -c "$tmp/nginx.conf" -p "$tmp"

fill h2o.conf "$p_h2o"
start h2o "$p_h2o" h2o -c "$tmp/h2o.conf"

fill lighttpd.conf "$p_lighttpd"
mkdir -p "$tmp/lighttpd-root"
printf '#!/bin/sh\ncat >/dev/null\nprintf "Status: 200\\r\\nContent-Type: text/plain\\r\\n\\r\\nok\\n"\n' > "$tmp/lighttpd-root/ok.cgi"
chmod 755 "$tmp/lighttpd-root" "$tmp/lighttpd-root/ok.cgi"
start lighttpd "$p_lighttpd" lighttpd -D -f "$tmp/lighttpd.conf"

"$bin" --tag server --skip-tag config-limits --matrix -q --timeout 8000 "${targets[@]}" "$@" 2>"$tmp/stderr"
rc=$?
cat "$tmp/stderr"
echo "matrix: done (zhttp-conform exit status $rc: non-zero when a target missed an expectation)"
exit 0
