#!/bin/bash -eu
# Builds zhttp's fuzz targets the OSS-Fuzz way (ClusterFuzzLite runs it in the image
# of .clusterfuzzlite/Dockerfile; ci/test-clusterfuzzlite runs it here, outside Docker).
# Inputs (environment): CC, CFLAGS (sanitizer + coverage flags), LIB_FUZZING_ENGINE
# (the engine's link flags or library), SRC (the sources: $SRC/zhttp, or ZH_SRC),
# WORK (scratch), OUT (results). Outputs in $OUT, per target T:
#   fuzz_T                     the fuzzer
#   fuzz_T_seed_corpus.zip     corpus/T/ and corpus/regressions/T/
#   fuzz_T.dict                corpus/dict/http.dict
#   fuzz_T.options             fuzz/fuzz_T.options (max_len, dict)
# The differential target is left out: its peer libraries are not in the runner image.
src=${ZH_SRC:-$SRC/zhttp}
build=$WORK/zhttp-fuzz-build

cmake -S "$src" -B "$build" \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_TYPE= \
  -DZH_FUZZ=ON -DZH_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" -DZH_FUZZ_SANITIZERS= \
  -DZH_FUZZ_DIFFERENTIAL=OFF -DZH_BUILD_TESTS=OFF

targets=()
for f in "$src"/fuzz/fuzz_*.c; do
  t=${f##*/fuzz_}; t=${t%.c}
  case "$t" in support|differential) continue ;; esac
  targets+=("$t")
done
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

for t in "${targets[@]}"; do
  cp "$build/bin/fuzz_$t" "$OUT/fuzz_$t"
  rm -f "$OUT/fuzz_${t}_seed_corpus.zip"
  (cd "$src/corpus" && find "$t" "regressions/$t" -maxdepth 1 -type f ! -name '.*' ! -name 'README*' -print0 |
     xargs -0 zip -q -j "$OUT/fuzz_${t}_seed_corpus.zip")
  cp "$src/corpus/dict/http.dict" "$OUT/fuzz_$t.dict"
  cp "$src/fuzz/fuzz_$t.options" "$OUT/fuzz_$t.options"
done
echo "build.sh: ${#targets[@]} fuzzers in $OUT"
