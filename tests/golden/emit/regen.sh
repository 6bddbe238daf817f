#!/usr/bin/env bash
# Regenerate the emitter goldens from the reference tools (not run by the tests).
#   helm.golden:      `helm template` of chart/ (toYaml of the tricky values)
#   kustomize.golden: `kubectl kustomize` of kustomize/ (the same values as a resource)
# The inputs (chart/values.yaml, kustomize/tricky.json) come from gen_inputs.py;
# rerun it in a scratch dir only when changing the cases.
# Keys are chosen so that go-yaml's key order is a total order: with keys like
# a1b/a9/a10 its comparator has cycles and the output depends on Go's random map order.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
"$HELM" template x "$here/chart" > "$here/helm.golden"
"$KUBECTL" kustomize "$here/kustomize" > "$here/kustomize.golden"
