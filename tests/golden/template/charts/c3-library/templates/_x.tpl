{{- define "c3-library.x" }}x{{ end }}
