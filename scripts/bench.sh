#!/usr/bin/env bash
# make bench: kz's benchmarks, each printed next to the reference tool's figure
# where one exists. Timings are printed, never asserted.
set -euo pipefail
build="${1:-build/release}"
out="build/bench-out"
mkdir -p "$out"

echo "== bench/yaml: parse + emit a generated 50 MB Kubernetes YAML stream"
"$build/bench/bench_yaml" --size 50

# Side by side with the reference. kustomize has no parse-only mode, so this
# times `kubectl kustomize` on a folder whose only resource is the stream: it
# parses every document and prints it back through the same go-yaml v2 path
# (plus its own resource bookkeeping, which grows faster than linearly with the
# resource count: 50 MB would take hours, hence 1 MB here).
echo
echo "== side by side: 1 MB stream (about 1900 documents), parse + emit"
"$build/bench/bench_yaml" --size 1 --write "$out/stream.yaml" | sed 's/^/kz        /'
if command -v kubectl >/dev/null 2>&1; then
  ref="$out/kustomize"
  mkdir -p "$ref"
  cp "$out/stream.yaml" "$ref/stream.yaml"
  printf 'resources:\n- stream.yaml\n' > "$ref/kustomization.yaml"
  start=$(date +%s.%N)
  kubectl kustomize "$ref" > "$out/kustomize.yaml"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v bytes="$(stat -c %s "$out/stream.yaml")" 'BEGIN {
    t = e - s; printf "reference kubectl kustomize: %.3f s  %6.2f MB/s (whole process)\n", t, bytes / 1e6 / t }'
else
  echo "reference: kubectl not installed, skipped"
fi

echo
echo "== bench/tmpl: render bench/tmpl/chart (60 services, 2,700 lines) from templates parsed once"
"$build/bench/bench_tmpl" bench/tmpl/chart --renders 1000
helm="${HELM:-$HOME/.cache/kz-reference/bin/helm}"
# Whole process, as users wait for it: helm template parses, renders and
# prints the chart once per run. Best of 5.
helm_best() {
  local best="" start end t
  for _ in 1 2 3 4 5; do
    start=$(date +%s.%N)
    "$helm" template bench "$1" > /dev/null
    end=$(date +%s.%N)
    t=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.4f", e - s }')
    best=$(awk -v a="$best" -v b="$t" 'BEGIN { if (a == "" || b < a) print b; else print a }')
  done
  echo "reference helm template: ${best} s for one render (whole process, best of 5)"
}
if [ -x "$helm" ]; then helm_best bench/tmpl/chart; else
  echo "reference: helm not installed (../shared/tools/reference-tools.sh), skipped"; fi

echo
echo "== bench/funcs: bench/funcs/chart (bitnami-style helpers: include, tpl, merge, toYaml; 80 objects)"
"$build/bench/bench_funcs" bench/funcs/chart --renders 200
if [ -x "$helm" ]; then helm_best bench/funcs/chart; fi

