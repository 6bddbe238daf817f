#!/usr/bin/env python3
"""Differential fuzzing of chart structure and values coalescing: hm vs helm.

A dev tool (tests never call helm). Each round writes a random chart tree:
apiVersion v1 (requirements.yaml / requirements.lock) or v2 parents,
dependencies with conditions, tags, aliases, import-values, library
subcharts, nested subcharts, folders and .tgz archives (`helm package`),
unlisted and missing subcharts, values with globals, nulls and
map/scalar clashes, values.schema.json files; then random -f/--set/
--set-string/--set-json arguments. It runs `hm template t CHART ARGS` and
`helm template t CHART ARGS` and compares stdout, stderr and the exit code.
A difference is checked by a second helm run (Go's map order makes some of
helm's output vary); real ones are saved under --out, one folder a case.

    tests/fuzz/charts_diff.py [-n ROUNDS] [--seed S] [--out DIR]
        [--hm build/release/bin/hm] [--helm ~/.cache/kz-reference/bin/helm]
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

HELM = os.path.expanduser("~/.cache/kz-reference/bin/helm")
SCHEMA_RATE = 0.15  # charts with a values.schema.json (--schema)

KEYS = ["k1", "k2", "shared", "list", "enabled", "flag", "m", "data", "x", "y"]
SCALARS = ["1", "0", "true", "false", "null", "~", "abc", '"yes"', "1.5",
           "''", "[]", "{}", "[1, 2]", '"true"', "yes", "3"]


def rand_scalar():
    return random.choice(SCALARS)


def rand_map(depth, extra_keys=()):
    """A random YAML block mapping as a list of lines (no indentation)."""
    lines = []
    keys = random.sample(KEYS + list(extra_keys), random.randint(1, 4))
    for k in keys:
        lines += value_lines(k, depth)
    return lines


def value_lines(k, depth):
    r = random.random()
    if depth > 2 or r < 0.55:
        return ["%s: %s" % (k, rand_scalar())]
    if r < 0.8:
        return ["%s:" % k] + ["  " + l for l in rand_map(depth + 1)]
    if r < 0.9:
        return ["%s:" % k] + ["  - " + rand_scalar() for _ in range(random.randint(1, 3))]
    return ["%s:" % k]  # null


def global_lines():
    lines = ["global:"]
    for k in random.sample(["g1", "g2", "gm", "shared"], random.randint(1, 3)):
        if random.random() < 0.3:
            lines += ["  %s:" % k, "    a: %s" % rand_scalar(), "    b: %s" % rand_scalar()]
        else:
            lines.append("  %s: %s" % (k, rand_scalar()))
    return lines


TEMPLATE = """# chart={{ .Chart.Name }} tmpl={{ .Template.Name }} base={{ .Template.BasePath }}
# subcharts={{ keys .Subcharts | sortAlpha | toJson }}
# deps={{ toJson .Chart.Dependencies }}
# global={{ toJson .Values.global }}
# root={{ .Chart.IsRoot }} files={{ .Files.Get "files.txt" | toJson }}
# {{ toYaml .Values | replace "\\n" "\\n# " }}
"""
LIB_USE = """# lib={{ include "lib.hello" . }}
"""
LIB_DEFINE = """{{- define "lib.hello" -}}
hello from {{ .Chart.Name }} {{ .Values.k1 | toJson }}
{{- end -}}
"""
LIB_TEMPLATE = """{{- define "lib.cm" -}}
# libcm {{ .Release.Name }}
{{- end -}}
"""


class Tree:
    """One generated chart tree under tmp."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.names = []  # every chart name used (for --set keys)
        self.aliases = []
        self.paths = []  # value paths that conditions may name

    def chart(self, path, name, depth, library=False):
        os.makedirs(os.path.join(path, "templates"), exist_ok=True)
        api = random.choice(["v2", "v2", "v1"]) if not library else "v2"
        if depth and random.random() < 0.04:
            name = "z" + name  # a folder name that is not the chart's
        meta = ["apiVersion: %s" % api, "name: %s" % name,
                "version: %s" % random.choice(["0.1.0", "0.1.0", "1.0.0"])]
        if library:
            meta.append("type: library")
        elif random.random() < 0.01:
            meta.append("type: %s" % random.choice(["application", "weird"]))
        deps = []
        children = []
        if depth < 3 and not library:
            pool = ["a", "b", "c", "lib"] if depth == 0 else ["g", "h", "lib"]
            for cname in random.sample(pool, random.randint(0, 3 if depth == 0 else 2)):
                children.append(cname)
        for cname in children:
            self.names.append(cname)
            cpath = os.path.join(path, "charts", cname)
            self.chart(cpath, cname, depth + 1, library=(cname == "lib"))
            if random.random() < 0.25:
                self.package(cpath)
        # dependency entries: most children, some missing, some twice (aliases)
        listed = [c for c in children if random.random() < 0.85]
        if random.random() < 0.04:
            listed.append("missing")
        for cname in listed:
            for j in range(2 if random.random() < 0.15 else 1):
                deps.append(self.dep(cname, path, j))
        if random.random() < 0.02 and deps:
            deps.append(dict(deps[0]))  # duplicate entry
        if deps:
            text = "dependencies:\n" + "".join(self.dep_text(d) for d in deps)
            if api == "v1" and random.random() < 0.8:
                with open(os.path.join(path, "requirements.yaml"), "w") as f:
                    f.write(text)
            else:
                meta.append(text.rstrip("\n"))
            if random.random() < 0.15:
                lockname = "requirements.lock" if api == "v1" else "Chart.lock"
                with open(os.path.join(path, lockname), "w") as f:
                    f.write("dependencies:\n" + "".join(
                        "- name: %s\n  repository: %s\n  version: %s\n" % (
                            d["name"], json.dumps(d.get("repository", "")), json.dumps(d.get("version", "0.1.0")))
                        for d in deps) + "digest: sha256:%s\ngenerated: \"2020-01-01T00:00:00Z\"\n" % ("0" * 64))
        if random.random() < 0.1:
            meta.append(random.choice(["appVersion: \"1.0\"", "description: d", "kubeVersion: \">=1.0.0\"",
                                       "annotations:\n  x: y", "icon: x", "deprecated: true"]))
        with open(os.path.join(path, "Chart.yaml"), "w") as f:
            f.write("\n".join(meta) + "\n")
        self.junk(path)
        self.values(path, name, depth, [d.get("alias") or d["name"] for d in deps])
        tmpls = os.path.join(path, "templates")
        if library:
            with open(os.path.join(tmpls, "_helpers.tpl"), "w") as f:
                f.write(LIB_DEFINE)
            if random.random() < 0.3:
                with open(os.path.join(tmpls, "cm.yaml"), "w") as f:
                    f.write(LIB_TEMPLATE)
            return
        text = TEMPLATE
        if "lib" in children and random.random() < 0.7:
            text += LIB_USE
        with open(os.path.join(tmpls, "t.yaml"), "w") as f:
            f.write(text)
        if random.random() < SCHEMA_RATE:
            self.schema(path)

    def junk(self, path):
        """Files that are not charts in charts/, a .helmignore, extra files."""
        r = random.random()
        charts = os.path.join(path, "charts")
        if r < 0.01:
            os.makedirs(charts, exist_ok=True)
            with open(os.path.join(charts, "README.md"), "w") as f:
                f.write("not a chart\n")
        elif r < 0.015:
            os.makedirs(os.path.join(charts, "empty"), exist_ok=True)
            with open(os.path.join(charts, "empty", "x.txt"), "w") as f:
                f.write("x\n")
        elif r < 0.04:
            with open(os.path.join(path, ".helmignore"), "w") as f:
                f.write(random.choice(["charts/b\n", "*.tgz\n", "values.schema.json\n", "templates/t.yaml\n"]))
        if random.random() < 0.1:
            with open(os.path.join(path, "files.txt"), "w") as f:
                f.write("file of %s\n" % os.path.basename(path))

    def dep(self, cname, path, j):
        d = {"name": cname}
        if random.random() < 0.9:
            d["version"] = random.choice(["0.1.0", "~0.1", ">=0.0.1", "1.0.0", "*", "0.1.x"])
        r = random.random()
        if r < 0.3:
            d["repository"] = "file://../%s" % cname
        elif r < 0.4:
            d["repository"] = "https://example.com/charts"
        elif r < 0.5:
            d["repository"] = ""
        if j or random.random() < 0.3:
            alias = cname + str(j + 1) if random.random() < 0.95 else "al"
            d["alias"] = alias
            self.aliases.append(alias)
        key = d.get("alias", cname)
        if random.random() < 0.35:
            paths = random.sample([key + ".enabled", key + ".flag", "flag", "missing.path",
                                   key + ".m.x", "global.g1", "k1"], random.randint(1, 3))
            d["condition"] = ",".join(paths)
        if random.random() < 0.25:
            d["tags"] = random.sample(["t1", "t2", "front"], random.randint(1, 2))
        if random.random() < 0.1:
            d["enabled"] = random.choice([True, False])
        if random.random() < 0.3:
            iv = []
            for _ in range(random.randint(1, 2)):
                if random.random() < 0.5:
                    iv.append(random.choice(["data", "missing", "k1"]))
                else:
                    iv.append({"child": random.choice(["exports.data", "data", "k1", "m", "nope", "global"]),
                               "parent": random.choice(["imported", "k2", "m", ".", "x.y"])})
            d["import-values"] = iv
        if random.random() < 0.08:  # odd shapes: spaces, wrong types, bad names
            k, v = random.choice([
                ("condition", " %s.enabled , flag" % key), ("condition", ",,"),
                ("tags", "t1"), ("tags", [1, None]), ("import-values", [{"child": "data"}]),
                ("import-values", [1]), ("import-values", "data"), ("alias", "bad_alias!"),
                ("alias", ""), ("version", "not a range"), ("enabled", "yes"),
                ("repository", "@stable"), ("condition", 5)])
            d[k] = v
        return d

    @staticmethod
    def dep_text(d):
        out = "- name: %s\n" % d["name"]
        for k in ("version", "repository", "alias", "condition"):
            if k in d:
                out += "  %s: %s\n" % (k, json.dumps(d[k]))
        if "tags" in d:
            out += "  tags: %s\n" % json.dumps(d["tags"])
        if "enabled" in d:
            out += "  enabled: %s\n" % json.dumps(d["enabled"])
        if "import-values" in d:
            out += "  import-values: %s\n" % json.dumps(d["import-values"])
        return out

    def values(self, path, name, depth, subkeys):
        if random.random() < 0.1:
            return
        if random.random() < 0.04:
            with open(os.path.join(path, "values.yaml"), "w") as f:
                f.write(random.choice(["", "# only a comment\n", "---\n", "null\n", "~\n"]))
            return
        lines = rand_map(0)
        if random.random() < 0.5:
            lines += global_lines()
        if random.random() < 0.4:
            lines += ["exports:", "  data:"] + ["    " + l for l in rand_map(2)]
        if random.random() < 0.3:
            lines += ["data:"] + ["  " + l for l in rand_map(2)]
        if depth == 0 and random.random() < 0.3:
            lines += ["tags:"] + ["  %s: %s" % (t, random.choice(["true", "false", "1", "null"]))
                                  for t in random.sample(["t1", "t2", "front"], random.randint(1, 2))]
        for k in subkeys:
            if random.random() < 0.6:
                r = random.random()
                if r < 0.03:
                    lines.append("%s: %s" % (k, rand_scalar()))
                elif r < 0.06:
                    lines.append("%s:" % k)
                else:
                    sub = rand_map(1)
                    if random.random() < 0.4:
                        sub.append("enabled: %s" % random.choice(["true", "false", "\"false\"", "0", "null"]))
                    if random.random() < 0.3:
                        sub += global_lines()
                    lines += ["%s:" % k] + ["  " + l for l in sub]
        seen = set()
        uniq = []
        for l in lines:  # drop duplicate top-level keys (helm rejects them)
            if not l.startswith(" "):
                key = l.split(":")[0]
                if key in seen:
                    skip = True
                    continue
                seen.add(key)
                skip = False
            elif skip:
                continue
            uniq.append(l)
        with open(os.path.join(path, "values.yaml"), "w") as f:
            f.write("\n".join(uniq) + "\n")

    def schema(self, path):
        props = {}
        for k in random.sample(KEYS, random.randint(1, 3)):
            props[k] = random.choice([
                {"type": random.choice(["string", "integer", "number", "boolean", "object", "array", "null"])},
                {"type": ["string", "null"]},
                {"enum": [1, "abc", True, None]},
                {"type": "integer", "minimum": 1},
                {"type": "string", "pattern": "^a"},
                {"$ref": "#/definitions/d"},
                {"type": "object", "additionalProperties": False,
                 "properties": {"a": {"type": "string"}}},
            ])
        s = {"$schema": "http://json-schema.org/draft-07/schema#", "type": "object",
             "properties": props, "definitions": {"d": {"type": ["object", "integer"]}}}
        if random.random() < 0.4:
            s["required"] = random.sample(KEYS, random.randint(1, 2))
        if random.random() < 0.1:
            s["additionalProperties"] = False
        with open(os.path.join(path, "values.schema.json"), "w") as f:
            json.dump(s, f)

    def package(self, cpath):
        """Replace a chart folder by its `helm package` archive."""
        dest = os.path.dirname(cpath)
        p = subprocess.run([HELM, "package", cpath, "-d", dest], capture_output=True)
        if p.returncode != 0:
            return cpath
        shutil.rmtree(cpath)
        # "Successfully packaged chart and saved it to: PATH"
        return p.stdout.decode().strip().split(": ", 1)[-1]


