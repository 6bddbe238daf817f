#!/usr/bin/env bash
# Real-world manifests through the YAML reader and writer: every chart of the edu
# repository (../shared/fixtures/edu-chart-repo) rendered by helm v3.17, then
# printed by `kubectl kustomize` (kyaml in, go-yaml v2 out). test_yaml_realworld
# parses in.yaml with the kyaml schema, emits every document and must produce
# exactly the documents of want.yaml (kustomize orders them by kind; the test
# compares them as a set).
# kustomize also drops an empty `annotations: {}` from metadata, which is resource
# handling (kz build), not YAML I/O: such entries are removed from the inputs
# (prometheus writes them as "  annotations:" followed by "    {}").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../reference.sh"
repo="$here/../../../../shared/fixtures/edu-chart-repo"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
drop_empty_annotations() {
  awk '/^  annotations:$/ { held = $0; next }
       held != "" { if ($0 ~ /^    \{\}$/) { held = ""; next } print held; held = "" }
       /^  annotations: \{\}$/ { next }
       { print }
       END { if (held != "") print held }'
}
for chart in "$repo"/*.tgz; do
  name="$(basename "$chart" .tgz)"
  mkdir -p "$here/$name" "$work/$name"
  "$HELM" template rel "$chart" | drop_empty_annotations > "$here/$name/in.yaml"
  cp "$here/$name/in.yaml" "$work/$name/in.yaml"
  printf 'resources:\n- in.yaml\n' > "$work/$name/kustomization.yaml"
  "$KUBECTL" kustomize "$work/$name" > "$here/$name/want.yaml"
  echo "$name: $(grep -c '^---$' "$here/$name/want.yaml") separators"
done
