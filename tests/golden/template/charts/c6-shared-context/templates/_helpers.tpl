{{- define "sc.mode" -}}
{{- if .Values.server.ha -}}
{{- $_ := set . "mode" "ha" -}}
{{- else -}}
{{- $_ := set . "mode" "standalone" -}}
{{- end -}}
{{- end -}}
