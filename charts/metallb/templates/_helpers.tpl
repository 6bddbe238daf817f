{{/* Labels shared by every object; component-specific ones are added by the caller. */}}
{{- define "metallb.labels" -}}
app: metallb
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "metallb.image" -}}
{{ .image }}:{{ .tag | toString }}
{{- end -}}
