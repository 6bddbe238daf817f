#!/usr/bin/env python3
"""Differential fuzzing of real-world chart idioms: hm vs the reference helm.

A dev tool (tests never call helm). Each round writes a chart the way
bitnami, prometheus-community, ingress-nginx, cert-manager, argo and grafana
charts are written (written here from scratch, not copied): a helper library
(names, labels, selectors, image strings, pull secrets, tpl rendering,
capability checks), a Deployment/ConfigMap/Secret/PDB/Ingress built from
`with`/`range`/`toYaml | nindent`, and a ConfigMap of random idiom
expressions (merge, dig, omit, pick, coalesce, ternary, conversions,
splitList, regexReplaceAll, fromYaml of helpers, .Files, lookup, ...) over a
random values.yaml (numbers of every shape, empty maps and lists, nulls,
values holding templates) with random --set/-f overrides, release names,
--kube-version and --api-versions. Both tools render it; stdout, stderr and
the exit code must be the same bytes. Random strings (randAlphaNum, genCA,
uuidv4, now) are masked. Differences are saved under --out.

    tests/fuzz/idioms_diff.py [-n ROUNDS] [--seed S] [--out DIR] [-x EXPRS]
        [--hm build/release/bin/hm] [--helm ~/.cache/kz-reference/bin/helm]
"""
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

R = random

# ---------------------------------------------------------------- values ---
NUMS = ["0", "1", "-1", "3", "8080", "65535", "1000000", "1e6", "1e+06",
        "0.1", "0.5", "1.5", "2.0", "100.0", "1e-3", "2147483648",
        "9007199254740993", "9223372036854775807", "12345678901",
        "123456789", "0x1F", "0o17", "017", "1_000", ".5", "-0", "3.14159",
        "1e21", "1e20", "6.02e23", "4294967296", "-2.5"]
STRS = ["nginx", "bitnami/nginx", "docker.io", "quay.io", "1.25.3",
        "1.25.3-debian-12-r0", "latest", "v1.2.3", "IfNotPresent", "100m",
        "128Mi", "1Gi", "", "true", "false", "yes", "null", "~", "1.0",
        "1", "0.1", "a,b,c", "b,a,b", " a , b ", "My_App.Name!", "UPPER",
        "sha256:deadbeef", "x" * 70, "a-b-" * 20, "{{ .Release.Name }}",
        "{{ .Release.Name }}-x", "{{ include \"c.fullname\" . }}",
        "{{ .Values.image.tag }}", "{{ $.Chart.Name }}", "{{ .Release.Namespace }}",
        "{{ printf \"%s-%d\" .Release.Name 3 }}", "{{ toYaml .Values.podLabels }}",
        "{{ .Values.missing }}", "{{", "}}", "a: b", "line1\nline2",
        "trailing\n", "héllo", "'q'", "\"dq\"", "%s", "%d", "-", "-x-",
        "http://example.com:8080/path", "10.0.0.0/8", "*.example.com"]
KEYS = ["a", "b", "name", "value", "key", "app", "tier", "x.y/z",
        "kubernetes.io/ingress.class", "prometheus.io/scrape", "cpu",
        "memory", "enabled", "port", "path", "1", "true", "B", "é"]
PATHS = []  # filled per round: value paths the expressions use


def yscalar(s):
    """A YAML scalar for s: plain when safe, else double-quoted."""
    if re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_./:@,-]*( [A-Za-z0-9_.-]+)*", s) \
            and not s.endswith(":") and ": " not in s and " #" not in s:
        return s
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def scalar():
    r = R.random()
    if r < 0.35:
        return R.choice(NUMS)
    if r < 0.85:
        return yscalar(R.choice(STRS))
    return R.choice(["true", "false", "null", "~", "", "{}", "[]"])


def ymap(depth, keys=None):
    keys = keys or R.sample(KEYS, R.randint(1, 3))
    lines = []
    for k in keys:
        kt = yscalar(k) if k not in ("true", "1") else '"%s"' % k
        lines += node(kt, depth)
    return lines


def node(key, depth):
    r = R.random()
    if depth > 2 or r < 0.55:
        return ["%s: %s" % (key, scalar())]
    if r < 0.8:
        return ["%s:" % key] + ["  " + l for l in ymap(depth + 1)]
    items = []
    for _ in range(R.randint(0, 3)):
        if R.random() < 0.5:
            items.append("  - " + scalar())
        else:
            sub = ymap(depth + 2)
            items.append("  - " + sub[0])
            items += ["    " + l for l in sub[1:]]
    return ["%s:%s" % (key, "" if items else " []")] + items


def section(key, shapes):
    """key with one of the given shapes (or, rarely, any other)."""
    shape = R.choice(shapes) if R.random() < 0.9 else R.choice(
        ["null", "empty-map", "empty-list", "scalar", "map", "list"])
    if shape == "null":
        return ["%s: %s" % (key, R.choice(["", "null", "~"]))]
    if shape == "empty-map":
        return ["%s: {}" % key]
    if shape == "empty-list":
        return ["%s: []" % key]
    if shape == "scalar":
        return ["%s: %s" % (key, scalar())]
    if shape == "map":
        return ["%s:" % key] + ["  " + l for l in ymap(1)]
    if shape == "list":
        return node(key, 0) if False else ["%s:" % key] + [
            "  - " + scalar() for _ in range(R.randint(1, 3))]
    return ["%s:" % key] + ["  " + l for l in shape()]


def image():
    out = ["registry: %s" % yscalar(R.choice(["docker.io", "quay.io", "", "registry.k8s.io"]))
           if R.random() < 0.8 else "registry:",
           "repository: %s" % yscalar(R.choice(["bitnami/nginx", "nginx", "grafana/grafana"])),
           "tag: %s" % R.choice(["1.25.3", '"1.25.3"', "1.0", "1.10", "2", "latest",
                                 '""', "v1.2.3", "1e3", "null"])]
    if R.random() < 0.3:
        out.append("digest: %s" % R.choice(['""', "sha256:abc123", "null"]))
    out.append("pullPolicy: %s" % R.choice(["IfNotPresent", "Always", '""']))
    if R.random() < 0.4:
        out += ["pullSecrets:"] + ["  - " + R.choice(["s1", "s2", "{name: s3}", "s1"])
                                   for _ in range(R.randint(0, 2))]
    return out


def resources():
    out = []
    for k in R.sample(["limits", "requests"], R.randint(0, 2)):
        out.append("%s:" % k)
        for r in R.sample(["cpu", "memory", "ephemeral-storage"], R.randint(1, 2)):
            out.append("  %s: %s" % (r, R.choice(["100m", "1", "0.5", "1.5", "128Mi",
                                                   '"250m"', "2", "1e3", "1Gi"])))
    return out or ["{}"] if False else out


def affinity():
    return ["podAntiAffinity:",
            "  preferredDuringSchedulingIgnoredDuringExecution:",
            "    - weight: %s" % R.choice(["1", "100", "1.0", "50"]),
            "      podAffinityTerm:",
            "        topologyKey: kubernetes.io/hostname",
            "        labelSelector:",
            "          matchLabels:",
            "            app: %s" % yscalar(R.choice(["x", "{{ .Release.Name }}", "1"]))]