echo
echo "== bench/charts: hm template vs helm template, whole process, on the edu charts"
charts="$out/edu"
mkdir -p "$charts"
for f in ../shared/fixtures/edu-chart-repo/*.tgz; do tar -xzf "$f" -C "$charts"; done
# figure LINE NAME: the number after NAME in a bench_charts line
figure() { awk -v line="$1" -v name="$2" 'BEGIN { n = split(line, w, /[ ,]+/)
  for (i = 1; i < n; i++) if (w[i] == name) { print w[i + 1]; exit } }'; }
# hm and helm take turns (10 rounds of 4 hm runs and 1 helm run), so that
# both meet the machine in the same state: its speed drifts by a third from
# one minute to the next here, and the ratio is what is compared.
for chart in prometheus jenkins metallb; do
  if [ -x "$helm" ]; then
    lines=$("$build/bench/bench_charts" --rounds 10 --runs 4 --label "hm   $chart" -- \
              "$build/bin/hm" template "$chart" "$charts/$chart" \
            --and --runs 1 --label "helm $chart" -- "$helm" template "$chart" "$charts/$chart")
    echo "$lines"
    kz_line=$(echo "$lines" | head -1) ref_line=$(echo "$lines" | tail -1)
    awk -v m1="$(figure "$kz_line" mean)" -v m2="$(figure "$ref_line" mean)" \
        -v d1="$(figure "$kz_line" median)" -v d2="$(figure "$ref_line" median)" \
        -v r1="$(figure "$kz_line" RSS)" -v r2="$(figure "$ref_line" RSS)" 'BEGIN {
      printf "     ratio: %.1fx faster (means), %.1fx (medians), %.1fx less memory\n", m2 / m1, d2 / d1, r2 / r1 }'
  else
    "$build/bench/bench_charts" --runs 20 --label "hm   $chart" -- "$build/bin/hm" template "$chart" "$charts/$chart"
  fi
done

# Throughput with every core busy, as a CI job rendering many charts at once
# sees it: hm spends a second core on part of each render, which makes one
# render faster but costs CPU time (the "cpu" figures above).
cores=$(nproc)
per_core_runs() { # per_core_runs TOOL: seconds for 20 renders of prometheus per core, one per core at a time
  local start end
  start=$(date +%s.%N)
  seq $((20 * cores)) | xargs -P "$cores" -I{} sh -c "'$1' template prometheus '$charts/prometheus' > /dev/null"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" -v n=$((20 * cores)) 'BEGIN { printf "%.1f renders/s", n / (e - s) }'
}
echo
echo "== throughput: prometheus rendered $cores at a time (xargs -P $cores)"
echo "hm   $(per_core_runs "$build/bin/hm")"
if [ -x "$helm" ]; then echo "helm $(per_core_runs "$helm")"; fi

# The floor: a process that only reads the chart's files and lets libyaml
# scan its values.yaml files and the rendered manifests (bench/floor). hm can't
# be faster than that, so helm's time over the floor's is the best ratio this
# machine allows.
echo
echo "== bench/floor: the least hm template prometheus must do (read the chart; libyaml over values and output)"
"$build/bin/hm" template prometheus "$charts/prometheus" > "$out/prometheus.yaml"
"$build/bench/bench_floor" "$charts/prometheus" "$out/prometheus.yaml"
if [ -x "$helm" ]; then
  lines=$("$build/bench/bench_charts" --rounds 10 --runs 4 --label "floor prometheus" -- \
            "$build/bench/bench_floor" "$charts/prometheus" "$out/prometheus.yaml" \
          --and --runs 1 --label "helm  prometheus" -- "$helm" template prometheus "$charts/prometheus")
  echo "$lines"
  floor_line=$(echo "$lines" | head -1) ref_line=$(echo "$lines" | tail -1)
  awk -v a="$(figure "$floor_line" mean)" -v b="$(figure "$ref_line" mean)" 'BEGIN {
    printf "     helm / floor: %.1fx (no hm template of prometheus can beat this ratio here)\n", b / a }'
else
  "$build/bench/bench_charts" --runs 20 --label "floor prometheus" -- \
    "$build/bench/bench_floor" "$charts/prometheus" "$out/prometheus.yaml"
fi

echo "== bench/repo: a generated index of 2,000 charts x 50 versions, served by nginx on 127.0.0.1"
# gen_index: the same layout as tests/golden/repo/gen-big-index.py, in awk
# (python is not among the project's dependencies).
gen_index() {
  awk 'BEGIN {
    print "apiVersion: v1"; print "entries:"
    for (c = 0; c < 2000; c++) {
      name = sprintf("chart-%04d", c); printf "  %s:\n", name
      for (v = 0; v < 50; v++) {
        ver = sprintf("%d.%d.%d", int(v / 10), v % 10, c % 7)
        printf "  - apiVersion: v2\n    appVersion: \"%d.0\"\n", v
        printf "    created: \"2024-01-02T03:04:05.%06dZ\"\n", v
        printf "    description: Chart number %d version %s, a generated chart for benchmarks\n", c, ver
        printf "    digest: %032x%032x\n", c, v
        printf "    home: https://example.com/%s\n    keywords:\n    - bench\n    - k%d\n", name, c % 13
        printf "    maintainers:\n    - email: dev%d@example.com\n      name: Dev %d\n", c, c
        printf "    name: %s\n    sources:\n    - https://github.com/example/%s\n", name, name
        printf "    urls:\n    - https://example.com/charts/%s-%s.tgz\n    version: %s\n", name, ver, ver
      }
    }
    print "generated: \"2024-01-02T03:04:05Z\"" }'
}
repo_dir="$out/repo"
rm -rf "$repo_dir"; mkdir -p "$repo_dir/www"
gen_index > "$repo_dir/www/index.yaml"
echo "index.yaml: $(( $(stat -c %s "$repo_dir/www/index.yaml") / 1000000 )) MB"
"$build/bench/bench_repo" "$repo_dir/www/index.yaml" k7 | sed 's/^/in-process  /'
url=$(bash tests/servers/nginx.sh start "$repo_dir/nginx" --root "$repo_dir/www" --watch $$)
trap 'bash tests/servers/nginx.sh stop "$repo_dir/nginx"' EXIT
hm_env=(env HM_CONFIG_HOME="$repo_dir/hm/config" HM_CACHE_HOME="$repo_dir/hm/cache")
helm_env=(env HELM_CONFIG_HOME="$repo_dir/helm/config" HELM_CACHE_HOME="$repo_dir/helm/cache"
          HELM_DATA_HOME="$repo_dir/helm/data")
"${hm_env[@]}" "$build/bin/hm" repo add big "$url" > /dev/null
# Every update re-downloads and re-parses: hm's saved ETag would otherwise
# get a 304 (timed separately below).
etag="$repo_dir/hm/cache/repository/big-index.yaml.etag"
kz_update=$("$build/bench/bench_charts" --runs 3 --label "hm   repo update" -- \
  "${hm_env[@]}" bash -c "rm -f '$etag'; exec '$build/bin/hm' repo update")
echo "$kz_update"
"$build/bench/bench_charts" --runs 3 --label "hm   repo update (304)" -- "${hm_env[@]}" "$build/bin/hm" repo update
kz_search=$("$build/bench/bench_charts" --runs 3 --label "hm   search repo k7" -- "${hm_env[@]}" "$build/bin/hm" search repo k7)
echo "$kz_search"
if [ -x "$helm" ]; then
  "${helm_env[@]}" "$helm" repo add big "$url" > /dev/null
  ref_update=$("$build/bench/bench_charts" --runs 1 --label "helm repo update" -- "${helm_env[@]}" "$helm" repo update)
  echo "$ref_update"
  ref_search=$("$build/bench/bench_charts" --runs 1 --label "helm search repo k7" -- "${helm_env[@]}" "$helm" search repo k7)
  echo "$ref_search"
  for pair in "$kz_update|$ref_update" "$kz_search|$ref_search"; do
    a=${pair%%|*} b=${pair##*|}
    awk -v m1="$(figure "$a" mean)" -v m2="$(figure "$b" mean)" -v r1="$(figure "$a" RSS)" -v r2="$(figure "$b" RSS)" \
      'BEGIN { printf "     ratio: %.1fx faster, %.1fx less memory\n", m2 / m1, r2 / r1 }'
  done
fi
