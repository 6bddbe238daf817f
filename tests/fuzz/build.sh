#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (Debian's clang and libclang-rt-14-dev)
# into build/fuzz, and seeds a corpus from the project's YAML and JSON files.
#   tests/fuzz/build.sh && build/fuzz/fuzz_yaml -max_total_time=300 build/fuzz/corpus
#   build/fuzz/fuzz_tmpl -max_total_time=300 build/fuzz/corpus-tmpl
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
out="$top/build/fuzz"
mkdir -p "$out/corpus"
flags="-g -O1 -std=c17 -D_POSIX_C_SOURCE=200809L -DKZ_VERSION=\"fuzz\" -fsanitize=fuzzer,address,undefined"
for target in fuzz_yaml fuzz_tmpl; do
  # shellcheck disable=SC2046
  clang $flags -I"$top/lib" $(pkg-config --cflags yaml-0.1 jansson libpcre2-8) \
    "$top/tests/fuzz/$target.c" $(find "$top/lib" -name '*.c') \
    $(pkg-config --libs yaml-0.1 jansson libpcre2-8) -lpthread -lm -o "$out/$target"
done
find "$top/tests/golden" "$top/charts" "$top/overlays" -type f \( -name '*.yaml' -o -name '*.json' \) \
  -size -64k -exec cp -t "$out/corpus" {} + 2>/dev/null || true
# Templates: the project's own, and the inputs of the template goldens, one per file.
mkdir -p "$out/corpus-tmpl"
find "$top/charts" "$top/bench/tmpl" "$top/tests/golden" -path '*templates/*' -type f \
  -exec cp -t "$out/corpus-tmpl" {} + 2>/dev/null || true
i=0
for cases in "$top"/tests/golden/tmpl*/cases.txt; do
  while IFS= read -r line; do
    i=$((i + 1)); printf '%s' "${line#*	}" > "$out/corpus-tmpl/case$i"
  done < "$cases"
done
echo "built $out/fuzz_yaml and $out/fuzz_tmpl; corpora: $(ls "$out/corpus" | wc -l) and $(ls "$out/corpus-tmpl" | wc -l) files"