def tolerations():
    out = []
    for _ in range(R.randint(1, 2)):
        out += ["- key: %s" % R.choice(["node-role", "dedicated", "\"1\""]),
                "  operator: %s" % R.choice(["Exists", "Equal"]),
                "  effect: NoSchedule"]
        if R.random() < 0.4:
            out.append("  tolerationSeconds: %s" % R.choice(["300", "3.5", "1e6"]))
    return out


def env():
    out = []
    for _ in range(R.randint(1, 3)):
        out.append("- name: %s" % R.choice(["FOO", "BAR", "PORT", "RELEASE"]))
        r = R.random()
        if r < 0.7:
            out.append("  value: %s" % scalar())
        else:
            out += ["  valueFrom:", "    secretKeyRef:", "      name: s", "      key: k"]
    return out


def security():
    return ["runAsUser: %s" % R.choice(["1001", "0", "1e3", "65534"]),
            "runAsNonRoot: %s" % R.choice(["true", "false", '"true"']),
            "readOnlyRootFilesystem: %s" % R.choice(["true", "false"]),
            "capabilities:", "  drop: [\"ALL\"]"] + R.choice(
        [[], ["seLinuxOptions: {}"], ["enabled: true"], ["enabled: false"]])


def volumes():
    return ["- name: %s" % R.choice(["data", "tmp", "cfg"]),
            "  " + R.choice(["emptyDir: {}", "configMap:\n    name: '{{ .Release.Name }}-cm'",
                             "secret:\n    secretName: s\n    defaultMode: 0644",
                             "emptyDir:\n    sizeLimit: 1Gi"])]


def annotations():
    out = []
    for k in R.sample(["a", "x.io/y", "checksum/x", "templ", "num", "b"], R.randint(1, 3)):
        v = R.choice(['"{{ .Release.Name }}"', '"{{ include \\"c.name\\" . }}"',
                      "plain", "1", "1e6", "true", '"{{ .Values.image.tag }}"',
                      '"{{ $.Release.Namespace }}-{{ .Chart.Version }}"', "null", "0.1"])
        out.append("%s: %s" % (yscalar(k), v))
    return out


def global_():
    out = []
    if R.random() < 0.6:
        out.append("imageRegistry: %s" % R.choice(['""', "my.registry", "null", "1"]))
    if R.random() < 0.5:
        out += ["imagePullSecrets:"] + ["  - " + R.choice(["g1", "{name: g2}", "s1"])
                                        for _ in range(R.randint(0, 2))]
    if R.random() < 0.3:
        out.append("kubeVersion: %s" % R.choice(['"1.20.0"', '"1.27.1"', '""']))
    if R.random() < 0.3:
        out.append("storageClass: %s" % R.choice(['"-"', "fast", '""']))
    return out or ["{}"] if not out else out


def values_yaml():
    lines = []
    add = lines.extend
    add(section("nameOverride", [lambda: [], "null"]) if False else
        ["nameOverride: %s" % R.choice(['""', '""', "other", "My-Name-", "x" * 70, "null"]
                                   + ["1"] * (R.random() < 0.05))])
    add(["fullnameOverride: %s" % R.choice(['""', '""', "full", "a" * 66 + "-b", "null"])])
    add(["namespaceOverride: %s" % R.choice(['""', "ns2", "null"])])
    add(["replicaCount: %s" % R.choice(NUMS + ['"3"', "null"])])
    add(section("image", [image, image]))
    if R.random() < 0.7:
        add(["global:"] + ["  " + l for l in (global_() if R.random() < 0.9 else ["{}"])])
    add(section("resources", [resources, "empty-map"]))
    if R.random() < 0.4:
        add(["resourcesPreset: %s" % R.choice(["nano", "small", "none", "huge", '""'])])
    add(section("affinity", [affinity, "empty-map"]))
    add(section("nodeSelector", ["map", "empty-map"]))
    add(section("tolerations", [tolerations, "empty-list"]))
    add(section("podSecurityContext", [security, "empty-map"]))
    add(section("containerSecurityContext", [security, "empty-map"]))
    add(section("env", [env, "empty-list"]))
    add(section("extraVolumes", [volumes, "empty-list"]))
    add(section("podAnnotations", [annotations, "empty-map"]))
    add(section("podLabels", ["map", "empty-map"]))
    add(section("commonLabels", ["map", "empty-map", "null"]))
    add(section("config", ["map", "empty-map"]))
    add(["service:", "  type: %s" % R.choice(["ClusterIP", "NodePort"]),
         "  port: %s" % R.choice(NUMS[:12] + ['"80"', "http"])])
    if R.random() < 0.4:
        add(["  nodePort: %s" % R.choice(['""', "30080", "null"])])
    add(section("service_annotations", [annotations, "empty-map"]) if False else [])
    add(["ingress:", "  enabled: %s" % R.choice(["true", "false", '"false"', "1"]),
         "  className: %s" % R.choice(['""', "nginx"]),
         "  hosts:", "    - host: %s" % R.choice(["chart.local", '"{{ .Release.Name }}.local"']),
         "      paths:", "        - path: /", "          pathType: Prefix"])
    if R.random() < 0.5:
        add(["  tls:", "    - secretName: tls", "      hosts: [a.local]"])
    add(["pdb:", "  create: %s" % R.choice(["true", "false"]),
         "  minAvailable: %s" % R.choice(["1", '"50%"', '""', "0", "null"]),
         "  maxUnavailable: %s" % R.choice(['""', "1", "null"])])
    add(["serviceAccount:", "  create: %s" % R.choice(["true", "false", "null"]),
         "  name: %s" % R.choice(['""', "sa", "null"]),
         "  annotations: {}"])
    add(["auth:", "  password: %s" % R.choice(['""', "secret", "null", "1234"]),
         "  existingSecret: %s" % R.choice(['""', "mysecret"])])
    add(["metrics:", "  enabled: %s" % R.choice(["true", "false"]),
         "  serviceMonitor:", "    enabled: %s" % R.choice(["true", "false"]),
         "    interval: %s" % R.choice(['""', "30s", "null"]),
         "    labels: {}"])
    add(["autoscaling:", "  enabled: %s" % R.choice(["true", "false"]),
         "  minReplicas: %s" % R.choice(["1", "2", "1.5"]),
         "  maxReplicas: %s" % R.choice(["10", "100", "1e3"]),
         "  targetCPU: %s" % R.choice(["80", '"80"', "null", "0.8"])])
    add(["csv: %s" % yscalar(R.choice(["a,b,c", "b,a,b", "", "x", " a , b ", "c,,a"]))])
    add(["nums:"] + ["  - " + R.choice(NUMS) for _ in range(R.randint(0, 4))])
    add(["mixed:"] + ["  - " + scalar() for _ in range(R.randint(0, 4))])
    add(["extra:"] + ["  " + l for l in ymap(1)])
    add(["extra2:"] + ["  " + l for l in ymap(1)])
    add(["tplString: %s" % yscalar(R.choice(STRS))])
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------- overrides --
SET_PATHS = ["replicaCount", "image.tag", "image.registry", "image.digest",
             "global.imageRegistry", "nameOverride", "fullnameOverride",
             "service.port", "podAnnotations.x", "podLabels.tier",
             "resources.limits.cpu", "extra.a", "extra.b.c", "ingress.enabled",
             "pdb.create", "pdb.minAvailable", "tolerations", "env[0].value",
             "nums[1]", "config.key", "autoscaling.targetCPU", "auth.password",
             "csv", "tplString", "nodeSelector", "affinity", "metrics.enabled",
             "global.imagePullSecrets[0]", "image.pullSecrets[0].name"]
