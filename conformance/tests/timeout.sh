#!/usr/bin/env bash
# A target that hangs is timed out per case and reported, and the run goes on:
# the first case holds its connection for 5 s (longer than --timeout 500 ms),
# the second is ordinary. Want: the first FAILs "timed out", the second PASSes,
# the closing line counts both, and the whole run takes well under 5 s.
# Usage: timeout.sh ZHTTP_CONFORM
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/t.case" <<'CASES'
case hangs
rfc: RFC 9112 §9.5
why: the runner, not the case, is under test: this script outlives the per-case limit
tags: runner
kind: server
send:
GET / HTTP/1.1\r\n
Host: a\r\n
\r\n
@pause 5000

expect:
status 200

case after-the-hang
rfc: RFC 9112 §3
why: the run continues after a timed-out case
tags: runner
kind: server
send:
GET / HTTP/1.1\r\n
Host: a\r\n
\r\n

expect:
status 200
CASES
start=$(date +%s%N)
"$bin" --target server-tcp --timeout 500 "$tmp/t.case" >"$tmp/out" 2>&1
rc=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
cat "$tmp/out"
fail() { echo "FAIL: $*"; exit 1; }
[ $rc -eq 1 ] || fail "exit status $rc, want 1"
grep -q '^FAIL server-tcp hangs .*timed out after 500 ms' "$tmp/out" || fail "no timeout report"
grep -q '^PASS server-tcp after-the-hang' "$tmp/out" || fail "the run did not continue"
grep -q '^1 passed, 1 failed$' "$tmp/out" || fail "closing line"
[ $ms -lt 4000 ] || fail "took $ms ms: the hang was not cut short"
echo "timeout: ok ($ms ms)"
