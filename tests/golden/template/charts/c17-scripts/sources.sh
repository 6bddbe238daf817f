#!/bin/sh
cat >/dev/null
printf -- "---\n# Source: /y\n# Source: c/x.yaml\n---\n# Source: a/\nb/c\n---\n# Source: abc\ndef/ghi\n---\nk: v # Source: q/r\n---\n# Source: # Source: a/b\n---\n# Source: a/\n"