SET_VALS = ["3", "0", "1000000", "1e6", "1.5", "0.1", "true", "false", "null",
            "abc", "1.0", "9223372036854775807", "9223372036854775808",
            "\"quoted\"", "", "{a,b}", "v1.2.3", "012", "0x10", "-1",
            "2147483648", "a.b", "1.10", "+1", "1e-7", ".5", "0.000001"]


def overrides(tmp):
    args = []
    for _ in range(R.choice([0, 0, 1, 2, 3])):
        kind = R.choice(["--set", "--set", "--set", "--set-string", "-f", "--set-json"])
        p = R.choice(SET_PATHS)
        if kind == "-f":
            f = os.path.join(tmp, "over%d.yaml" % len(args))
            with open(f, "w") as fh:
                parts = re.split(r"\.", p.split("[")[0])
                txt, ind = [], ""
                for q in parts[:-1]:
                    txt.append(ind + q + ":")
                    ind += "  "
                txt.append(ind + parts[-1] + ": " + scalar())
                fh.write("\n".join(txt) + "\n")
            args += ["-f", f]
        elif kind == "--set-json":
            args += [kind, p + "=" + R.choice(["1", "1.5", "1e6", '"s"', "null",
                                               '{"a":1}', "[1,2]", "true",
                                               "10000000000000000000"])]
        else:
            v = R.choice(SET_VALS)
            if p.endswith("Override") and kind == "--set" and R.random() < 0.9:
                v = R.choice(["abc", "x-y-", "", "null"])
            args += [kind, p + "=" + v]
    if R.random() < 0.4:
        args += ["--kube-version", R.choice(["1.20.0", "v1.21.3", "1.25.0", "1.29.1",
                                             "v1.19.16-eks-abc"])]
    for _ in range(R.choice([0, 0, 1, 2])):
        args += ["--api-versions", R.choice(["policy/v1/PodDisruptionBudget",
                                             "policy/v1beta1", "networking.k8s.io/v1/Ingress",
                                             "monitoring.coreos.com/v1",
                                             "monitoring.coreos.com/v1/ServiceMonitor",
                                             "autoscaling/v2"])]
    if R.random() < 0.3:
        args += ["--namespace", R.choice(["prod", "a-b"])]
    return args


# --------------------------------------------------------------- helpers ---
HELPERS = r'''{{/* name helpers */}}
{{- define "c.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "c.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "c.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "c.selectorLabels" -}}
app.kubernetes.io/name: {{ include "c.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "c.labels" -}}
helm.sh/chart: {{ include "c.chart" . }}
{{ include "c.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "c.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "c.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "c.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "common.tplvalues.render" -}}
{{- $value := typeIs "string" .value | ternary .value (.value | toYaml) }}
{{- if contains "{{" (toJson .value) }}
  {{- if .scope }}
      {{- tpl (cat "{{- with $.RelativeScope -}}" $value "{{- end }}") (merge (dict "RelativeScope" .scope) .context) }}
  {{- else }}
    {{- tpl $value .context }}
  {{- end }}
{{- else }}
    {{- $value }}
{{- end }}
{{- end -}}

{{- define "common.images.image" -}}
{{- $registryName := default .imageRoot.registry ((.global).imageRegistry) -}}
{{- $repositoryName := .imageRoot.repository -}}
{{- $separator := ":" -}}
{{- $termination := .imageRoot.tag | toString -}}
{{- if .imageRoot.digest }}
    {{- $separator = "@" -}}
    {{- $termination = .imageRoot.digest | toString -}}
{{- end -}}
{{- if $registryName }}
    {{- printf "%s/%s%s%s" $registryName $repositoryName $separator $termination -}}
{{- else -}}
    {{- printf "%s%s%s"  $repositoryName $separator $termination -}}
{{- end -}}
{{- end -}}

{{- define "common.images.pullSecrets" -}}
  {{- $pullSecrets := list }}
  {{- if .global }}
    {{- range .global.imagePullSecrets -}}
      {{- if kindIs "map" . -}}
        {{- $pullSecrets = append $pullSecrets .name -}}
      {{- else -}}
        {{- $pullSecrets = append $pullSecrets . -}}
      {{- end }}
    {{- end -}}
  {{- end -}}
  {{- range .images -}}
    {{- range .pullSecrets -}}
      {{- if kindIs "map" . -}}
        {{- $pullSecrets = append $pullSecrets .name -}}
      {{- else -}}
        {{- $pullSecrets = append $pullSecrets . -}}
      {{- end -}}
    {{- end -}}
  {{- end -}}
  {{- if (not (empty $pullSecrets)) }}
imagePullSecrets:
    {{- range $pullSecrets | uniq }}
  - name: {{ . }}
    {{- end }}
  {{- end }}
{{- end -}}

{{- define "common.capabilities.kubeVersion" -}}
{{- default (default .Capabilities.KubeVersion.Version .Values.kubeVersion) ((.Values.global).kubeVersion) -}}
{{- end -}}

{{- define "common.capabilities.policy.apiVersion" -}}
{{- if semverCompare "<1.21-0" (include "common.capabilities.kubeVersion" .) -}}
{{- print "policy/v1beta1" -}}
{{- else -}}
{{- print "policy/v1" -}}
{{- end -}}
{{- end -}}

{{- define "common.resources.preset" -}}
{{- $presets := dict
  "nano" (dict
      "requests" (dict "cpu" "100m" "memory" "128Mi" "ephemeral-storage" "50Mi")
      "limits" (dict "cpu" "150m" "memory" "192Mi" "ephemeral-storage" "2Gi")
   )
  "small" (dict
      "requests" (dict "cpu" "500m" "memory" "512Mi")
      "limits" (dict "cpu" "750m" "memory" "768Mi")
   )
 }}
{{- if hasKey $presets .type -}}
{{- index $presets .type | toYaml -}}
{{- else -}}
{{- printf "ERROR: Preset key '%s' invalid. Allowed values are %s" .type (join "," (keys $presets | sortAlpha)) | fail -}}
{{- end -}}
{{- end -}}

{{- define "common.storage.class" -}}
{{- $storageClass := (.global).storageClass | default .persistence.storageClass -}}
{{- if $storageClass -}}
  {{- if (eq "-" $storageClass) -}}
      {{- printf "storageClassName: \"\"" -}}
  {{- else -}}
      {{- printf "storageClassName: %s" $storageClass -}}
  {{- end -}}
{{- end -}}
{{- end -}}

{{- define "c.warnings" -}}
{{- $list := list -}}
{{- if and (not .Values.resources) (not .Values.resourcesPreset) -}}
{{- $list = append $list "resources" -}}
{{- end -}}
{{- if $list }}
WARNING: {{ join ", " $list }} not set
{{- end -}}
{{- end -}}

{{- define "c.fail" -}}
{{- fail "c.fail: this chart needs .Values.x" -}}
{{- end -}}

{{- define "c.failDeep" -}}
x: {{ include "c.name" . }}
y: {{ include "c.fail" . | quote }}
{{- end -}}

{{- define "common.tplvalues.merge" -}}
{{- $dst := dict -}}
{{- range .values -}}
{{- $dst = include "common.tplvalues.render" (dict "value" . "context" $.context "scope" $.scope) | fromYaml | merge $dst -}}
{{- end -}}
{{ $dst | toYaml }}
{{- end -}}

{{- define "common.labels.matchLabels" -}}
{{- if and (hasKey . "customLabels") (hasKey . "context") -}}
{{ merge (pick (include "common.tplvalues.render" (dict "value" .customLabels "context" .context) | fromYaml) "app.kubernetes.io/name" "app.kubernetes.io/instance") (dict "app.kubernetes.io/name" (include "c.name" .context) "app.kubernetes.io/instance" .context.Release.Name ) | toYaml }}
{{- else -}}
app.kubernetes.io/name: {{ include "c.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
{{- end -}}

{{- define "common.affinities.pods.soft" -}}
{{- $component := default "" .component -}}
{{- $extraLabels := default (dict) .extraPodAffinityTermLabels -}}
preferredDuringSchedulingIgnoredDuringExecution:
  - podAffinityTerm:
      labelSelector:
        matchLabels: {{- (include "common.labels.matchLabels" ( dict "customLabels" .customLabels "context" .context )) | nindent 10 }}
          {{- if not (empty $component) }}
          {{ printf "app.kubernetes.io/component: %s" $component }}
          {{- end }}
          {{- range $key, $value := $extraLabels }}
          {{ $key }}: {{ $value | quote }}
          {{- end }}
      topologyKey: kubernetes.io/hostname
    weight: {{ .weight | default 1 -}}
{{- end -}}

{{- define "c.envFromMap" -}}
{{- range $key, $value := . }}
- name: {{ $key | upper | replace "." "_" | replace "-" "_" }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end -}}

{{- define "c.subContext" -}}
{{ .Values | toJson }}|{{ .Release.Name }}|{{ .Chart.Name }}
{{- end -}}

{{- define "c.dictTable" -}}
{{- range $k, $v := .value }}
{{ $.prefix }}{{ $k }}={{ $v }}
{{- end }}
{{- end -}}
'''