SET_VALS = ["1", "0", "true", "false", "null", "abc", "", "{}", "[1]"]
JSON_VALS = ["1", "null", "true", '"s"', "{}", '{"a":1}', "[1,2]", '{"enabled":false}']


def rand_args(tree):
    args = []
    keys = (KEYS + ["global.g1", "global.gm.a", "tags.t1", "tags.front", "imported.a"]
            + [n + "." + random.choice(["x", "enabled", "k1", "m.a", "global.g2", "flag"])
               for n in tree.names + tree.aliases + ["missing"]]
            + tree.names + tree.aliases)
    for _ in range(random.choice([0, 0, 1, 2, 3, 4])):
        kind = random.choice(["--set", "--set", "--set-string", "--set-json", "-f"])
        if kind == "-f":
            p = os.path.join(tree.tmp, "extra%d.yaml" % len(args))
            lines = rand_map(0)
            for n in random.sample(tree.names + tree.aliases, min(2, len(tree.names + tree.aliases))):
                lines += ["%s:" % n] + ["  " + l for l in rand_map(1)]
            if random.random() < 0.3:
                lines += global_lines()
            with open(p, "w") as f:
                f.write("\n".join(lines) + "\n")
            args += ["-f", p]
            continue
        k = random.choice(keys)
        v = random.choice(JSON_VALS if kind == "--set-json" else SET_VALS)
        args += [kind, k + "=" + v]
    return args


