#!/usr/bin/env bash
# Instructions per operation under callgrind: zhttp vs picohttpparser vs
# http-parser, a figure that does not move with the load of a shared machine.
# Each benchmark runs twice under valgrind --tool=callgrind with exact iteration
# counts (zh_bench -benchtime Nx -warmup 0); the difference of the two totals,
# divided by the difference of the counts, is the cost of one operation with
# start-up, setup and warm-up cancelled out.
# Usage: bench/callgrind.sh [-b ZH_BENCH] [REGEX]
#   ZH_BENCH defaults to build/release/bin/zh_bench; REGEX selects benchmarks
#   (default: the parser rows and two engine rows).
set -euo pipefail
cd "$(dirname "$0")/.."
bin=build/release/bin/zh_bench
if [ "${1:-}" = "-b" ]; then bin=$2; shift 2; fi
regex=${1:-'^(Parse(Request|Response)/|ChunkedDecode(InPlace)?/|ServerGet10KReqPerConn$|ServerGet1ReqPerConn$|ClientDoFastServer$)'}
command -v valgrind >/dev/null || { echo "callgrind: valgrind not installed"; exit 3; }
[ -x "$bin" ] || { echo "callgrind: no $bin (build the release preset, or pass -b)"; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

total() { # BENCH N -> total Ir
  valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bin" -bench "^$1\$" \
    -benchtime "$2x" -warmup 0 >"$tmp/log" 2>&1 || { cat "$tmp/log" >&2; return 1; }
  awk '/^summary:/ { print $2 }' "$tmp/out"
}

printf '%-40s %14s %10s\n' benchmark instr/op vs-zhttp
rows=0
base=""
while read -r name; do
  case $name in
    Chunked*) n1=20 n2=120 ;;
    Server*|Client*) n1=2000 n2=12000 ;;
    *) n1=2000 n2=22000 ;;
  esac
  a=$(total "$name" $n1) b=$(total "$name" $n2)
  per=$(( (b - a) / (n2 - n1) ))
  case $name in */zhttp) base=$per ;; esac
  rel=""
  case $name in */*) [ -n "$base" ] && rel=$(awk -v p="$per" -v z="$base" 'BEGIN { printf "%.2fx", p / z }') ;; esac
  printf '%-40s %14d %10s\n' "$name" "$per" "$rel"
  rows=$((rows + 1))
done < <("$bin" -list -bench "$regex")
echo "callgrind: ok rows=$rows (valgrind $(valgrind --version | sed 's/valgrind-//'), $bin)"