DEPLOY = r'''apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "c.fullname" . }}
  namespace: {{ include "c.namespace" . | quote }}
  labels:
    {{- include "c.labels" . | nindent 4 }}
  {{- with .Values.commonAnnotations }}
  annotations:
    {{- include "common.tplvalues.render" (dict "value" . "context" $) | nindent 4 }}
  {{- end }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "c.selectorLabels" . | nindent 6 }}
  template:
    metadata:
      annotations:
        checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
        {{- with .Values.podAnnotations }}
        {{- tpl (toYaml .) $ | nindent 8 }}
        {{- end }}
      labels:
        {{- include "c.labels" . | nindent 8 }}
        {{- with .Values.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      {{- include "common.images.pullSecrets" (dict "images" (list .Values.image) "global" .Values.global) | nindent 6 }}
      serviceAccountName: {{ include "c.serviceAccountName" . }}
      {{- if .Values.podSecurityContext }}
      securityContext: {{- omit .Values.podSecurityContext "enabled" | toYaml | nindent 8 }}
      {{- end }}
      {{- if .Values.affinity }}
      affinity: {{- include "common.tplvalues.render" (dict "value" .Values.affinity "context" $) | nindent 8 }}
      {{- end }}
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with .Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: {{ .Chart.Name }}
          image: {{ include "common.images.image" (dict "imageRoot" .Values.image "global" .Values.global) | quote }}
          imagePullPolicy: {{ .Values.image.pullPolicy }}
          {{- if .Values.containerSecurityContext }}
          securityContext: {{- omit .Values.containerSecurityContext "enabled" "seLinuxOptions" | toYaml | nindent 12 }}
          {{- end }}
          ports:
            - name: http
              containerPort: {{ .Values.service.port }}
          env:
            - name: RELEASE
              value: {{ .Release.Name | quote }}
            {{- range .Values.env }}
            - name: {{ .name }}
              {{- if hasKey . "value" }}
              value: {{ .value | quote }}
              {{- else }}
              valueFrom: {{- toYaml .valueFrom | nindent 16 }}
              {{- end }}
            {{- end }}
          {{- if .Values.resources }}
          resources: {{- toYaml .Values.resources | nindent 12 }}
          {{- else if ne (toString .Values.resourcesPreset) "none" }}
          {{- if .Values.resourcesPreset }}
          resources: {{- include "common.resources.preset" (dict "type" .Values.resourcesPreset) | nindent 12 }}
          {{- end }}
          {{- end }}
      {{- with .Values.extraVolumes }}
      volumes:
        {{- tpl (toYaml .) $ | nindent 8 }}
      {{- end }}
'''

CONFIGMAP = r'''apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ template "c.fullname" . }}
  labels: {{- include "c.labels" . | nindent 4 }}
data:
  {{- range $key, $value := .Values.config }}
  {{ $key }}: {{ tpl (toString $value) $ | quote }}
  {{- end }}
  replicas: {{ .Values.replicaCount | quote }}
  port: "{{ .Values.service.port }}"
  {{- (.Files.Glob "files/*.conf").AsConfig | nindent 2 }}
  raw.txt: {{ .Files.Get "files/raw.txt" | quote }}
'''

SECRET = r'''{{- if not .Values.auth.existingSecret }}
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "c.fullname" . }}
  namespace: {{ .Release.Namespace }}
  labels: {{- include "c.labels" . | nindent 4 }}
type: Opaque
data:
  {{- $existing := lookup "v1" "Secret" .Release.Namespace (include "c.fullname" .) }}
  {{- if $existing }}
  password: {{ index $existing.data "password" }}
  {{- else if .Values.auth.password }}
  password: {{ .Values.auth.password | toString | b64enc | quote }}
  {{- else }}
  password: {{ randAlphaNum 10 | b64enc | quote }}
  {{- end }}
  {{- (.Files.Glob "files/*.secret").AsSecrets | nindent 2 }}
{{- end }}
'''

PDB = r'''{{- if .Values.pdb.create }}
{{- if .Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget" }}
apiVersion: policy/v1
{{- else }}
apiVersion: {{ include "common.capabilities.policy.apiVersion" . }}
{{- end }}
kind: PodDisruptionBudget
metadata:
  name: {{ include "c.fullname" . }}
spec:
  {{- if .Values.pdb.minAvailable }}
  minAvailable: {{ .Values.pdb.minAvailable }}
  {{- end }}
  {{- if or .Values.pdb.maxUnavailable (eq (.Values.pdb.maxUnavailable | toString) "0") }}
  maxUnavailable: {{ .Values.pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels: {{- include "c.selectorLabels" . | nindent 6 }}
{{- end }}
'''

