{{/* vim: set filetype=mustache: */}}
{{- define "app.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "app.fullname" -}}
{{- include "common.names.fullname" . -}}
{{- end -}}

{{- define "app.labels" -}}
{{ include "common.labels.standard" . }}
{{- with .Values.commonLabels }}
{{ tpl (toYaml .) $ }}
{{- end }}
{{- end -}}

{{- define "app.image" -}}
{{ include "common.images.image" (dict "imageRoot" .Values.image "global" .Values.global "chart" .Chart) }}
{{- end -}}

{{- define "app.serviceMonitor.enabled" -}}
{{- if and .Values.metrics.enabled .Values.metrics.serviceMonitor.enabled (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1") -}}
true
{{- end -}}
{{- end -}}

{{- define "app.env" -}}
{{- range $k, $v := .Values.config }}
- name: {{ $k | upper }}
  value: {{ tpl (toString $v) $ | quote }}
{{- end }}
{{- end }}
