#!/usr/bin/env bash
# make demo: the project's main job on its own example chart and overlay.
# Grows with the project: today the three tools report their version and hm
# renders the project's charts; building overlays (kz build overlays/prod) and
# applying to the embedded store join as their issues land.
set -euo pipefail
bin="${1:-build/release/bin}"

step() { printf '\n$ %s\n' "$*"; "$@"; }

echo "kz demo: tools built in $bin"
step "$bin/hm" version --short
step "$bin/kz" version
step "$bin/kctl" version --client
# The book's MetalLB install, rendered: the same command line as helm's.
step "$bin/hm" template metallb charts/metallb --namespace=metallb-system \
    --set controller.tag=v0.3.3 --set speaker.tag=v0.8.3 --set configmap.ipRange=192.168.1.11-192.168.1.29
# A chart with a library chart, a subchart, hooks, a CRD and files.
step "$bin/hm" template demo charts/stack --include-crds --set global.environment=prod
cat <<'MSG'

Still to come: kz build overlays/prod (a kustomize overlay on overlays/base)
and applying the results to the embedded store.
MSG