INGRESS = r'''{{- if .Values.ingress.enabled -}}
{{- $fullName := include "c.fullname" . -}}
{{- $svcPort := .Values.service.port -}}
{{- if and .Values.ingress.className (not (semverCompare ">=1.18-0" .Capabilities.KubeVersion.GitVersion)) }}
  {{- if not (hasKey .Values.ingress.annotations "kubernetes.io/ingress.class") }}
  {{- $_ := set .Values.ingress.annotations "kubernetes.io/ingress.class" .Values.ingress.className}}
  {{- end }}
{{- end }}
{{- if semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion -}}
apiVersion: networking.k8s.io/v1
{{- else if semverCompare ">=1.14-0" .Capabilities.KubeVersion.GitVersion -}}
apiVersion: networking.k8s.io/v1beta1
{{- else -}}
apiVersion: extensions/v1beta1
{{- end }}
kind: Ingress
metadata:
  name: {{ $fullName }}
spec:
  {{- if and .Values.ingress.className (semverCompare ">=1.18-0" .Capabilities.KubeVersion.GitVersion) }}
  ingressClassName: {{ .Values.ingress.className }}
  {{- end }}
  {{- if .Values.ingress.tls }}
  tls:
    {{- range .Values.ingress.tls }}
    - hosts:
        {{- range .hosts }}
        - {{ . | quote }}
        {{- end }}
      secretName: {{ .secretName }}
    {{- end }}
  {{- end }}
  rules:
    {{- range .Values.ingress.hosts }}
    - host: {{ tpl .host $ | quote }}
      http:
        paths:
          {{- range .paths }}
          - path: {{ .path }}
            {{- if and .pathType (semverCompare ">=1.18-0" $.Capabilities.KubeVersion.GitVersion) }}
            pathType: {{ .pathType }}
            {{- end }}
            backend:
              service:
                name: {{ $fullName }}
                port:
                  number: {{ $svcPort }}
          {{- end }}
    {{- end }}
{{- end }}
'''

SM = r'''{{- if and .Values.metrics.enabled .Values.metrics.serviceMonitor.enabled (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "c.fullname" . }}
  labels:
    {{- include "c.labels" . | nindent 4 }}
    {{- with .Values.metrics.serviceMonitor.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  endpoints:
    - port: http
      {{- with .Values.metrics.serviceMonitor.interval }}
      interval: {{ . }}
      {{- end }}
  selector:
    matchLabels: {{- include "c.selectorLabels" . | nindent 6 }}
{{- end }}
'''

HPA = r'''{{- if .Values.autoscaling.enabled }}
apiVersion: {{ ternary "autoscaling/v2" "autoscaling/v2beta2" (.Capabilities.APIVersions.Has "autoscaling/v2") }}
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "c.fullname" . }}
spec:
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
  metrics:
    {{- if .Values.autoscaling.targetCPU }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ .Values.autoscaling.targetCPU }}
    {{- end }}
{{- end }}
'''

NOTES = r'''{{ include "c.warnings" . }}
Get the URL: {{ include "c.fullname" . }}.{{ .Release.Namespace }}.svc:{{ .Values.service.port }}
{{- if contains "NodePort" .Values.service.type }}
  export NODE_PORT=$(kubectl get --namespace {{ .Release.Namespace }} -o jsonpath="{.spec.ports[0].nodePort}" services {{ include "c.fullname" . }})
{{- end }}
'''

# ----------------------------------------------------------- expressions ---
M = [".Values.extra", ".Values.extra2", ".Values.resources", ".Values.affinity",
     ".Values.nodeSelector", ".Values.podAnnotations", ".Values.podLabels",
     ".Values.config", ".Values.image", ".Values.global", ".Values.service",
     ".Values.podSecurityContext", "(dict)", '(dict "a" 1 "b" (list 1 2))',
     ".Values.commonLabels", ".Values"]
L = [".Values.tolerations", ".Values.env", ".Values.nums", ".Values.mixed",
     ".Values.extraVolumes", "(list)", '(list "b" "a" "b")', ".Values.ingress.hosts",
     '(splitList "," .Values.csv)']
S = [".Values.csv", ".Values.tplString", ".Values.image.tag", ".Values.image.repository",
     ".Values.nameOverride", ".Release.Name", ".Chart.Name", ".Chart.AppVersion",
     ".Values.service.type", '(include "c.fullname" .)', '"a-b-c"', '""']
N = [".Values.replicaCount", ".Values.service.port", ".Values.autoscaling.minReplicas",
     ".Values.autoscaling.targetCPU", "(first .Values.nums)", ".Values.image.tag",
     ".Values.autoscaling.maxReplicas", "3", "1.5", ".Release.Revision"]
ANY = M + L + S + N + [".Values.missing", ".Values.extra.a", ".Values.extra.b",
                       "(index .Values.mixed 0)", "nil", ".Values.pdb.minAvailable"]

