#!/usr/bin/env bash
# Regenerate the parser goldens from the reference tools (helm v3.17, kustomize v5.5).
# Tests never run the tools; they read what this script recorded.
#
#   helm_scalars.tsv      INPUT <TAB> toJson .Values of "x: INPUT" (or ERROR <TAB> message)
#   kyaml_scalars.tsv     INPUT <TAB> the "x:" line kustomize prints <TAB> the same after a
#                         JSON6902 patch (kyaml turns the resource into JSON and back, so the
#                         second column shows how go-yaml v3 resolved the scalar)
#   helm/NAME.yaml        a whole values.yaml; helm/NAME.out is toJson .Values (or "ERROR: ...")
#   kyaml/NAME.yaml       a resource; kyaml/NAME.out is what kubectl kustomize printed
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../reference.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- helm: a chart whose only template prints the values as JSON (in a comment, so the
# rendered manifest stays valid YAML whatever the values are).
mkdir -p "$work/chart/templates"
printf 'apiVersion: v2\nname: probe\nversion: 0.1.0\n' > "$work/chart/Chart.yaml"
printf '# {{ toJson .Values }}\n' > "$work/chart/templates/out.yaml"
helm_values() { # file with values.yaml content -> one line
    cp "$1" "$work/chart/values.yaml"
    local out
    if out=$("$HELM" template t "$work/chart" 2>&1); then
        printf '%s\n' "$out" | sed -n 's/^# //p' | grep -v '^Source:'
    else
        printf 'ERROR: %s\n' "$(printf '%s' "$out" | head -1)"
    fi
}

: > "$here/helm_scalars.tsv"
while IFS= read -r s; do
    printf 'x: %s\n' "$s" > "$work/v.yaml"
    printf '%s\t%s\n' "$s" "$(helm_values "$work/v.yaml")" >> "$here/helm_scalars.tsv"
done < "$here/scalars.txt"

for f in "$here"/helm/*.yaml; do
    helm_values "$f" > "${f%.yaml}.out"
done

# --- kustomize: a custom kind (no schema, so kustomize leaves the fields alone).
mkdir -p "$work/k" "$work/kp"
printf 'resources:\n- r.yaml\n' > "$work/k/kustomization.yaml"
cat > "$work/kp/kustomization.yaml" <<'K'
resources:
- r.yaml
patches:
- target: {kind: Probe}
  patch: |-
    - op: add
      path: /patched
      value: 1
K
: > "$here/kyaml_scalars.tsv"
while IFS= read -r s; do
    printf 'apiVersion: v1\nkind: Probe\nmetadata:\n  name: p\nx: %s\n' "$s" > "$work/k/r.yaml"
    cp "$work/k/r.yaml" "$work/kp/r.yaml"
    plain=$("$KUBECTL" kustomize "$work/k" 2>&1 | grep '^x:\|rror' | head -1 || true)
    patched=$("$KUBECTL" kustomize "$work/kp" 2>&1 | grep '^x:\|rror' | head -1 || true)
    printf '%s\t%s\t%s\n' "$s" "$plain" "$patched" >> "$here/kyaml_scalars.tsv"
done < "$here/scalars.txt"

for f in "$here"/kyaml/*.yaml; do
    cp "$f" "$work/k/r.yaml"
    if out=$("$KUBECTL" kustomize "$work/k" 2>&1); then
        printf '%s\n' "$out" > "${f%.yaml}.out"
    else # keep the message, not a Go stack trace
        # strip klog's time/pid prefix and the temporary folder, so reruns are stable
        printf 'ERROR: %s\n' "$(printf '%s' "$out" | head -3 |
            sed -e 's/^E[0-9]* [0-9:.]* *[0-9]* run.go:[0-9]*\] //' -e "s|$work/||g")" > "${f%.yaml}.out"
    fi
done
