# Sourced by every tests/golden/*/regen.sh: pins the reference tools and checks
# their versions, so goldens always come from helm v3.17 and kustomize v5.5.
#   HELM     default: helm from ../shared/tools/reference-tools.sh's cache
#   KUBECTL  default: /usr/bin/kubectl (the machine's; its kustomize is v5.5.0).
#            Not the kubectl of the reference-tools cache: that one embeds v5.4.
HELM=${HELM:-$HOME/.cache/kz-reference/bin/helm}
KUBECTL=${KUBECTL:-/usr/bin/kubectl}
if ! "$HELM" version --short 2>/dev/null | grep -q '^v3\.17\.'; then
  echo "regen: $HELM is not helm v3.17 (run ../shared/tools/reference-tools.sh, or set HELM)" >&2
  exit 1
fi
if ! "$KUBECTL" version --client 2>/dev/null | grep -q 'Kustomize Version: v5\.5\.'; then
  echo "regen: $KUBECTL does not embed kustomize v5.5 (set KUBECTL)" >&2
  exit 1
fi