EXPRS = [
    'default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-"',
    'include "c.fullname" .', 'include "c.name" .', 'include "c.chart" .',
    'printf "%s-%s" (include "c.fullname" .) "metrics" | trunc 63 | trimSuffix "-"',
    'include "c.labels" . | fromYaml', 'include "c.selectorLabels" . | fromYaml | toJson',
    'tpl (toYaml {M}) $', 'tpl {S} .', 'tpl (toString {A}) $',
    'include "common.tplvalues.render" (dict "value" {A} "context" $)',
    'include "common.tplvalues.render" (dict "value" {M} "context" $ "scope" .Values.image)',
    'include "common.images.image" (dict "imageRoot" .Values.image "global" .Values.global)',
    'include "common.images.pullSecrets" (dict "images" (list .Values.image) "global" .Values.global)',
    'include "common.storage.class" (dict "persistence" (dict "storageClass" {S}) "global" .Values.global)',
    'include "common.capabilities.policy.apiVersion" .',
    'toYaml {A}', 'toYaml {A} | nindent 4', 'toYaml {A} | indent 2', 'toJson {A}',
    'toPrettyJson {A}', 'toRawJson {A}', 'fromJson (toJson {A})', 'fromYaml (toYaml {M})',
    'fromYamlArray (toYaml {L})', 'fromJsonArray (toJson {L})',
    'merge (deepCopy {M}) {M}', 'mergeOverwrite (deepCopy {M}) {M}',
    'merge (dict) {M} {M} | toYaml', 'mergeOverwrite (dict "a" (dict "x" 1)) {M}',
    'deepCopy {A}', 'omit {M} "a" "name"', 'pick {M} "a" "b" "cpu"',
    'dig "a" "b" "dflt" {M}', 'dig "limits" "cpu" "" {M}', 'hasKey {M} "a"',
    'empty {A}', 'coalesce {A} {A} "fallback"', 'ternary "yes" "no" (empty {A})',
    'ternary {A} {A} true', 'required "value is required" {A}',
    '.Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget"',
    '.Capabilities.APIVersions.Has "monitoring.coreos.com/v1"',
    'semverCompare ">=1.21-0" .Capabilities.KubeVersion.GitVersion',
    'semverCompare "<1.19" .Capabilities.KubeVersion.Version',
    'semverCompare ">=1.0.0" (toString {A})', '.Capabilities.KubeVersion.Minor',
    '.Capabilities.KubeVersion.Major | int', 'include "common.capabilities.kubeVersion" .',
    'include (print $.Template.BasePath "/configmap.yaml") . | sha256sum',
    'toYaml {A} | sha256sum | trunc 8', 'toString {A} | b64enc', 'b64enc (toJson {A})',
    'lookup "v1" "Secret" .Release.Namespace "x"', '(lookup "v1" "ConfigMap" "ns" "n").data',
    'lookup "v1" "Pod" "" ""', 'empty (lookup "apps/v1" "Deployment" .Release.Namespace "d")',
    'quote {A}', 'squote {A}', '{A}', 'print {A}', 'printf "%v" {A}', 'printf "%d" {A}',
    'printf "%s" {A}', 'printf "%q" {A}', 'printf "%v:%v" {A} {A}',
    'int {A}', 'int64 {A}', 'float64 {A}', 'toString {A}', 'atoi (toString {A})',
    'int {N} | add 1', 'add1 {N}', 'mul {N} 2', 'div {N} 2', 'max {N} 1', 'min {N} 10',
    'sub {N} 1', 'mod (int {N}) 3', 'addf {N} 0.5', 'mulf {N} 2', 'divf {N} 3',
    'ceil {N}', 'floor {N}', 'round {N} 1', 'toString {N} | int', 'float64 {N} | int64',
    '{N} | toString | quote', 'toDecimal {N}', 'int (toString {N})',
    'printf "%s/%s:%s" .Values.image.registry .Values.image.repository .Values.image.tag',
    'printf "%s/%s:%s" .Values.image.registry .Values.image.repository (.Values.image.tag | toString)',
    'printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag)',
    'printf "%s@%s" .Values.image.repository .Values.image.digest',
    'regexReplaceAll "[^a-z0-9-]" (lower {S}) "-"', 'regexReplaceAll "(.)-(.)" {S} "${2}_${1}"',
    'regexMatch "^[a-z]+$" {S}', 'regexFind "[0-9]+" {S}', 'regexFindAll "[a-z]" {S} 2',
    'regexSplit "," {S} -1', 'splitList "," {S} | uniq | sortAlpha | join ","',
    'splitList "," {S} | compact', 'split "," {S}', '(split "," {S})._0',
    'join "," {L}', 'uniq {L}', 'sortAlpha {L}', 'list {A} {A} | toJson',
    'append {L} {A}', 'prepend {L} "first"', 'concat {L} {L}', 'first {L}', 'last {L}',
    'rest {L}', 'initial {L}', 'has {A} {L}', 'without {L} "a"', 'reverse {L}',
    'kindIs "map" {A}', 'kindIs "slice" {A}', 'kindIs "string" {A}', 'kindIs "float64" {A}',
    'kindIs "int64" {A}', 'kindOf {A}', 'typeIs "string" {A}', 'typeOf {A}', 'typeIsLike "[]interface {}" {A}',
    'keys {M} | sortAlpha', 'values {M} | len', 'len {A}', 'get {M} "a"', 'set (deepCopy {M}) "new" 1',
    'unset (deepCopy {M}) "a"', 'pluck "a" {M} {M}', 'dict "context" $ "value" {A} | len',
    'include "c.dictTable" (dict "value" {M} "prefix" "-")',
    '.Files.Get "files/a.conf"', '.Files.Get "files/missing"', '(.Files.Glob "files/*").AsConfig',
    '(.Files.Glob "files/*.secret").AsSecrets', '.Files.Lines "files/raw.txt"',
    '.Files.Glob "files/*" | len', 'range $p, $_ := .Files.Glob "files/**"',
    '.Files.AsConfig',
    '.Values.global.imageRegistry | default .Values.image.registry',
    '(.Values.global).imageRegistry', '((.Values.global).imagePullSecrets) | toJson',
    'default (list) .Values.global.imagePullSecrets', 'contains .Chart.Name .Release.Name',
    'trunc 63 {S}', 'trunc -5 {S}', 'trimSuffix "-" {S}', 'trimPrefix "v" {S}', 'upper {S}',
    'title {S}', 'camelcase {S}', 'kebabcase {S}', 'snakecase {S}', 'abbrev 5 {S}',
    'nospace {S}', 'replace "." "-" {S}', 'contains "-" {S}', 'hasPrefix "v" {S}',
    'trim {S}', 'repeat 2 {S}', 'substr 0 3 {S}', 'wrapWith 5 "\\n" {S}', 'cat {A} {A}',
    'indent 2 {S}', 'nindent 2 {S}', 'sha256sum {S}', 'sha1sum {S}', 'adler32sum {S}',
    'semver (toString {A})', '(semver "1.2.3").Major', 'toStrings {L}',
    'eq {A} {A}', 'eq (toString {A}) "1"', 'ne {N} 0', 'gt (int {N}) 1', 'lt {N} 1.5',
    'and {A} {A}', 'or {A} {A}', 'not {A}', 'default "d" {A}', 'default 0 {A}',
    'default (dict) {A} | toYaml', 'coalesce {A} (dict "a" 1)', 'all {A} {A}', 'any {A} nil',
    'index {M} "a"', 'index {L} 0', 'toYaml (list {A})', 'toYaml (dict "k" {A})',
    'toYaml .Values.resources | nindent 12', 'toYaml .Values.env', 'toYaml .Values.affinity',
    'randAlphaNum 8 | len', 'randAlphaNum 12 | b64enc | len', 'uuidv4 | len',
    'include "c.warnings" .', 'tpl "{{ .Release.Name }}-{{ .Values.image.tag }}" $',
    'tpl "{{ include \\"c.fullname\\" . }}" .', 'tpl "{{ $.Values.tplString }}" .',
    'tpl .Values.tplString (dict "Values" .Values "Release" .Release "Template" .Template "Chart" .Chart)',
    'fromYaml (tpl (toYaml .Values.podAnnotations) $)', 'fromYaml "a: [1"', 'fromJson "{bad"',
    'fromYaml {S}', 'fromJson {S}', 'toYaml (fromYaml (include "c.labels" .))',
    'urlParse "http://u:p@host:8080/p?q=1#f"', 'base {S}', 'dir {S}', 'ext {S}', 'clean {S}',
    'sortAlpha (keys .Values)', 'list .Values.replicaCount .Values.service.port | toJson',
    '(dict "port" .Values.service.port "n" .Values.replicaCount) | toJson',
    '(dict "port" .Values.service.port) | toYaml', 'toString .Values.service.port | atoi',
    'int .Values.service.port | toString', '.Values.service.port | int64 | printf "%d"',
    'mustMerge (dict) {M}', 'mustToJson {A}', 'mustFromJson (toJson {A})',
    'get (dict "a" {A}) "a" | toYaml', 'hasKey (default (dict) {A}) "a"',
    'include "common.tplvalues.merge" (dict "values" (list {M} {M}) "context" $)',
    'include "common.tplvalues.merge" (dict "values" (list .Values.podLabels .Values.commonLabels) "context" $)',
    'include "common.labels.matchLabels" (dict "customLabels" .Values.podLabels "context" $)',
    'include "common.labels.matchLabels" .',
    'include "common.affinities.pods.soft" (dict "component" "web" "customLabels" .Values.commonLabels "context" $)',
    'include "common.affinities.pods.soft" (dict "extraPodAffinityTermLabels" {M} "context" $ "weight" {N})',
    'include "c.envFromMap" {M}', 'include "c.envFromMap" .Values.config | fromYamlArray',
    'include "c.subContext" (dict "Values" .Values.extra "Release" $.Release "Chart" $.Chart)',
    'range $i, $p := until (max 0 (min 5 (int .Values.replicaCount)) | int)',
    'range $k, $p := .Values.extra', 'range $i, $p := splitList "," .Values.csv',
    'semverCompare ">=1.21-0" (default .Capabilities.KubeVersion.Version .Values.kubeTargetVersionOverride)',
    '(.Values.global).rbac', 'hasKey .Values "installCRDs"', 'and (hasKey .Values.pdb "create") .Values.pdb.create',
    'tpl (toYaml .Values.extra | indent 4) $', 'tpl (toYaml {M}) . | fromYaml | toJson',
    '.Files.GetBytes "files/a.conf" | len', 'toString (.Files.GetBytes "files/a.conf")',
    '(.Files.Glob "files/sub/*").AsConfig', '(.Files.Glob "files/**.conf").AsSecrets',
    '.Files.Get "files/sub/d.conf" | b64enc', '(.Files.Glob "files/sub/**") | len',
    'printf "%s" {N}', 'printf "%d" {A}', 'printf "%05.1f" {N}', 'printf "%x" {S}',
    'ternary "a" "b" {A}', 'regexReplaceAll "(\\\\w+)-(\\\\w+)" {S} "${2}.$1"',
    'semverCompare ">=1.0" {S}', 'semver {S}', 'cat (toString {N}) "x"',
    # mutations: later templates (and later expressions) see them
    'merge .Values.extra .Values.extra2', 'mergeOverwrite .Values.extra2 .Values.extra .Values.config',
    'set .Values.extra "k" {S}', 'set .Values "tplString" "{{ .Chart.Name }}"',
    'unset .Values.extra "a"', 'set .Values.image "tag" {N}', 'merge .Values.podLabels .Values.extra2',
    'set .Values.service "port" (int {N})', 'set .Values.global "imageRegistry" {S}',
    'deepCopy .Values | merge (dict "replicaCount" 7) | toYaml',
    'mergeOverwrite (deepCopy .Values.resources) (dict "limits" (dict "cpu" 2))',
    'include "common.tplvalues.render" (dict "value" .Values.podAnnotations "context" $) | fromYaml',
    'tpl (toYaml .Values.extraVolumes) $ | fromYamlArray',
    'list .Values.image.registry .Values.image.repository | compact | join "/"',
    'printf "%s:%v" .Values.image.repository .Values.image.tag',
    'printf "%v" .Values.replicaCount', 'printf "%d" (int64 .Values.replicaCount)',
    'printf "%.2f" (float64 .Values.replicaCount)', 'printf "%g" {N}', 'printf "%s" (toString {N})',
    'toString {N} | quote', '{N} | quote', 'float64 {N} | toString', 'int64 {N} | toString',
    'toJson (dict "n" {N})', 'toYaml (dict "n" {N})', 'add {N} {N}', 'mul {N} {N}',
    'eq .Values.replicaCount 1.0', 'eq (int .Values.replicaCount) 1', 'ge .Values.replicaCount 2.0',
    'semverCompare "^1.2" {S}', 'semverCompare ">=1.21-0" (include "common.capabilities.kubeVersion" .)',
    'regexReplaceAll "^v" (toString .Values.image.tag) ""', 'sha256sum (toYaml .Values.config) | trunc 10',
    'include "c.labels" . | indent 4', 'include "c.selectorLabels" . | fromYaml | keys | sortAlpha',
    '.Release.IsInstall', '.Release.IsUpgrade', '.Release.Revision | toString', '.Release.Service',
    '.Chart.Version | replace "+" "_"', '.Chart.IsRoot', '.Template.Name', '.Template.BasePath',
    '.Capabilities.KubeVersion', '.Capabilities.KubeVersion.GitVersion | trimPrefix "v"',
    '.Capabilities.HelmVersion.Version | semverCompare ">=3.0.0"',
]


