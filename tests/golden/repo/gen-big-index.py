#!/usr/bin/env python3
"""Writes a big index.yaml (default 2,000 charts x 50 versions) to stdout, for
timing index loading and search (kz vs helm): gen-big-index.py [CHARTS [VERSIONS]]."""
import sys
charts = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
versions = int(sys.argv[2]) if len(sys.argv) > 2 else 50
w = sys.stdout.write
w("apiVersion: v1\nentries:\n")
for c in range(charts):
    name = f"chart-{c:04d}"
    w(f"  {name}:\n")
    for v in range(versions):
        ver = f"{v // 10}.{v % 10}.{c % 7}"
        w(f"""  - apiVersion: v2
    appVersion: "{v}.0"
    created: "2024-01-02T03:04:05.{v:06d}Z"
    description: Chart number {c} version {ver}, a generated chart for benchmarks
    digest: {c:032x}{v:032x}
    home: https://example.com/{name}
    keywords:
    - bench
    - k{c % 13}
    maintainers:
    - email: dev{c}@example.com
      name: Dev {c}
    name: {name}
    sources:
    - https://github.com/example/{name}
    urls:
    - https://example.com/charts/{name}-{ver}.tgz
    version: {ver}
""")
w('generated: "2024-01-02T03:04:05Z"\n')
