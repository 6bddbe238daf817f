#!/usr/bin/env python3
"""Differential fuzzing of `hm lint` against the reference `helm lint`.

A dev tool (tests never call helm). Each round writes one to three random
charts with random defects: Chart.yaml (name missing, empty, invalid or not
the folder's; version not SemVer or not a string; apiVersion missing, v1, v2,
v3; type invalid; kubeVersion constraints; icon missing or not a URL;
maintainers and dependencies malformed; deprecated; unknown fields; wrong
types; invalid YAML), values.yaml (invalid YAML, not a map, empty),
values.schema.json (valid, violated, invalid JSON), templates (parse and
execution errors, `required`, `fail`, rendered text that is not YAML or has
no kind/apiVersion, deprecated APIs, bad metadata.name and label values,
NOTES.txt, _helpers.tpl, non-YAML files, no templates folder, a file named
templates), subcharts with their own defects, .tgz archives and missing
paths. Then random flags: --strict, --quiet, --with-subcharts,
--kube-version, -f, --set, --namespace, --skip-schema-validation. It runs
`hm lint ARGS` first, then `helm lint ARGS`, and compares stdout, stderr and
the exit code; a difference is checked by more helm runs (Go's map order
makes some of helm's output vary). Real differences are saved under --out,
one folder a case (the charts, the arguments, both outputs).

    tests/fuzz/lint_diff.py [-n ROUNDS] [--seed S] [--out DIR]
        [--hm build/release/bin/hm] [--helm ~/.cache/kz-reference/bin/helm]
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HELM = os.path.expanduser("~/.cache/kz-reference/bin/helm")


def pick(*choices):
    return random.choice(choices)


ODD = 0.25  # how often a field takes one of its odd values (--odd)


def odd(good, *bad):
    """`good` mostly, now and then one of the odd values."""
    return random.choice(bad) if random.random() < ODD else good


# ---- Chart.yaml ----

NAMES = ["c", "c", "c", "", "Bad_Name", "a/b", "..", "my-chart", "chart.v1", "1", "x y", "UPPER"]
VERSIONS = ["0.1.0", "0.1.0", "1.0.0", "1.0", "v1.2.3", "abc", "1.0.0-rc.1+b", "", "01.0.0",
            "1.2.3.4", "2", "0.1.0 "]
APIS = ["v2", "v2", "v2", "v1", "v1", "v3", "", "V2", "2"]


def yq(s):
    """A YAML scalar: the string as JSON (a valid YAML string) or bare."""
    return json.dumps(s) if random.random() < 0.5 or s == "" else s


def chart_yaml(name):
    if random.random() < 0.03:
        return pick("name: [unclosed\n", "\tname: x\n", ": :\n- a\n", "- a\n- b\n", "just text\n", "",
                    "name: a\nname: b\n", "version: 1\nversion: 2\n")
    lines = []
    if random.random() < 0.93:
        api = pick(*APIS)
        lines.append("apiVersion: %s" % (yq(api) if api else '""') if random.random() < 0.95 else "apiVersion:")
    if random.random() < 0.95:
        n = name if random.random() < 0.8 else pick(*NAMES)
        lines.append("name: %s" % (yq(n) if n else pick('""', "", "~")))
    if random.random() < 0.95:
        v = pick(*VERSIONS) if random.random() < 0.3 else "0.1.0"
        if random.random() < 0.05:
            lines.append("version: %s" % pick("1", "1.5", "true", "[1]", "{a: 1}", "null"))
        else:
            lines.append("version: %s" % (json.dumps(v) if random.random() < 0.7 or not v else v))
    extra = [
        lambda: "appVersion: %s" % odd('"1.0"', "1.0", "1", "true", "v1", "[1]"),
        lambda: "description: %s" % odd("d", '""', "1", "[a]"),
        lambda: "type: %s" % odd("application", "library", "weird", '""', "Application", "1"),
        lambda: "kubeVersion: %s" % pick('">=1.20.0"', '"<1.10"', '"not a range"', '">= 1.20.0-0"',
                                         '"~1.30"', odd('""', "1"), '"^1.2 || >=2"'),
        lambda: "icon: %s" % odd("https://example.com/i.png", "x", '""', "ftp://a", "/abs/path.png",
                                  "http://", "https://a b", "1", "http://a%zz"),
        lambda: "deprecated: %s" % odd("true", "false", '"yes"', "1"),
        lambda: "home: %s" % odd("https://x", "nope", "1"),
        lambda: "sources:\n" + "".join("  - %s\n" % pick("https://github.com/x", "nope", '""', "1", "http://a")
                                       for _ in range(random.randint(1, 2))).rstrip("\n"),
        lambda: "keywords: %s" % odd("[a, b]", "a", "[1]", "{}"),
        lambda: "annotations: %s" % odd("{a: b}", "{a: 1}", "a", "[a]"),
        lambda: "maintainers:\n" + "\n".join(maintainer() for _ in range(random.randint(1, 2))),
        lambda: "maintainers: %s" % odd("[]", "x", "[x]", "{}", "1"),
        lambda: "dependencies:\n" + "\n".join(dependency() for _ in range(random.randint(1, 2))),
        lambda: "dependencies: %s" % odd("[]", "x", "[x]", "{}", "[1]"),
        lambda: "%s: %s" % (pick("unknown", "foo", "Name", "engine"), pick("1", "x", "[a]", "{a: b}")),
        lambda: "tillerVersion: %s" % pick('">=2.0"', "x"),
    ]
    for f in random.sample(extra, random.randint(0, 4)):
        lines.append(f())
    random.shuffle(lines) if random.random() < 0.2 else None
    return "\n".join(lines) + "\n"


def maintainer():
    fields = []
    if random.random() < 0.8:
        fields.append("name: %s" % odd("me", '""', "1", "[a]"))
    if random.random() < 0.5:
        fields.append("email: %s" % odd("me@example.com", "nope", '""', "a@b", "<a@b.c>", "a b@c.d", "1"))
    if random.random() < 0.4:
        fields.append("url: %s" % odd("https://x.io", "nope", '""', "1", "http://a b"))
    if random.random() < ODD / 5:
        return "  - %s" % pick("x", "1", "[a]", "null")
    if not fields:
        return "  - {}"
    return "  - " + "\n    ".join(fields)


def dependency():
    if random.random() < ODD / 5:
        return "  - %s" % pick("x", "1", "null", "[a]")
    fields = []
    if random.random() < 0.9:
        fields.append("name: %s" % odd("sub", "sub", "missing", '""', "1"))
    if random.random() < 0.8:
        fields.append("version: %s" % odd('"0.1.0"', '"~0.1"', '"not"', "1", '">=0.0.1"'))
    if random.random() < 0.5:
        fields.append("repository: %s" % odd('"file://charts/sub"', '"https://x"', '""', "1", '"@x"'))
    if random.random() < 0.2:
        fields.append("alias: %s" % odd("al", "Bad_Alias", '""', "1"))
    if random.random() < 0.15:
        fields.append("condition: %s" % odd("sub.enabled", "1", '""'))
    if random.random() < 0.1:
        fields.append("tags: %s" % odd("[a]", "a", "[1]"))
    if not fields:
        return "  - {}"
    return "  - " + "\n    ".join(fields)


# ---- values ----

def values_yaml():
    r = random.random()
    if r < 0.05:
        return pick("a: [unclosed\n", "- a\n- b\n", "just text\n", "1\n", "true\n", "a: 1\na: 2\n",
                    "\ta: 1\n", "a:\n  - b\n c: 1\n")
    if r < 0.1:
        return pick("", "# c\n", "---\n", "null\n", "~\n")
    lines = ["name: %s" % pick("web", "Web_App", "x" * 70, '""', "1"),
             "replicas: %s" % pick("1", "0", '"2"', "-1", "1.5")]
    if random.random() < 0.5:
        lines.append("req: %s" % pick("x", '""', "null"))
    if random.random() < 0.3:
        lines += ["image:", "  tag: %s" % pick("latest", "1.0", "")]
    if random.random() < 0.3:
        lines += ["sub:", "  enabled: %s" % pick("true", "false"), "  x: %s" % pick("1", "a")]
    if random.random() < 0.2:
        lines += ["global:", "  g: %s" % pick("1", "a", "{}")]
    return "\n".join(lines) + "\n"


def schema_json():
    if random.random() < 0.1:
        return pick("{", "not json", "[]", "1", "", '{"type": "nope"}', '{"properties": 1}')
    props = {}
    for k in random.sample(["name", "replicas", "req", "image", "missing"], random.randint(1, 3)):
        props[k] = pick({"type": "string"}, {"type": "integer", "minimum": 1}, {"type": "object"},
                        {"type": "string", "pattern": "^[a-z]+$"}, {"enum": ["web", 1]},
                        {"type": ["string", "null"]}, {"type": "string", "maxLength": 3})
    s = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object", "properties": props}
    if random.random() < 0.4:
        s["required"] = random.sample(["name", "replicas", "missing"], random.randint(1, 2))
    if random.random() < 0.1:
        s["additionalProperties"] = False
    return json.dumps(s)


# ---- templates ----

KINDS = [("v1", "ConfigMap"), ("v1", "Service"), ("apps/v1", "Deployment"), ("extensions/v1beta1", "Ingress"),
         ("policy/v1beta1", "PodSecurityPolicy"), ("networking.k8s.io/v1beta1", "Ingress"),
         ("batch/v1beta1", "CronJob"), ("apps/v1beta1", "Deployment"), ("extensions/v1beta1", "Deployment"),
         ("autoscaling/v2beta1", "HorizontalPodAutoscaler"), ("policy/v1beta1", "PodDisruptionBudget"),
         ("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema"), ("v1", "List"), ("example.com/v1", "Foo"),
         ("v1", "Namespace"), ("rbac.authorization.k8s.io/v1", "ClusterRole"), ("v1", "Pod")]
META_NAMES = ["ok", "ok-name", "Upper", "a_b", "x" * 64, "x" * 254, "a.b", "-a", "a-", "{{ .Release.Name }}",
              "{{ .Values.name }}", "", "1", "a..b", "é", "a.b-c"]
LABELS = ["ok", "", "Bad Value", "x" * 64, "-a", "a_b", "a.b", "1", "true", "{{ .Values.name }}"]


def document():
    r = random.random()
    if r < 0.06:
        return pick("a: [unclosed\n", "  bad: indent\nkind: x\n", "kind: ConfigMap\n  x: 1\n", "just text\n",
                    "- a\n- b\n", "apiVersion: v1\n", "kind: ConfigMap\n", "{}\n", "1\n",
                    "apiVersion: v1\nkind: ConfigMap\n", "apiVersion: v1\nkind: ConfigMap\nmetadata: 1\n",
                    "apiVersion: 1\nkind: ConfigMap\nmetadata:\n  name: a\n",
                    "apiVersion: v1\nkind: [a]\nmetadata:\n  name: a\n", "\ta: 1\n",
                    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n")
    api, kind = random.choice(KINDS)
    lines = ["apiVersion: %s" % api, "kind: %s" % kind, "metadata:"]
    if random.random() < 0.92:
        n = pick(*META_NAMES) if random.random() < 0.4 else "ok"
        lines.append("  name: %s" % (json.dumps(n) if n and not n.startswith("{{") and random.random() < 0.5 else
                                     (n if n else '""')))
    if random.random() < 0.2:
        lines.append("  namespace: %s" % pick("default", "Bad_NS", '""', "{{ .Release.Namespace }}"))
    if random.random() < 0.25:
        lines.append("  labels:")
        for _ in range(random.randint(1, 2)):
            lines.append("    %s: %s" % (pick("app", "Bad Key", "a/b", "x" * 70, "app.kubernetes.io/name"),
                                         json.dumps(pick(*LABELS))))
    if random.random() < 0.1:
        lines.append("  annotations:")
        lines.append("    %s: %s" % (pick("helm.sh/hook", "helm.sh/resource-policy", "a"),
                                     pick("crd-install", "keep", "pre-install", "x")))
    if kind == "Deployment" and random.random() < 0.5:
        lines += ["spec:", "  selector: %s" % pick("{}", "null", "{matchLabels: {a: b}}"), "  template: {}"]
    if kind == "List" and random.random() < 0.7:
        lines += ["items:", "  - apiVersion: v1", "    kind: ConfigMap", "    metadata:", "      name: i",
                  "      annotations:", "        helm.sh/resource-policy: %s" % pick("keep", "x")]
    return "\n".join(lines) + "\n"


TEMPLATE_BITS = [
    "{{ required \"req is required\" .Values.req }}",
    "{{ fail \"boom\" }}",
    "{{ .Values.nope.deeper }}",
    "{{ if }}",
    "{{ end }}",
    "{{ template \"nope\" . }}",
    "{{ include \"nope\" . }}",
    "{{ .Release.Time }}",
    "{{ toYaml .Values | nindent 2 }}",
    "{{ .Values.name | quote }}",
    "{{ include \"h.name\" . }}",
    "{{ tpl .Values.name . }}",
    "{{ lookup \"v1\" \"Pod\" \"\" \"\" }}",
    "{{ .Capabilities.KubeVersion.Version }}",
    "{{ .Chart.Name }}",
    "{{ .Release.Namespace }}",
    "{{ .Values.replicas | int | add 1 }}",
    "{{ printf \"%d\" .Values.name }}",
    "{{- /* comment */ -}}",
]


def template_text():
    docs = [document() for _ in range(random.randint(0, 3))]
    text = ""
    for i, d in enumerate(docs):
        if i or random.random() < 0.2:
            text += pick("---\n", "---\n", "--- \n", "---\n# c\n")
        text += d
    if random.random() < 0.35:
        bits = " ".join(random.sample(TEMPLATE_BITS, random.randint(1, 2)))
        text += pick("# %s\n", "%s\n", "data:\n  x: %s\n") % bits
    return text


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def templates(path):
    t = os.path.join(path, "templates")
    r = random.random()
    if r < 0.04:
        return  # no templates folder
    if r < 0.06:
        write(t, "a: 1\n")  # a file named templates
        return
    os.makedirs(t, exist_ok=True)
    if r < 0.1:
        return  # empty
    for i in range(random.randint(1, 3)):
        write(os.path.join(t, "t%d.%s" % (i, pick("yaml", "yaml", "yaml", "yml", "tpl", "txt", "json", "YAML"))),
              template_text())
    if random.random() < 0.3:
        write(os.path.join(t, "_helpers.tpl"),
              pick("{{- define \"h.name\" -}}\n{{ .Chart.Name }}\n{{- end -}}\n", "# no defines\n",
                   "{{ define \"h.name\" }}x{{ end }}\nstray: text\n", "{{ define }}\n", ""))
    if random.random() < 0.2:
        write(os.path.join(t, "NOTES.txt"), pick("notes {{ .Release.Name }}\n", "{{ fail \"n\" }}\n", "{{ if }}\n",
                                                 "{{ .Values.nope.x }}\n"))
    if random.random() < 0.05:
        write(os.path.join(t, "tests", "t.yaml"), document())


def chart(path, name, depth):
    write(os.path.join(path, "Chart.yaml"), chart_yaml(name))
    if random.random() < 0.85:
        write(os.path.join(path, "values.yaml"), values_yaml())
    if random.random() < 0.15:
        write(os.path.join(path, "values.schema.json"), schema_json())
    templates(path)
    if depth == 0 and random.random() < 0.3:
        for sub in random.sample(["sub", "other"], random.randint(1, 2)):
            chart(os.path.join(path, "charts", sub), sub, depth + 1)
    if random.random() < 0.03:
        write(os.path.join(path, "charts", "README.md"), "not a chart\n")


def package(path):
    """Replace a chart folder by its archive (tar, as helm package would be
    refused for broken charts)."""
    dest = os.path.dirname(path)
    base = os.path.basename(path)
    tgz = os.path.join(dest, base + ".tgz")
    subprocess.run(["tar", "-czf", tgz, "-C", dest, base], check=True)
    shutil.rmtree(path)
    return tgz


# ---- arguments ----

def rand_args(tmp, charts):
    args = []
    for f in ("--strict", "--quiet", "--with-subcharts", "--skip-schema-validation"):
        if random.random() < 0.25:
            args.append(f)
    if random.random() < 0.25:
        args += ["--kube-version", pick("1.20", "v1.10.3", "1.25.0", "1.32", "1.16", "x", "1.33", "v2.0.0")]
    if random.random() < 0.15:
        args += [pick("-n", "--namespace"), pick("kube-system", "Bad_NS", "x" * 70)]
    for _ in range(random.choice([0, 0, 0, 1, 2])):
        if random.random() < 0.3:
            p = os.path.join(tmp, "extra%d.yaml" % len(args))
            write(p, pick("req: x\n", "name: Ok\n", "a: [\n", "- a\n", "replicas: 0\n", "sub:\n  x: 2\n"))
            args += ["-f", p if random.random() < 0.9 else p + ".missing"]
        else:
            args += [pick("--set", "--set-string"), pick("req=x", "name=Web", "replicas=0", "name=", "a.b=1",
                                                         "sub.enabled=false", "global.g=2", "a[0]=1", "x=1,y")]
    return args + charts


def run(tool, args):
    """Exit code, stdout, stderr; the random names of the folders archives
    are expanded into made the same."""
    p = subprocess.run([tool, "lint"] + args, capture_output=True, timeout=60)
    fix = lambda b: re.sub(rb"/helm-lint[0-9]+", b"/helm-lintN", b)
    return p.returncode, fix(p.stdout), fix(p.stderr)


def same(a, b):
    """Equal up to the order of lines: helm logs some warnings from Go maps."""
    return a[0] == b[0] and sorted(a[1].split(b"\n")) == sorted(b[1].split(b"\n")) and \
        sorted(a[2].split(b"\n")) == sorted(b[2].split(b"\n"))


def save(o, tmp, seed, args, a, b):
    d = os.path.join(o.out, "case%d" % seed)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(tmp, d, symlinks=True)
    with open(os.path.join(d, "args"), "w") as f:
        f.write("\n".join(x.replace(tmp, d) for x in args) + "\n")
    for tag, r in (("helm", a), ("hm", b)):
        for ext, data in (("out", r[1]), ("err", r[2])):
            with open(os.path.join(d, "%s.%s" % (tag, ext)), "wb") as f:
                f.write(data.replace(tmp.encode(), d.encode()))
        with open(os.path.join(d, tag + ".code"), "w") as f:
            f.write("%d\n" % r[0])
    return d


def one_case(o, seed):
    random.seed(seed)
    tmp = tempfile.mkdtemp(prefix="ld")
    try:
        paths = []
        for i in range(random.choice([1, 1, 1, 2, 3])):
            p = os.path.join(tmp, "c%d" % i)
            chart(p, pick("c%d" % i, "c%d" % i, "c"), 0)
            if random.random() < 0.08:
                p = package(p)
            paths.append(p)
        if random.random() < 0.05:
            paths.append(os.path.join(tmp, pick("missing", "missing.tgz", "c0/templates")))
        args = rand_args(tmp, paths)
        b = run(o.hm, args)
        a = run(o.helm, args)
        if a[0] == 2 and b"panic: " in a[2]:
            print("PANIC seed=%d (helm crashes; hm reports instead)" % seed, flush=True)
            return "helm-panic", a
        if a == b:
            return "same", a
        varies = False
        for _ in range(12):
            r = run(o.helm, args)
            varies = varies or r != a
            if r == b:
                return "flaky-match", a
        if varies and same(a, b):
            return "order", a  # helm's own order varies; hm has one of its orders
        d = save(o, tmp, seed, args, a, b)
        print("DIFF seed=%d -> %s (code %d/%d)%s" % (seed, d, a[0], b[0], " helm varies" if varies else ""),
              flush=True)
        return "diff", a
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main():
    global HELM, ODD
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", default="/tmp/lint_diff")
    ap.add_argument("--hm", default="build/release/bin/hm")
    ap.add_argument("--helm", default=HELM)
    ap.add_argument("--odd", type=float, default=ODD, help="share of odd field values")
    o = ap.parse_args()
    ODD = o.odd
    seed = o.seed if o.seed is not None else random.randrange(1 << 30)
    os.makedirs(o.out, exist_ok=True)
    counts = {}
    failed = 0
    for i in range(o.n):
        kind, a = one_case(o, seed + i)
        counts[kind] = counts.get(kind, 0) + 1
        failed += a[0] != 0
    print("rounds=%d seed=%d %s helm-failed=%d" % (
        o.n, seed, " ".join("%s=%d" % kv for kv in sorted(counts.items())), failed))
    return 1 if counts.get("diff") else 0


if __name__ == "__main__":
    sys.exit(main())
