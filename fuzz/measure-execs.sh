#!/usr/bin/env bash
# Measures libFuzzer throughput of each target: runs it for SECONDS on a scratch copy
# of its corpus (corpus/<t> is never written) and prints execs/s per wall second and
# per CPU second (the machine may be shared: CPU seconds give the one-core figure).
# Usage: fuzz/measure-execs.sh BUILD_DIR [SECONDS] [TARGET...]
#   BUILD_DIR: a ZH_FUZZ=ON build (e.g. build/fuzz; ZH_FUZZ_SANITIZERS= for no ASan)
set -euo pipefail
cd "$(dirname "$0")/.."
bdir=${1:?usage: fuzz/measure-execs.sh BUILD_DIR [SECONDS] [TARGET...]}
secs=${2:-10}
shift $(( $# >= 2 ? 2 : 1 ))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$bdir"/bin/fuzz_*; do targets+=("${f##*/fuzz_}"); done
fi
scratch=$(mktemp -d "${TMPDIR:-/tmp}/zh-execs.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
printf '%-14s %10s %8s %8s %12s %12s\n' target execs wall_s cpu_s execs/s execs/cpu_s
for t in "${targets[@]}"; do
  mkdir -p "$scratch/$t"
  cp -r corpus/"$t"/. "$scratch/$t/" 2>/dev/null || true
  /usr/bin/time -f '%e %U %S' -o "$scratch/time" \
    "$bdir/bin/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 -dict=corpus/dict/http.dict \
    -artifact_prefix="$scratch/" "$scratch/$t" >"$scratch/log" 2>&1 || true
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/log")
  read -r wall user sys <"$scratch/time"
  awk -v t="$t" -v e="${execs:-0}" -v w="$wall" -v u="$user" -v s="$sys" \
    'BEGIN { c = u + s; printf "%-14s %10d %8.1f %8.1f %12d %12d\n", t, e, w, c, (w > 0 ? e / w : 0), (c > 0 ? e / c : 0) }'
  grep -a -m1 -E 'violated|ERROR' "$scratch/log" | sed 's/^/  /' || true
done
