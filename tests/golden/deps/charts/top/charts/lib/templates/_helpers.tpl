{{- define "lib.hello" }}hello{{ end }}
