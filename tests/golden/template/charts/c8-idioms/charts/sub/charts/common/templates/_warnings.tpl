{{- define "common.warnings.rollingTag" -}}
{{- if and (contains "bitnami/" .repository) (not (.tag | toString | regexFind "-r\\d+$|sha256:")) }}
WARNING: Rolling tag detected ({{ .repository }}:{{ .tag }}), please note that it is strongly recommended to avoid using rolling tags in a production environment.
{{- end }}
{{- end -}}
{{- define "common.warnings.resources" -}}
{{- $values := .sections -}}
{{- $missing := list -}}
{{- range .sections -}}
{{- if not (index $.context.Values . "resources") -}}
{{- $missing = append $missing . -}}
{{- end -}}
{{- end -}}
{{- if $missing }}
WARNING: resources not set for: {{ join ", " $missing }}
{{- end -}}
{{- end -}}