# Operands of the right type, picked most of the time so that a round gets
# past its first expressions (any value of the wrong type fails the render).
M_OK = [".Values.extra", ".Values.extra2", "(dict)", '(dict "a" 1 "b" (list 1 2))',
        ".Values.service", ".Values.ingress", ".Values.pdb", ".Values.metrics",
        ".Values.autoscaling", '(dict "a" (dict "b" .Values.replicaCount))']
L_OK = ["(list)", '(list "b" "a" "b")', '(splitList "," .Values.csv)',
        ".Values.ingress.hosts", '(list .Values.replicaCount "x" nil)',
        '(.Values.nums | default list)']
S_OK = [".Values.csv", ".Release.Name", ".Chart.Name", '(include "c.fullname" .)',
        '"a-b-c"', '""', '(toString .Values.image.tag)', ".Values.service.type",
        '"v1.2.3"', '"My_App.Name!"', '(toString .Values.tplString)', ".Release.Namespace"]


# Idioms that fail on purpose: the error text and its location (inside
# include, tpl, nested defines) must be helm's.
ERR_EXPRS = [
    'required "image.tag is required" .Values.missing',
    'required (printf "%s needs a value" "x") .Values.extra.nope',
    'tpl "{{ required \\"inner\\" .Values.missing }}" $', 'tpl "{{ fail \\"boom\\" }}" $',
    'tpl "{{ .Values.missing.x.y }}" $', 'tpl "{{ include \\"nope\\" . }}" $',
    'tpl "{{ template \\"nope\\" . }}" $', 'tpl "{{ end }}" $', 'tpl "{{ .Values.x" $',
    'include "c.fail" .', 'include "c.failDeep" .', 'include "nope" .',
    'tpl "{{ include \\"c.fail\\" . }}" $', 'fail (printf "bad value %v" {A})',
    'include "common.resources.preset" (dict "type" "huge")',
    'tpl (toYaml (dict "a" "{{ fail \\"in yaml\\" }}")) $', 'index {M} "a" "b"',
    '.Values.missing.deeper', 'int (dict)', 'mustMerge {M} "x"', 'tpl "{{ $x }}" $',
    'include "c.fullname" (dict)', 'tpl "{{ include \\"c.fullname\\" . }}" (dict)',
    'toYaml (include "c.fail" .)', 'tpl "{{ tpl \\"{{ fail \\\\\\\"nested\\\\\\\" }}\\" . }}" $',
]


def expr():
    e = R.choice(ERR_EXPRS if R.random() < 0.03 else EXPRS)

    def sub(m):
        ok = {"M": M_OK, "L": L_OK, "S": S_OK, "N": N, "A": ANY}[m.group(1)]
        loose = {"M": M, "L": L, "S": S, "N": N, "A": ANY}[m.group(1)]
        return R.choice(ok if R.random() < 0.85 else loose)
    return re.sub(r"\{([MLSNA])\}", sub, e)