def same(a, b):
    return a[:2] == b[:2] and sorted(a[2].split(b"\n")) == sorted(b[2].split(b"\n"))


def run(tool, chart, args):
    p = subprocess.run([tool, "template", "t", chart] + args, capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    global HELM, SCHEMA_RATE
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", default="/tmp/charts_diff")
    ap.add_argument("--hm", default="build/release/bin/hm")
    ap.add_argument("--helm", default=HELM)
    ap.add_argument("--schema", type=float, default=SCHEMA_RATE, help="share of charts with a schema")
    ap.add_argument("-v", dest="verbose", action="store_true", help="list helm's most common errors")
    o = ap.parse_args()
    HELM = o.helm
    SCHEMA_RATE = o.schema
    seed = o.seed if o.seed is not None else random.randrange(1 << 30)
    os.makedirs(o.out, exist_ok=True)
    diffs = errs = flaky = panics = 0
    msgs = {}
    for i in range(o.n):
        random.seed(seed + i)
        tmp = tempfile.mkdtemp(prefix="cd")
        try:
            tree = Tree(tmp)
            chart = os.path.join(tmp, "p")
            tree.chart(chart, "p", 0)
            if random.random() < 0.1:
                chart = tree.package(chart)
            args = rand_args(tree)
            b = run(o.hm, chart, args)
            a = run(o.helm, chart, args)
            if a[0]:
                errs += 1
                m = [l for l in a[2].decode(errors="replace").split("\n") if l.startswith("Error")]
                m = (m or ["?"])[0][:100].replace(tmp, "")
                msgs[m] = msgs.get(m, 0) + 1
            # Go's map order (subcharts loaded from a map, warnings logged
            # while walking one) can make helm's output vary, sometimes in one
            # run out of ten: when hm differs, a few more helm runs; hm must
            # match one of them. Warnings may come in any order.
            if a[0] == 2 and b"panic: " in a[2]:
                panics += 1  # Go's crash and stack trace: hm fails with an error instead
                line = [l for l in a[2].decode(errors="replace").split("\n") if l.startswith("panic: ")][0]
                print("PANIC seed=%d (helm crashes: %s)" % (seed + i, line), flush=True)
                continue
            varies = False
            if same(a, b):
                a = b
            else:
                for _ in range(8):
                    r = run(o.helm, chart, args)
                    varies = varies or not same(r, a)
                    if same(r, b):
                        a = b
                        break
            if varies:
                flaky += 1
                print("FLAKY seed=%d (helm's output varies)%s" % (seed + i, "" if a == b else ", hm matches no run"),
                      flush=True)
            if a != b:
                diffs += 1
                d = os.path.join(o.out, "case%d" % (seed + i))
                shutil.rmtree(d, ignore_errors=True)
                shutil.copytree(tmp, d)
                with open(os.path.join(d, "chart"), "w") as f:
                    f.write(chart.replace(tmp, d) + "\n")
                with open(os.path.join(d, "args"), "w") as f:
                    f.write("\n".join(x.replace(tmp, d) for x in args) + "\n")
                for tag, r in (("helm", a), ("hm", b)):
                    with open(os.path.join(d, tag + ".out"), "wb") as f:
                        f.write(r[1].replace(tmp.encode(), d.encode()))
                    with open(os.path.join(d, tag + ".err"), "wb") as f:
                        f.write(r[2].replace(tmp.encode(), d.encode()))
                    with open(os.path.join(d, tag + ".code"), "w") as f:
                        f.write("%d\n" % r[0])
                print("DIFF seed=%d -> %s (code %d/%d)" % (seed + i, d, a[0], b[0]), flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if o.verbose:
        for m, k in sorted(msgs.items(), key=lambda x: -x[1])[:20]:
            print("%5d %s" % (k, m))
    print("rounds=%d seed=%d diffs=%d flaky=%d helm-panics=%d helm-errors=%d" % (o.n, seed, diffs, flaky, panics, errs))


if __name__ == "__main__":
    sys.exit(main())
