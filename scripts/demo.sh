#!/usr/bin/env bash
# make demo: the project's main job on its own example chart and overlay.
# Grows with the project: today the three tools exist and report their version;
# rendering (hm template charts/webapp, kz build overlays/prod) and applying to
# the embedded store join as their issues land.
set -euo pipefail
bin="${1:-build/release/bin}"

step() { printf '\n$ %s\n' "$*"; "$@"; }

echo "kz demo: tools built in $bin"
step "$bin/hm" version --short
step "$bin/kz" version
step "$bin/kctl" version --client
cat <<'MSG'

The project's example inputs, for the commands still to come (rendering charts,
building overlays, applying them to the embedded store):
  charts/webapp   a chart: Deployment, Service, ConfigMap
  overlays/prod   a kustomize overlay on overlays/base
MSG
