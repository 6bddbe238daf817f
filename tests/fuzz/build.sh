#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (Debian's clang and libclang-rt-14-dev)
# into build/fuzz, and seeds a corpus from the project's YAML and JSON files.
#   tests/fuzz/build.sh && build/fuzz/fuzz_yaml -max_total_time=300 build/fuzz/corpus
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
out="$top/build/fuzz"
mkdir -p "$out/corpus"
flags="-g -O1 -std=c17 -D_POSIX_C_SOURCE=200809L -DKZ_VERSION=\"fuzz\" -fsanitize=fuzzer,address,undefined"
# shellcheck disable=SC2046
clang $flags -I"$top/lib" $(pkg-config --cflags yaml-0.1 jansson) \
  "$top/tests/fuzz/fuzz_yaml.c" $(find "$top/lib" -name '*.c') \
  $(pkg-config --libs yaml-0.1 jansson) -lpthread -lm -o "$out/fuzz_yaml"
find "$top/tests/golden" "$top/charts" "$top/overlays" -type f \( -name '*.yaml' -o -name '*.json' \) \
  -size -64k -exec cp -t "$out/corpus" {} + 2>/dev/null || true
echo "built $out/fuzz_yaml; corpus: $(ls "$out/corpus" | wc -l) files"
