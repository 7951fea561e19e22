#!/usr/bin/env bash
# Every file in DIR is a malformed case file whose first line says
# "# expect: LINE: FRAGMENT". The runner must reject it with exit status 2 and
# the message "FILE:LINE: ...FRAGMENT...", and never crash (status >= 128).
# Usage: bad-case-files.sh ZHTTP_CONFORM DIR
set -u
bin=$1 dir=$2
fails=0 n=0
for f in "$dir"/*.case; do
  n=$((n + 1))
  want=$(head -1 "$f" | sed -n 's/^# expect: //p')
  line=${want%%: *}
  frag=${want#*: }
  out=$("$bin" --check "$f" 2>&1)
  rc=$?
  if [ $rc -ne 2 ]; then
    echo "FAIL $f: exit status $rc (want 2): $out"; fails=$((fails + 1)); continue
  fi
  case "$out" in
    "$f:$line: "*"$frag"*) echo "ok   $f: $out" ;;
    *) echo "FAIL $f: got '$out', want '$f:$line: ...$frag...'"; fails=$((fails + 1)) ;;
  esac
done
# A well-formed file next to them passes --check.
good=$(mktemp -d)
trap 'rm -rf "$good"' EXIT
printf 'case fine\nrfc: RFC 9112 §2.1\nwhy: control\ntags: t\nkind: parser-request\ninput:\nGET / HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n\n\nexpect:\nmethod GET\n' > "$good/good.case"
if ! "$bin" --check "$good/good.case" >/dev/null 2>&1; then
  echo "FAIL: a well-formed case file was rejected"; fails=$((fails + 1))
fi
# Random bytes never crash the reader.
for i in $(seq 1 200); do
  head -c $((RANDOM % 400)) /dev/urandom > "$good/r.case"
  # sprinkle structure so the reader gets past the first line sometimes
  { printf 'case r\nrfc: x\nwhy: y\ntags: z\nkind: parser-request\ninput:\n'; cat "$good/r.case"; } > "$good/s.case"
  for g in "$good/r.case" "$good/s.case"; do
    "$bin" --check "$g" >/dev/null 2>&1
    rc=$?
    if [ $rc -ge 128 ] || { [ $rc -ne 0 ] && [ $rc -ne 2 ]; }; then
      echo "FAIL: reader exit status $rc on random input"; cp "$g" /tmp/zhttp-conform-crash.case
      fails=$((fails + 1)); break 2
    fi
  done
done
echo "bad-case-files: $n files, $fails failures"
[ $fails -eq 0 ]
