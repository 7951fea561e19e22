#!/usr/bin/env bash
# The regression workflow, end to end, on a copy of a real case file:
#  1. the copied cases pass against their golden traces;
#  2. an edited golden trace (an expectation changed) gives a unified diff of the
#     trace and a non-zero exit status, and names the case in the summary;
#  3. an edited "expect:" line fails with the missing line named;
#  4. --record rewrites the golden trace and the run passes again.
# Usage: record-diff.sh ZHTTP_CONFORM CONFORMANCE_DIR
set -u
bin=$1 src=$2
file=content-length.case
case1=cl-simple
case2=cl-duplicate-different
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; echo "--- output:"; cat "$tmp/out"; exit 1; }

cp "$src/cases/$file" "$tmp/"
mkdir -p "$tmp/golden/parser"
cp "$src"/golden/parser/*.trace "$tmp/golden/parser/"
run() { "$bin" --target parser --golden "$tmp/golden" --require-golden "$@" "$tmp/$file" >"$tmp/out" 2>&1; }

run || fail "step 1: the unchanged copy does not pass"
grep -Eq '^[0-9]+ passed, 0 failed$' "$tmp/out" || fail "step 1: no closing line"

# 2. change what the golden trace says the body length is
g="$tmp/golden/parser/$case1.trace"
grep -q '^framing length 5 close=0$' "$g" || fail "step 2: golden $case1 lacks 'framing length 5'"
sed -i 's/^framing length 5 close=0$/framing length 6 close=0/' "$g"
run && fail "step 2: a changed golden trace still exits 0"
grep -q "^FAIL .*$case1 .*differs from the golden trace" "$tmp/out" || fail "step 2: no FAIL line"
grep -q "^--- golden/parser/$case1.trace$" "$tmp/out" || fail "step 2: no diff header"
grep -q '^@@ -[0-9]*,[0-9]* +[0-9]*,[0-9]* @@$' "$tmp/out" || fail "step 2: no hunk header"
grep -q '^-framing length 6 close=0$' "$tmp/out" || fail "step 2: no '-' line"
grep -q '^+framing length 5 close=0$' "$tmp/out" || fail "step 2: no '+' line"
grep -Eq '^[0-9]+ passed, 1 failed$' "$tmp/out" || fail "step 2: closing line does not count 1 failure"

# 3. change an expectation in the case file itself (only inside $case2)
in_case2="/^case $case2\$/,/^case /"
grep -q '^error ZH_E_CONFLICTING_CONTENT_LENGTH$' "$tmp/$file" || fail "step 3: $case2 expectation not found"
sed -i "${in_case2}s/^error ZH_E_CONFLICTING_CONTENT_LENGTH\$/error ZH_E_BAD_CONTENT_LENGTH/" "$tmp/$file"
run --case "$case2" && fail "step 3: a changed expectation still exits 0"
grep -q "expected (in order) but missing: error ZH_E_BAD_CONTENT_LENGTH" "$tmp/out" || fail "step 3: missing line not named"
grep -Eq '^0 passed, 1 failed$' "$tmp/out" || fail "step 3: closing line"
cp "$src/cases/$file" "$tmp/$file"

# 4. re-record and pass again
run --record || fail "step 4: --record failed"
run || fail "step 4: the run after --record does not pass"
grep -q '^framing length 5 close=0$' "$g" || fail "step 4: --record did not rewrite $g"
echo "record-diff: ok"
