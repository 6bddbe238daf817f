{{/* Helpers in the style of bitnami's common chart (written for this benchmark). */}}
{{- define "fb.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fb.fullname" -}}
{{- $name := include "fb.name" . -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Render a value that may hold templates: strings through tpl, the rest through toYaml then tpl. */}}
{{- define "fb.tplvalues.render" -}}
{{- $value := typeIs "string" .value | ternary .value (.value | toYaml) -}}
{{- if contains "{{" (toJson .value) -}}
{{- tpl $value .context -}}
{{- else -}}
{{- $value -}}
{{- end -}}
{{- end -}}

{{/* Merge several label maps, later ones losing to earlier ones, rendered as YAML. */}}
{{- define "fb.tplvalues.merge" -}}
{{- $dst := dict -}}
{{- range .values -}}
{{- $dst = include "fb.tplvalues.render" (dict "value" . "context" $.context) | fromYaml | merge $dst -}}
{{- end -}}
{{- $dst | toYaml -}}
{{- end -}}

{{- define "fb.labels.standard" -}}
{{- $default := dict "app.kubernetes.io/name" (include "fb.name" .context) "helm.sh/chart" (printf "%s-%s" .context.Chart.Name .context.Chart.Version) "app.kubernetes.io/instance" .context.Release.Name "app.kubernetes.io/managed-by" .context.Release.Service -}}
{{- with .context.Chart.AppVersion -}}
{{- $_ := set $default "app.kubernetes.io/version" . -}}
{{- end -}}
{{- include "fb.tplvalues.merge" (dict "values" (list .customLabels $default) "context" .context) -}}
{{- end -}}

{{- define "fb.labels.matchLabels" -}}
{{- $labels := pick (include "fb.labels.standard" . | fromYaml) "app.kubernetes.io/name" "app.kubernetes.io/instance" -}}
{{- toYaml $labels -}}
{{- end -}}

{{- define "fb.images.image" -}}
{{- $registry := .global.imageRegistry | default "docker.io" -}}
{{- printf "%s/%s:%s" $registry .image.repository (.image.tag | toString) -}}
{{- end -}}
