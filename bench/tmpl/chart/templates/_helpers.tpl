{{- /* Helpers print at the labels' indentation (4 spaces): Sprig's nindent isn't ours yet. */ -}}
{{- define "benchapp.labels" -}}
app.kubernetes.io/name: {{ .name }}
    app.kubernetes.io/component: {{ if eq (index .env 0 "value") "debug" }}debug{{ else }}service{{ end }}
{{- end -}}

{{- define "benchapp.ports" }}
            - name: http
              containerPort: {{ .port }}
              protocol: TCP
{{- end -}}
