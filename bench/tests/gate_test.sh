#!/usr/bin/env bash
# bench/tests/gate_test.sh SELFTEST COMPARE WORKDIR FIXTURES
# 1. The harness counts what it should: zh_bench_selftest's benchmarks have
#    known allocations per op (checked when the malloc interposer is active).
# 2. bench/compare --gate allocs passes on two runs of the same code and fails
#    when one benchmark starts allocating (ZH_BENCH_SELFTEST_ALLOC=1).
# 3. The same on committed fixtures (independent of the interposer).
set -euo pipefail
selftest=$1 compare=$2 work=$3 fixtures=$4
mkdir -p "$work"
fail() { echo "gate_test: FAIL: $*"; exit 1; }

run() { "$selftest" -bench '^Harness/' -benchtime 2000x -count 2 -json "$1" >"$1.txt"; }
run "$work/a.json"
run "$work/b.json"
ZH_BENCH_SELFTEST_ALLOC=1 run "$work/c.json"

# The failing benchmark is reported as a failure (exit 1, --- FAIL line).
if "$selftest" -bench '^HarnessFail/' -benchtime 10x >"$work/fail.txt"; then
  fail "a failing benchmark exited 0"
fi
grep -q -- '--- FAIL: BenchmarkHarnessFail/Fails' "$work/fail.txt" || fail "no --- FAIL line"

python3 - "$work/a.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
runs = {b["name"]: b["runs"] for b in doc["benchmarks"]}
# name: (allocs/op, B/op, zh allocs/op, zh B/op)
want = {
    "Harness/NoAlloc": (0, 0, 0, 0),
    "Harness/Malloc64": (1, 64, 0, 0),
    "Harness/LibcStrdup": (1, 6, 0, 0),
    "Harness/ZhAlloc32": (1, 32, 1, 32),
    "Harness/Mixed": (5, 364, 0, 0),
    "Harness/SetupOutsideTimer": (0, 0, 0, 0),
    "Harness/MaybeAlloc": (0, 0, 0, 0),
}
bad = []
for name, (a, by, za, zb) in want.items():
    if name not in runs or len(runs[name]) != 2:
        bad.append(f"{name}: missing or wrong run count")
        continue
    for r in runs[name]:
        n = r["n"]
        if n != 2000:
            bad.append(f"{name}: n={n}, want 2000")
        if r["zh_allocs"] != za * n or r["zh_bytes"] != zb * n:
            bad.append(f"{name}: zh counters {r['zh_allocs']}/{r['zh_bytes']}, want {za * n}/{zb * n}")
        if doc["malloc_interposer"] and (r["allocs"] != a * n or r["alloc_bytes"] != by * n):
            bad.append(f"{name}: allocs {r['allocs']} bytes {r['alloc_bytes']}, want {a * n}/{by * n}")
if not doc["malloc_interposer"]:
    print("gate_test: malloc interposer inactive (sanitizer build): checked zh counters only")
if bad:
    print("\n".join("gate_test: FAIL: " + b for b in bad))
    sys.exit(1)
PY

"$compare" "$work/a.json" "$work/b.json" --gate allocs >"$work/same.txt" \
  || { cat "$work/same.txt"; fail "gate failed on two runs of the same code"; }
if [ "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["malloc_interposer"])' "$work/a.json")" = True ]; then
  if "$compare" "$work/a.json" "$work/c.json" --gate allocs >"$work/grew.txt"; then
    cat "$work/grew.txt"; fail "gate passed although Harness/MaybeAlloc now allocates"
  fi
  grep -q 'allocation growth in Harness/MaybeAlloc' "$work/grew.txt" || fail "growth not attributed"
  ! grep -q 'allocation growth in Harness/Malloc64' "$work/grew.txt" || fail "false growth reported"
fi

# Fixtures: equal passes; one extra allocation fails; extra bytes alone fail;
# a once-per-run allocation spread over N (0.0005/op) passes; a failed run fails.
"$compare" "$fixtures/base.json" "$fixtures/base.json" --gate allocs >/dev/null || fail "fixture: equal files failed"
"$compare" "$fixtures/base.json" "$fixtures/noise.json" --gate allocs >/dev/null || fail "fixture: noise failed the gate"
for f in added_alloc more_bytes failed; do
  if "$compare" "$fixtures/base.json" "$fixtures/$f.json" --gate allocs >"$work/$f.txt"; then
    cat "$work/$f.txt"; fail "fixture: $f passed the gate"
  fi
done
# Without --gate the same comparison reports but exits 0.
"$compare" "$fixtures/base.json" "$fixtures/added_alloc.json" >/dev/null || fail "no --gate: non-zero exit"
echo "gate_test: ok"