def snippets(n):
    """A ConfigMap of idiom expressions, each printed three ways."""
    out = ["apiVersion: v1", "kind: ConfigMap", "metadata:",
           "  name: {{ include \"c.fullname\" . }}-snippets", "data:"]
    for i in range(n):
        e = expr()
        if e.startswith("range"):
            out += ["  r%d: |" % i, "    {{- %s }}" % e, "    {{ $p | toJson }}",
                    "    {{- end }}"]
            continue
        w = R.random()
        if w < 0.4:
            out.append("  # s%d {{ print (%s) | replace \"\\n\" \"<nl>\" }}" % (i, e))
            out.append("  j%d: {{ toJson (%s) | quote }}" % (i, e))
        elif w < 0.6:
            out.append("  b%d: |" % i)
            out.append("    {{- %s | toString | nindent 4 }}" % e)
        elif w < 0.8:
            out.append("  v%d: {{ $v := %s }}{{ $v | toJson | quote }}" % (i, e))
        else:
            out.append("  w%d: {{ with %s }}{{ . | toString | quote }}{{ else }}\"empty\"{{ end }}"
                       % (i, e))
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------ chart --
def chart_yaml():
    name = R.choice(["c", "myapp", "nginx", "my-app", "app"])
    lines = ["apiVersion: v2", "name: " + name,
             "version: " + R.choice(["0.1.0", "1.2.3+build.1", "10.0.0-rc.1", "1.0.0"])]
    if R.random() < 0.85:
        lines.append("appVersion: " + R.choice(['"1.16.0"', "1.16.0", '"v2"', "1.0",
                                                 '"latest"', "2", '""']))
    if R.random() < 0.2:
        lines.append('kubeVersion: ">=1.19.0-0"')
    return name, "\n".join(lines) + "\n"


def write_chart(tmp, nexpr):
    chart = os.path.join(tmp, "c")
    t = os.path.join(chart, "templates")
    os.makedirs(t)
    os.makedirs(os.path.join(chart, "files/sub/deeper"))
    name, cy = chart_yaml()
    files = {"Chart.yaml": cy, "values.yaml": values_yaml(),
             "templates/_helpers.tpl": HELPERS,
             "templates/snippets.yaml": snippets(nexpr),
             "files/a.conf": R.choice(["k=v\n", "x: {{ .Release.Name }}\n", "", "a\nb"]),
             "files/b.conf": "server {\n  listen 80;\n}\n",
             "files/sub/d.conf": R.choice(["d=1\n", "{{ .Release.Name }}"]),
             "files/sub/deeper/e.txt": "e",
             "files/c.secret": R.choice(["s3cr3t", "pa:ss\n", ""]),
             "files/raw.txt": R.choice(["line1\nline2\n", "one", "\n\n", "é\tx\n"])}
    for fname, text, p in (("deployment.yaml", DEPLOY, 0.8), ("configmap.yaml", CONFIGMAP, 1),
                           ("secret.yaml", SECRET, 0.6), ("pdb.yaml", PDB, 0.6),
                           ("ingress.yaml", INGRESS, 0.6), ("servicemonitor.yaml", SM, 0.4),
                           ("hpa.yaml", HPA, 0.4), ("NOTES.txt", NOTES, 0.5)):
        if R.random() < p:
            files["templates/" + fname] = text
    for fname, text in files.items():
        with open(os.path.join(chart, fname), "w") as f:
            f.write(text)
    rel = R.choice(["t", "rel", "my-release", name, name + "-prod", "prod-" + name,
                    "r" * 53, "x" * 40 + "-" + name])
    return chart, rel


MASKS = [(re.compile(rb'(password: )"[A-Za-z0-9+/=]+"'), rb'\1"<rand>"')]


def mask(b):
    for rx, rep in MASKS:
        b = rx.sub(rep, b)
    return b


def run(tool, rel, chart, args):
    try:
        p = subprocess.run([tool, "template", rel, chart] + args, capture_output=True,
                           timeout=60, env=dict(os.environ, TZ="UTC"))
    except subprocess.TimeoutExpired:
        return (None, b"", b"timeout")
    return p.returncode, mask(p.stdout), mask(p.stderr)


def varies(helm, rel, chart, args, a, b):
    """Whether helm's own output varies (Go's map order: the order of
    coalesce warnings, for one): helm rerun gives b, or not a."""
    for _ in range(4):
        c = run(helm, rel, chart, args)
        if c == b or c != a:
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("-x", type=int, default=12, help="idiom expressions a round")
    ap.add_argument("--out", default="/tmp/idioms_diff")
    ap.add_argument("--hm", default="build/release/bin/hm")
    ap.add_argument("--helm", default=os.path.expanduser("~/.cache/kz-reference/bin/helm"))
    ap.add_argument("-v", dest="verbose", action="store_true", help="list helm's most common errors")
    o = ap.parse_args()
    seed = o.seed if o.seed is not None else R.randrange(1 << 30)
    os.makedirs(o.out, exist_ok=True)
    diffs = errs = flaky = 0
    msgs = {}
    for i in range(o.n):
        R.seed(seed + i)
        tmp = tempfile.mkdtemp(prefix="id")
        try:
            chart, rel = write_chart(tmp, R.randint(1, o.x))
            args = overrides(tmp)
            a = run(o.helm, rel, chart, args)
            b = run(o.hm, rel, chart, args)
            if a[0]:
                errs += 1
                m = re.sub(r"\d+", "N", a[2].decode(errors="replace").replace(tmp, ""))[-160:].strip()
                msgs[m] = msgs.get(m, 0) + 1
            if a != b and varies(o.helm, rel, chart, args, a, b):
                flaky += 1
                print("FLAKY seed=%d (helm's output varies)" % (seed + i), flush=True)
                continue
            if a != b:
                diffs += 1
                d = os.path.join(o.out, "case%d" % (seed + i))
                shutil.rmtree(d, ignore_errors=True)
                shutil.copytree(tmp, d)
                with open(os.path.join(d, "args"), "w") as f:
                    f.write("\n".join([rel] + [x.replace(tmp, d) for x in args]) + "\n")
                for tag, r in (("helm", a), ("hm", b)):
                    for ext, data in (("out", r[1]), ("err", r[2])):
                        with open(os.path.join(d, tag + "." + ext), "wb") as f:
                            f.write(data.replace(tmp.encode(), d.encode()))
                    with open(os.path.join(d, tag + ".code"), "w") as f:
                        f.write("%s\n" % r[0])
                print("DIFF seed=%d -> %s (code %s/%s)" % (seed + i, d, a[0], b[0]), flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if o.verbose:
        for m, k in sorted(msgs.items(), key=lambda x: -x[1])[:25]:
            print("%5d %s" % (k, m))
    print("rounds=%d seed=%d diffs=%d flaky=%d helm-errors=%d" % (o.n, seed, diffs, flaky, errs))


if __name__ == "__main__":
    sys.exit(main())
