#!/usr/bin/env python3
"""Differential fuzzing of the manifest stream: hm vs the reference helm.

A dev tool (tests never call helm). Each round writes a chart (and now and
then a subchart) whose templates are literal text, so the template engine is
not what is tested: random YAML documents with `---` separators of every
shape, hooks, kinds in and out of Helm's install order, names that are not
strings, invalid YAML, partials, NOTES.txt and crds/. Then it runs
`helm template rel CHART FLAGS` and `hm template rel CHART FLAGS` with random
--show-only, --output-dir, --skip-tests, --no-hooks, --include-crds,
--skip-crds, --is-upgrade and --post-renderer flags and compares stdout,
stderr, the exit code and the --output-dir tree. Differences are saved under
--out (one folder a case: the chart, the arguments, both outputs).

    tests/fuzz/manifest_diff.py [-n ROUNDS] [--seed S] [--out DIR]
        [--hm build/release/bin/hm] [--helm ~/.cache/kz-reference/bin/helm]
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

INSTALL_ORDER = [
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange",
    "PodSecurityPolicy", "PodDisruptionBudget", "ServiceAccount", "Secret",
    "SecretList", "ConfigMap", "StorageClass", "PersistentVolume",
    "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
    "ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role",
    "RoleList", "RoleBinding", "RoleBindingList", "Service", "DaemonSet", "Pod",
    "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
    "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
]
OTHER_KINDS = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
               "Foo", "foo", "Zeta", "alpha", "", "ZZ", "configmap", "Endpoints",
               "ServiceMonitor", "Ünicode", "A b"]
WEIRD_SCALARS = ["1", "0", "1.5", "true", "null", "~", "0x1F", "1e3", "'quoted'",
                 '"dq"', "yes", "-", "''", "2001-12-14", "[a, b]", "{a: 1}", "[]",
                 "{}", "&x y", "!!str 5", "!!int 5", "|\n    block", ">-\n    folded",
                 ".inf", "-.inf", ".nan", "123456789.123", "9223372036854775808", "1e20",
                 "18446744073709551616", "9007199254740993", "0.1", "1.0", "!!float 2", "017", "1_000"]
HOOKS = ["pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade",
         "post-upgrade", "pre-rollback", "post-rollback", "test", "test-success",
         "test-failure", "crd-install", "PRE-INSTALL", "Test", "bogus", "",
         " pre-install", "pre-install ", "\tpost-install", "pre-rollbac\u212a", "PRE-\u0130NSTALL",
         "\u00a0test\u3000", "test\u0085", "post-\u0131nstall", "pre-in\u017ftall"]
SEPARATORS = ["---", "---", "---", "--- ", "---\t", "--- # c", "----", " ---",
              "---x", "--- |", "---\n---", "--- a: b", "...\n---", "--- \t ",
              "\n---", "---\n\n", "  \n---", "--- ---", "---\r", "...",
              "---\v", "---\f", "# x\n---", "-- -", "---#"]
# the separators that leave valid documents
SAFE_SEPARATORS = ["---", "---", "---", "--- ", "---\t", "--- # c", "\n---", "---\n\n",
                   "  \n---", "# x\n---", "---\r", "--- \t ", "---\n---", "...\n---"]
FILLER = ["spec:\n  replicas: 1", "data:\n  a: b\n  c: 'd'", "# a comment",
          "x: [1, 2,\n  3]", "y: |\n  line one\n  line two", "z: >\n  folded\n\n  text",
          "list:\n- a\n- b: c", "q: \"a\\tb\"", "e: ''", "n: ~", "t: 2001-12-14",
          "w: 'it''s'", "k: v # trailing", "u: héllo", "dup: 1", "anchors:\n  a: &a 1\n  b: *a",
          "long: " + "x" * 300, "v: 0x10", "f: 1e3", "tab:\tvalue", "? complex\n: key",
          "b: !!binary aGk=", "s: !!str 1"]
INVALID = ["a: b: c", "a: [1, 2", "- a\nb: c", "a:\n\t- b", "a: 'x", "a: *nope",
           "key: value\n bad indent: 1", "{a: 1", "a: @x", "a: `x", "%TAG ! x\n---\na: 1",
           "a: 1\na: 2", "!!map [1]", "a: !!int x", "? [a]\n: 1", "a: !!float x",
           "a:\n  - b\n  c: d", "\"a\": \"\\q\"", "[1, 2]", "- a", "x", "a: b\n- c"]


# Most charts are free of what makes helm fail (a list where a string goes,
# a document that is not a map, invalid YAML): one error ends the render.
ERRORS = [False]
COMPOSITE = {"[a, b]", "{a: 1}", "[]", "{}", "-", "|\n    block", ">-\n    folded"}


def rand_scalar():
    pool = WEIRD_SCALARS if ERRORS[0] else [x for x in WEIRD_SCALARS if x not in COMPOSITE]
    return random.choice(pool)


def head_lines():
    lines = []
    r = random.random()
    if r < 0.85:
        lines.append("apiVersion: " + random.choice(["v1", "apps/v1", "x/v1", "1"] + (["[a]", "{}"] if ERRORS[0] else [])
                                                      if random.random() < 0.2 else ["v1", "apps/v1"]))
    r = random.random()
    if r < 0.55:
        kind = random.choice(INSTALL_ORDER)
    elif r < 0.8:
        kind = random.choice(OTHER_KINDS)
        kind = kind if kind else "''"
    elif r < 0.9:
        kind = rand_scalar()
    else:
        kind = None
    if kind is not None:
        lines.append("kind: " + kind)
    r = random.random()
    if r < 0.9:
        lines.append("metadata:")
        if random.random() < 0.85:
            nm = random.choice(["a", "b", "c", "zz", "x-1"]) if random.random() < 0.8 else rand_scalar()
            lines.append("  name: " + nm)
        if random.random() < 0.05:
            lines.append("  name: second")
        if random.random() < 0.4:
            lines += annotations()
        if random.random() < 0.1:
            lines.append("  labels:\n    a: b")
    elif r < 0.95:
        lines.append("metadata: " + (rand_scalar() if ERRORS[0] else random.choice(["~", "null", "{}"])))
    random.shuffle(lines) if random.random() < 0.2 and "metadata:" not in lines else None
    return lines


def annotations():
    r = random.random()
    if r < 0.05 and ERRORS[0]:
        return ["  annotations: " + rand_scalar()]
    if r < 0.1:
        return ["  annotations: {}"]
    lines = ["  annotations:"]
    if random.random() < 0.8:
        if random.random() < 0.8:
            ev = ",".join(random.choice(HOOKS) for _ in range(random.randint(1, 3)))
            if random.random() < 0.3:
                ev = ", ".join(random.choice(HOOKS[:10]) for _ in range(random.randint(1, 3)))
            q = random.choice(['"', "'", ""])
            if q == "" and (ev.strip() != ev or ev == "" or "\t" in ev):
                q = '"'
            if q == "'":
                ev = ev.replace("\t", " ")
            lines.append("    helm.sh/hook: " + q + ev.replace("\t", "\\t" if q == '"' else "\t") + q)
        else:
            lines.append("    helm.sh/hook: " + rand_scalar())
    if random.random() < 0.1:
        lines.append("    first: " + random.choice(["x", "1", "true", "~"] + (["[1]", "{a: 1}"] if ERRORS[0] else [])))
    if random.random() < 0.3:
        lines.append("    helm.sh/hook-weight: " + random.choice(['"5"', '"-3"', '"x"', "5", '""', '"1.5"']))
    if random.random() < 0.3:
        lines.append("    helm.sh/hook-delete-policy: " +
                     random.choice(["before-hook-creation", "hook-succeeded,hook-failed", "junk", '""']))
    if random.random() < 0.2:
        lines.append("    other: " + random.choice(["x", "1", "true", "~"] + (["[1]", "{a: 1}"] if ERRORS[0] else [])))
    if len(lines) == 1:
        lines[0] += " {}"
    return lines


def case_keys(text):
    """Now and then a field name spelt another way: encoding/json matches
    them ignoring case (and the Kelvin sign, the long s), sorted."""
    if random.random() > 0.15:
        return text
    ways = {"kind:": ["Kind:", "KIND:", "kinD:", "\u212aind:", "K\u0130ND:"],
            "metadata:": ["Metadata:", "METADATA:", "metaData:"],
            "name:": ["Name:", "NAME:"], "annotations:": ["Annotations:", "ANNOTATIONS:", "annotation\u017f:"],
            "apiVersion:": ["apiversion:", "APIVERSION:", "apiVer\u017fion:"]}
    lines = text.split("\n")
    for i, l in enumerate(lines):
        k = l.strip()
        if k.split(" ")[0] in ways and random.random() < 0.5:
            lines[i] = l.replace(k.split(" ")[0], random.choice(ways[k.split(" ")[0]]), 1)
    if random.random() < 0.3:  # the same field twice, spelt two ways
        lines.append(random.choice(["KIND: Namespace", "Kind: ~", "kind: Pod", "Metadata: ~",
                                    "METADATA:\n  name: m", "Metadata:\n  annotations: ~",
                                    "metadata:\n  Annotations:\n    helm.sh/hook: post-install"]))
    return "\n".join(lines)


def document():
    r = random.random()
    if r < 0.05:
        return ""
    if r < 0.1:
        return "# only a comment"
    if r < 0.13:
        return random.choice(["   ", "\t", " \n  \n"])
    if r < 0.17:
        return random.choice(["- a\n- b", "just a scalar", "5", "[1, 2]", "'str'", "true"]
                             if ERRORS[0] else ["~", "null", "# c\n~"])
    if r < 0.2 and ERRORS[0]:
        return random.choice(INVALID)
    lines = head_lines()
    for _ in range(random.randint(0, 3)):
        lines.append(random.choice(FILLER))
    if random.random() < 0.05:
        lines.append(random.choice(["kind: Dup", "metadata:\n  name: dupe"]))
    return case_keys("\n".join(lines))


def file_text():
    parts = []
    if random.random() < 0.3:
        parts.append(random.choice(SEPARATORS if ERRORS[0] else SAFE_SEPARATORS[:-1]) + "\n")
    if random.random() < 0.1:
        parts.append(random.choice(["\n", "  \n", "\n\n", "\t\n"]))
    for i in range(random.randint(1, 4)):
        if i:
            sep = random.choice(SEPARATORS if ERRORS[0] else SAFE_SEPARATORS)
            pre = random.choice(["\n", "\n", "\n\n", " \n", "\n  \n"])
            post = random.choice(["\n", "\n", "\n\n"] + ([" "] if ERRORS[0] else [])) \
                if not sep.endswith("\n") else ""
            parts.append(pre + sep + post)
        parts.append(document())
    if random.random() < 0.3:
        parts.append(random.choice(["\n---", "\n---\n", "\n...\n", "\n", "", "\n\n\n"]))
    text = "".join(parts)
    if random.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return text.replace("{{", "{ {")


FILE_NAMES = ["a.yaml", "b.yaml", "z.yml", "deploy.yaml", "svc.yaml", "_helpers.tpl",
              "_p.yaml", "sub/x.yaml", "sub/_y.yaml", "sub/deep/a.yaml", "A.yaml",
              "b-c.yaml", "b.txt", "x.json", "tests/test-pod.yaml", "NOTES.txt",
              "sub/NOTES.txt", "a b.yaml", "ä.yaml", "_sub/a.yaml", "1.yaml", "xNOTES.txt",
              "NOTES.txt.yaml", ".hidden.yaml", "sub/.x.yaml"]


def write_chart(root, name, depth):
    os.makedirs(os.path.join(root, "templates"))
    with open(os.path.join(root, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: %s\nversion: 0.1.0\n" % name)
    for fn in random.sample(FILE_NAMES, random.randint(1, 6)):
        p = os.path.join(root, "templates", fn)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w", newline="") as f:
            f.write(file_text() if fn != "NOTES.txt" or random.random() < 0.5 else "notes {{ .Release.Name }}\n")
    if random.random() < 0.3:
        os.makedirs(os.path.join(root, "crds", "more"), exist_ok=True)
        for fn in random.sample(["a.yaml", "b.yaml", "more/c.yaml", "d.txt", "_e.yaml"], random.randint(1, 3)):
            with open(os.path.join(root, "crds", fn), "w", newline="") as f:
                f.write(random.choice([file_text(), "kind: CustomResourceDefinition\nmetadata:\n  name: x\n",
                                       "", "---\na: 1\n---\nb: 2\n", "no newline"]))
    if depth == 0 and random.random() < 0.3:
        write_chart(os.path.join(root, "charts", "sub"), "sub", 1)


SHOW = ["templates/a.yaml", "templates/*.yaml", "templates/sub/*", "templates/sub/x.yaml",
        "templates/_helpers.tpl", "templates/NOTES.txt", "templates/nope.yaml",
        "charts/sub/templates/*.yaml", "templates/*", "templates/b.yaml", "templates/[ab].yaml",
        "templates/**", "*", "templates/sub/deep/a.yaml", "charts/sub/templates/a.yaml",
        "templates\\a.yaml", "templates/a b.yaml", "templates/[", "", "templates/[!a].yaml",
        "templates/[]a].yaml", "templates/[[:alpha:]].yaml", "templates/[a-].yaml", "templates/?.yaml",
        "x.yaml", "templates/*/*", "templates/[^_]*"]


def post_renderers(tmp):
    scripts = {
        "pr-cat.sh": "#!/bin/sh\ncat\n",
        "pr-sed.sh": "#!/bin/sh\nsed 's/name: /name: pr-/'\n",
        "pr-fail.sh": "#!/bin/sh\necho 'it failed' >&2\ncat >/dev/null\nexit 3\n",
        "pr-bad.sh": "#!/bin/sh\ncat >/dev/null\nprintf 'a: [\\n---\\nb: : c\\n'\n",
        "pr-empty.sh": "#!/bin/sh\ncat >/dev/null\n",
        "pr-space.sh": "#!/bin/sh\ncat >/dev/null\nprintf '  \\n\\n'\n",
        "pr-args.sh": "#!/bin/sh\necho \"# args: $*\"\ncat\n",
        "pr-source.sh": "#!/bin/sh\nprintf -- '---\\n# Source: c/templates/a.yaml\\nx: 1\\n---\\n# Source: /y\\n---\\nno source\\n'\n",
    }
    paths = {}
    for n, s in scripts.items():
        p = os.path.join(tmp, n)
        with open(p, "w") as f:
            f.write(s)
        os.chmod(p, 0o755)
        paths[n] = p
    return paths


def rand_args(tmp):
    args = []
    written = [os.path.relpath(os.path.join(b, f), os.path.join(tmp, "c"))
               for b, _, fs in os.walk(os.path.join(tmp, "c")) for f in fs if "/templates/" in os.path.join(b, f)]
    for _ in range(random.choice([0, 0, 0, 1, 1, 2, 3])):
        args += ["--show-only", random.choice(SHOW) if random.random() < 0.4 or not written
                 else random.choice(written)]
    for flag in ["--skip-tests", "--no-hooks", "--include-crds", "--skip-crds", "--is-upgrade"]:
        if random.random() < 0.15:
            args.append(flag)
    if random.random() < 0.15:
        args += ["--output-dir", os.path.join(tmp, "out")]
        if random.random() < 0.3:
            args.append("--release-name")
    if random.random() < 0.15:
        prs = post_renderers(tmp)
        args += ["--post-renderer", prs[random.choice(list(prs))]]
        if random.random() < 0.3:
            args += ["--post-renderer-args", "x y"]
    return args


def tree(d):
    """The files under d: {relative path: bytes}."""
    res = {}
    for base, _, files in os.walk(d):
        for fn in files:
            p = os.path.join(base, fn)
            with open(p, "rb") as f:
                res[os.path.relpath(p, d)] = f.read()
    return res


def run(tool, chart, args, tmp):
    out = os.path.join(tmp, "out")
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([tool, "template", "rel", chart] + args, capture_output=True, timeout=60)
    t = tree(out)
    shutil.rmtree(out, ignore_errors=True)
    return p.returncode, p.stdout, p.stderr, t


def save(o, tmp, seed, args, a, b):
    d = os.path.join(o.out, "case%d" % seed)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(tmp, d, symlinks=True)
    with open(os.path.join(d, "args"), "w") as f:
        f.write("\n".join(x.replace(tmp, d) for x in args) + "\n")
    for tag, r in (("helm", a), ("hm", b)):
        with open(os.path.join(d, tag + ".out"), "wb") as f:
            f.write(r[1])
        with open(os.path.join(d, tag + ".err"), "wb") as f:
            f.write(r[2].replace(tmp.encode(), d.encode()))
        with open(os.path.join(d, tag + ".code"), "w") as f:
            f.write("%d\n" % r[0])
        with open(os.path.join(d, tag + ".tree"), "wb") as f:
            for k in sorted(r[3]):
                f.write(b"== " + k.encode() + b"\n" + r[3][k])
    return d


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", default="/tmp/manifest_diff")
    ap.add_argument("--hm", default="build/release/bin/hm")
    ap.add_argument("--helm", default=os.path.expanduser("~/.cache/kz-reference/bin/helm"))
    ap.add_argument("--errors", type=float, default=0.25, help="share of charts with what makes helm fail")
    ap.add_argument("-v", dest="verbose", action="store_true", help="list helm's most common errors")
    o = ap.parse_args()
    seed = o.seed if o.seed is not None else random.randrange(1 << 30)
    os.makedirs(o.out, exist_ok=True)
    diffs = flaky = errs = 0
    msgs = {}
    for i in range(o.n):
        random.seed(seed + i)
        tmp = tempfile.mkdtemp(prefix="md")
        try:
            ERRORS[0] = random.random() < o.errors
            chart = os.path.join(tmp, "c")
            write_chart(chart, "c", 0)
            args = rand_args(tmp)
            b = run(o.hm, chart, args, tmp)
            a = run(o.helm, chart, args, tmp)
            if a[0]:
                errs += 1
                m = [l for l in a[2].decode(errors="replace").split("\n") if l.startswith("Error:")][0]
                m = m.replace(tmp, "")[:90]
                msgs[m] = msgs.get(m, 0) + 1
            if a != b and run(o.helm, chart, args, tmp) != a:
                flaky += 1  # helm itself varies: not ours to match
                print("FLAKY seed=%d (helm's output varies)" % (seed + i), flush=True)
                continue
            if a != b:
                diffs += 1
                d = save(o, tmp, seed + i, args, a, b)
                print("DIFF seed=%d -> %s (code %d/%d)" % (seed + i, d, a[0], b[0]), flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if o.verbose:
        for m, k in sorted(msgs.items(), key=lambda x: -x[1])[:20]:
            print("%5d %s" % (k, m))
    print("rounds=%d seed=%d diffs=%d flaky=%d helm-errors=%d" % (o.n, seed, diffs, flaky, errs))


if __name__ == "__main__":
    sys.exit(main())
