#!/usr/bin/env python3
"""Differential fuzzing of the chart commands but template and lint: hm vs helm.

A dev tool (tests never call helm). Each round writes a random tree: a chart
`p` (apiVersion v1 with requirements.yaml or v2; odd Chart.yaml fields and
types; README variants; crds/; values.yaml with comments and odd formatting;
.helmignore patterns; file:// dependencies with version ranges and aliases;
charts/ contents that match, are missing, extra or of the wrong version;
Chart.lock fresh, stale or missing) beside dependency charts under deps/,
folders or archives. Then one command, run by both tools on the same fresh
copy of the tree at the same path (so paths in messages agree), each with its
own HELM_CACHE_HOME/HELM_CONFIG_HOME/HELM_DATA_HOME:

  show chart|values|readme|crds|all CHART [--jsonpath X]   (folder or .tgz)
  package p [--version V] [--app-version A] [-d DEST] [--dependency-update]
  dependency list|build|update p
  create NAME   (odd names, existing folders, files in the way), then
                `template` of the result

compared: stdout, stderr, exit code, then the tree after the command (every
file; archives entry by entry: name, order, mode, size and bytes, dates left
out since helm stamps the current time; lock files with `generated:` masked).
hm's own package is also run twice: the archive bytes must be equal. A
difference is checked by more helm runs (Go's map order); real ones are saved
under --out, one folder a case.

    tests/fuzz/cmds_diff.py [-n ROUNDS] [--seed S] [--out DIR] [--only CMD]
        [--hm build/release/bin/hm] [--helm ~/.cache/kz-reference/bin/helm]
"""
import argparse
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile

HELM = os.path.expanduser("~/.cache/kz-reference/bin/helm")

SCALARS = ["1", "0", "true", "false", "null", "~", "abc", '"yes"', "1.5", "''",
           "[]", "{}", "[1, 2]", "yes", "0x1F", "1e3", "'quoted'", "\"a\\tb\"", "2020-01-01"]


def w(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


def values_text():
    """values.yaml with comments, odd spacing, anchors, block scalars."""
    r = random.random()
    if r < 0.05:
        return random.choice(["", "# only a comment\n", "---\n", "null\n", "{}\n", "a: 1"])
    lines = []
    if random.random() < 0.4:
        lines.append("# Default values for the chart.\n# This is a YAML-formatted file.")
    for k in random.sample(["replicaCount", "image", "name", "list", "flag", "m", "empty", "big", "text"],
                           random.randint(1, 6)):
        c = random.random()
        if random.random() < 0.2:
            lines.append("# about %s" % k)
        if c < 0.4:
            lines.append("%s:%s%s%s" % (k, random.choice([" ", "   "]), random.choice(SCALARS),
                                        random.choice(["", "  # trailing"])))
        elif c < 0.6:
            lines += ["%s:" % k, "  repository: nginx", "  tag: %s" % random.choice(SCALARS),
                      random.choice(["  pullPolicy: IfNotPresent", "  # pullPolicy: Always", ""])]
        elif c < 0.7:
            lines += ["%s:" % k, "- a", "-   b", "- {x: 1}"]
        elif c < 0.8:
            lines += ["%s: |" % k, "  line one", "", "  line three"]
        elif c < 0.85:
            lines += ["%s: &anc" % k, "  a: 1", "copy: *anc"]
        elif c < 0.9:
            lines.append("%s: 12345678901234567890" % k)
        else:
            lines.append('"%s": {a: 1, b: [1, 2]}' % k)
    text = "\n".join(lines) + "\n"
    if random.random() < 0.05:
        text = text.replace("\n", "\r\n")
    if random.random() < 0.05:
        text = text.rstrip("\n")
    return text


README_NAMES = ["README.md", "readme.txt", "README", "Readme.md", "README.rst", "readme", "README.txt",
                "docs/README.md", "README.MD"]
HELMIGNORE = ["*.txt", "crds/", "README*", "/values.yaml", "!keep.txt" if random.random() < 0.2 else "keep.txt", "# comment", "charts/",
              "templates/*.tpl", "*/x.yaml", ".git", "files/", "*.tgz", "Chart.lock", "*~",
              "requirements.yaml", "crds/*.json", "templates/NOTES.txt", "[a-c].txt", "values.schema.json"]
VERSIONS = ["0.1.0", "1.0.0", "1.2.3", "2.0.0-rc.1", "1.0.0+build.1", "1.2", "v1.2.3", "bad", "1.0.0-alpha+b.2"]
RANGES = ["1.0.0", "^1.0.0", "~1.2", ">=1.0.0 <2.0.0", "1.x", "*", "0.1.0", ">0.1.0", "~1.2.3",
          "1.0.0 - 1.5.0", "=1.2.3", ">=2.0.0-0", "", "not a range", "^0.1.0 || ^1.0.0"]


class Tree:
    def __init__(self, tmp):
        self.tmp = tmp
        self.depnames = []  # (name, version, where) of deps/ charts

    def chart_yaml(self, name, version, api, deps_in_chart):
        lines = []
        if random.random() < 0.2:
            lines.append("# a comment")
        if random.random() > 0.02:
            lines.append("apiVersion: %s" % api)
        if random.random() > 0.02:
            lines.append("name: %s" % name)
        if version is not None:
            lines.append("version: %s" % version)
        for extra in random.sample([
                "appVersion: %s" % random.choice(["1.16.0", "\"1.0\"", "1.10", "v2", "3", "true"]),
                "description: %s" % random.choice(["A Helm chart", "\"quoted: desc\"", "|\n  multi\n  line", "''"]),
                "type: %s" % random.choice(["application", "library", "application", "weird" if random.random() < 0.2 else "\"\""]),
                "keywords:\n  - a\n  - b" if random.random() < 0.7 else "keywords: [1, true]",
                "home: https://example.com",
                "sources:\n- https://a\n- https://b",
                "maintainers:\n  - name: me\n    email: me@x.io\n  - name: you\n    url: http://u",
                "icon: https://example.com/i.png",
                "kubeVersion: \">=1.20.0-0\"",
                "deprecated: %s" % random.choice(["true", "false", "true", "\"yes\"" if random.random() < 0.2 else "false"]),
                "annotations:\n  b: \"2\"\n  a: one",
                "annotations:\n  n: 1",
                "tillerVersion: \">=2\"",
                "engine: gotpl",
                "unknownField: 5",
                "\"quoted\": x",
                "version2: {a: 1}",
                "description: é ü ☃",
        ], random.randint(0, 6)):
            if extra.split(":")[0] in [l.split(":")[0] for l in lines]:
                continue
            lines.append(extra)
        if deps_in_chart:
            lines.append(deps_in_chart.rstrip("\n"))
        random.shuffle(lines)  # field order must not matter
        return "\n".join(lines) + "\n"

    def dep_chart(self, name, version):
        """A chart under deps/ (folder, sometimes packed by helm)."""
        path = os.path.join(self.tmp, "deps", "%s-%s" % (name, version))
        if os.path.exists(path):
            return
        w(os.path.join(path, "Chart.yaml"), "apiVersion: v2\nname: %s\nversion: %s\n%s" % (
            name, version, random.choice(["", "appVersion: \"1\"\n", "description: dep\n"])))
        w(os.path.join(path, "values.yaml"), "dep: %s\n" % name)
        w(os.path.join(path, "templates", "cm.yaml"), "# {{ .Chart.Name }} {{ .Values.dep }}\n")
        if random.random() < 0.2:
            w(os.path.join(path, "crds", "c.yaml"), "kind: CRD\nname: %s\n" % name)
        where = path
        if random.random() < 0.3:
            p = subprocess.run([HELM, "package", path, "-d", os.path.join(self.tmp, "deps")], capture_output=True)
            if p.returncode == 0:
                where = p.stdout.decode().strip().split(": ", 1)[-1]
        self.depnames.append((name, version, where))

    def parent(self):
        p = os.path.join(self.tmp, "p")
        api = random.choice(["v2", "v2", "v1", "v1"]) if random.random() > 0.01 else "v3"
        version = random.choice(VERSIONS + ["0.1.0"] * 12 + ["1", "01.2.3", "\"1.0.0\"", "1.0"])
        if random.random() < 0.02:
            version = None
        deps = []
        for name in random.sample(["a", "b", "c"], random.randint(0, 3)):
            v = random.choice(["1.0.0", "1.2.3", "0.1.0", "2.0.0-rc.1"])
            self.dep_chart(name, v)
            where = [d for d in self.depnames if d[0] == name and d[1] == v][0][2]
            d = {"name": name}
            r = random.random()
            if r < 0.75:
                rel = os.path.relpath(where, p)
                d["repository"] = "file://" + (rel if random.random() < 0.9 else where)
            elif r < 0.85:
                d["repository"] = ""
            elif r < 0.9:
                d["repository"] = "file://../nowhere"
            rr = random.random()
            if rr < 0.6:
                d["version"] = v if random.random() < 0.4 else random.choice(RANGES)
            elif rr < 0.95:
                d["version"] = random.choice(RANGES)
            if random.random() < 0.2:
                d["alias"] = name + "-alias"
            if random.random() < 0.1:
                d["condition"] = name + ".enabled"
            deps.append(d)
            if random.random() < 0.08:
                d2 = dict(d)
                d2["alias"] = name + "2"
                deps.append(d2)
        dep_text = ""
        if deps:
            dep_text = "dependencies:\n"
            for d in deps:
                dep_text += "- name: %s\n" % d["name"]
                for k in ("version", "repository", "alias", "condition"):
                    if k in d:
                        plain = d[k] and d[k][0] not in ">=^*~|!" and random.random() < 0.3
                        dep_text += "  %s: %s\n" % (k, d[k] if plain else json.dumps(d[k]))
        in_chart = dep_text if (api != "v1" or random.random() < 0.15) else ""
        w(os.path.join(p, "Chart.yaml"), self.chart_yaml("p", version, api, in_chart))
        if dep_text and not in_chart:
            w(os.path.join(p, "requirements.yaml"), dep_text)
        self.charts_dir(p, deps)
        self.lock(p, api, deps)
        if random.random() < 0.9:
            w(os.path.join(p, "values.yaml"), values_text())
        for rn in random.sample(README_NAMES, random.choice([0, 1, 1, 1, 2])):
            w(os.path.join(p, rn), random.choice(["# p\n\nThe readme of %s.\n" % rn, "", "no newline",
                                                   "line\r\nline2\r\n"]))
        if random.random() < 0.5:
            crds = random.sample(["crds/a.yaml", "crds/b.yml", "crds/sub/c.yaml", "crds/d.json",
                                  "crds/notes.txt", "crds/z.yaml"], random.randint(1, 3))
            for c in crds:
                w(os.path.join(p, c), random.choice(["kind: CustomResourceDefinition\nname: %s\n" % c,
                                                     "---\nkind: A\n---\nkind: B\n", "", "{\"kind\": \"J\"}\n"]))
        w(os.path.join(p, "templates", "cm.yaml"),
          "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n")
        if random.random() < 0.3:
            w(os.path.join(p, "templates", "_helpers.tpl"), "{{- define \"x\" -}}x{{- end -}}\n")
        if random.random() < 0.3:
            w(os.path.join(p, "templates", "NOTES.txt"), "notes\n")
        for f in random.sample(["keep.txt", "a.txt", "files/x.yaml", ".hidden", "LICENSE", "x.yaml~",
                                "values.schema.json", "files/" + "long" * 30 + ".txt", "files/ünï cödé.txt",
                                "files/" + "d" * 60 + "/" + "e" * 60 + "/f.txt", "exec.sh", "empty.txt"],
                               random.randint(0, 4)):
            w(os.path.join(p, f), "" if f == "empty.txt" else "{}\n" if f.endswith(".json") else "content of %s\n" % f)
            if f == "exec.sh":
                os.chmod(os.path.join(p, f), 0o755)
        r = random.random()
        if r < 0.04:
            os.symlink("values.yaml", os.path.join(p, "link.yaml"))
        elif r < 0.06:
            os.makedirs(os.path.join(p, "emptydir"))
        elif r < 0.08:
            os.symlink("../deps", os.path.join(p, "linkdir"))
        elif r < 0.09:
            os.symlink("nowhere", os.path.join(p, "dangling"))
        if random.random() < 0.4:
            w(os.path.join(p, ".helmignore"), "\n".join(random.sample(HELMIGNORE, random.randint(1, 4))) + "\n")
        return p

    def charts_dir(self, p, deps):
        """charts/: matching, missing, extra, wrong-version entries."""
        for d in deps:
            r = random.random()
            if r < 0.4:
                continue  # missing
            match = [x for x in self.depnames if x[0] == d["name"]]
            if not match:
                continue
            name, v, where = match[0]
            if r < 0.55:
                v = random.choice(["9.9.9", "0.0.1"])  # wrong version
            self.put_chart(p, name, v, archive=random.random() < 0.6)
        if random.random() < 0.1:
            self.put_chart(p, "extra", "1.0.0", archive=random.random() < 0.5)
        if random.random() < 0.03:
            w(os.path.join(p, "charts", "notachart.txt"), "x\n")
        if random.random() < 0.03:
            w(os.path.join(p, "charts", "broken-1.0.0.tgz"), "not gzip\n")

    def put_chart(self, p, name, v, archive):
        src = os.path.join(self.tmp, "put", "%s-%s" % (name, v))
        w(os.path.join(src, "Chart.yaml"), "apiVersion: v2\nname: %s\nversion: %s\n" % (name, v))
        w(os.path.join(src, "values.yaml"), "put: true\n")
        if random.random() < 0.3:
            w(os.path.join(src, "crds", "sub.yaml"), "kind: SubCRD\nname: %s\n" % name)
        if random.random() < 0.3:
            w(os.path.join(src, "README.md"), "sub readme\n")
        charts = os.path.join(p, "charts")
        os.makedirs(charts, exist_ok=True)
        if archive:
            subprocess.run([HELM, "package", src, "-d", charts], capture_output=True)
        else:
            shutil.copytree(src, os.path.join(charts, name), dirs_exist_ok=True)
        shutil.rmtree(os.path.join(self.tmp, "put"))

    def lock(self, p, api, deps):
        if not deps or random.random() < 0.5:
            return
        name = "requirements.lock" if api == "v1" else "Chart.lock"
        if random.random() < 0.1:
            name = "Chart.lock" if name == "requirements.lock" else "requirements.lock"
        ents = ""
        for d in deps:
            if random.random() < 0.1:
                continue
            ents += "- name: %s\n  repository: %s\n  version: %s\n" % (
                d["name"], d.get("repository", ""), random.choice(["1.0.0", "1.2.3", "0.1.0", "2.0.0-rc.1"]))
        digest = random.choice(["sha256:" + "0" * 64, "sha256:abc", ""])
        w(os.path.join(p, name), "dependencies:\n%sdigest: %s\ngenerated: \"2020-01-01T00:00:00Z\"\n" % (ents, digest))


def crafted_archive(src, dest):
    """A .tgz of the chart folder src made the ways other tools make them:
    ./ prefixes, folder entries, odd modes, a second top folder, symlinks,
    no gzip, ... (helm packs none of these)."""
    quirk = random.choice(["dotslash", "dirs", "modes", "second", "symlink", "plain", "rootfile",
                           "dotdot", "abs", "pax", "dup", "empty", "renamed"])
    base = os.path.basename(src)
    top = "other" if quirk == "renamed" else base
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT if quirk == "pax" else tarfile.GNU_FORMAT) as t:
        def add(name, data, mode=0o644, kind=tarfile.REGTYPE, link=""):
            ti = tarfile.TarInfo(name)
            ti.mode, ti.type, ti.linkname, ti.size = mode, kind, link, len(data) if kind == tarfile.REGTYPE else 0
            if quirk == "pax":
                ti.pax_headers = {"comment": "x"}
            t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
        if quirk == "dirs":
            add(top + "/", b"", 0o755, tarfile.DIRTYPE)
        if quirk == "rootfile":
            add("stray.txt", b"stray\n")
        for dp, dns, fns in sorted(os.walk(src)):
            dns.sort()
            rel = os.path.relpath(dp, src)
            if quirk == "dirs" and rel != ".":
                add(top + "/" + rel + "/", b"", 0o755, tarfile.DIRTYPE)
            for fn in sorted(fns):
                full = os.path.join(dp, fn)
                if os.path.islink(full):
                    continue
                name = os.path.normpath(os.path.join(top, rel, fn))
                if quirk == "dotslash":
                    name = "./" + name
                with open(full, "rb") as f:
                    data = f.read()
                add(name, data, 0o755 if quirk == "modes" else 0o644)
                if quirk == "dup" and fn == "values.yaml":
                    add(name, b"dup: 1\n")
        if quirk == "second":
            add("second/Chart.yaml", b"apiVersion: v2\nname: second\nversion: 1.0.0\n")
        if quirk == "symlink":
            add(top + "/link.yaml", b"", kind=tarfile.SYMTYPE, link="values.yaml")
        if quirk == "dotdot":
            add(top + "/../evil.txt", b"evil\n")
        if quirk == "abs":
            add("/" + top + "/abs.txt", b"abs\n")
        if quirk == "empty":
            add(top + "/templates/empty.yaml", b"")
    raw = buf.getvalue()
    with open(dest, "wb") as f:
        f.write(raw if quirk == "plain" else gzip_bytes(raw))
    return quirk


def gzip_bytes(raw):
    import gzip
    return gzip.compress(raw, mtime=0)


def state(root, hashes=True):
    """Every file under root; archives and locks opened. hm's create starter
    is kz's own text: only its file names count (hashes=False)."""
    out = []
    for dp, dns, fns in os.walk(root):
        dns.sort()
        for fn in sorted(fns + [d + "/" for d in dns]):
            full = os.path.join(dp, fn.rstrip("/"))
            rel = os.path.relpath(full, root)
            if os.path.islink(full):
                out.append("S %s -> %s" % (rel, os.readlink(full)))
            elif fn.endswith("/"):
                out.append("D " + rel)
            elif fn.endswith(".tgz"):
                out.append("T " + rel)
                out += archive_lines(full)
            elif fn in ("Chart.lock", "requirements.lock"):
                out.append("L " + rel)
                with open(full, "rb") as f:
                    out += ["  " + ("generated: @MASKED@" if l.startswith(b"generated: ") else l.decode("utf-8", "replace"))
                            for l in f.read().split(b"\n")]
            else:
                with open(full, "rb") as f:
                    out.append("F %s %s" % (rel, hashlib.sha256(f.read()).hexdigest()[:16] if hashes else ""))
    return "\n".join(out) + "\n"


def archive_lines(path):
    try:
        with tarfile.open(path, "r:gz") as t:
            out = []
            for m in t.getmembers():
                data = t.extractfile(m).read() if m.isfile() else b""
                out.append("  %s %o %d %s/%s %s" % (m.name, m.mode, m.size, m.uid, m.gid, m.type.decode()))
                if m.name.endswith("/Chart.yaml") or m.name.endswith(".lock"):
                    out += ["    | " + ("generated: @MASKED@" if l.startswith("generated: ") else l)
                            for l in data.decode("utf-8", "replace").split("\n")]
                else:
                    out.append("    sha " + hashlib.sha256(data).hexdigest()[:16])
            return out
    except Exception as e:  # not an archive: both tools must agree on that too
        return ["  unreadable %s" % type(e).__name__]


def run(tool, args, cwd, tmp):
    env = dict(os.environ)
    homes = tempfile.mkdtemp(prefix="homes", dir=tmp)
    for k in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME", "HM_CACHE_HOME", "HM_CONFIG_HOME"):
        env[k] = os.path.join(homes, k.lower())
    try:
        p = subprocess.run([tool] + args, capture_output=True, timeout=60, cwd=cwd, env=env)
        return p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        return -1, b"", b"timeout"
    finally:
        shutil.rmtree(homes, ignore_errors=True)


def jsonpath():
    return random.choice(["{.replicaCount}", "{.image}", "{.image.tag}", "{.list[0]}", "{.missing}",
                          "{$}", "{.list[*]}", "{range .list}{@}{end}", "{.m}", "{", "{.a}{.b}",
                          "text {.flag} more", "{.text}", "{.big}", "{..tag}", "{.empty}"])


def presync(pristine):
    """A chart whose lock helm wrote (digest in sync), then sometimes changed."""
    p = os.path.join(pristine, "p")
    env = dict(os.environ)
    homes = tempfile.mkdtemp(prefix="homes")
    for k in ("HELM_CACHE_HOME", "HELM_CONFIG_HOME", "HELM_DATA_HOME"):
        env[k] = os.path.join(homes, k.lower())
    subprocess.run([HELM, "dependency", "update", p], capture_output=True, env=env)
    shutil.rmtree(homes, ignore_errors=True)
    charts = os.path.join(p, "charts")
    r = random.random()
    if r < 0.3 and os.path.isdir(charts):
        for f in sorted(os.listdir(charts))[:1]:
            full = os.path.join(charts, f)
            shutil.rmtree(full) if os.path.isdir(full) else os.remove(full)
    elif r < 0.4:
        for lock in ("Chart.lock", "requirements.lock"):
            if os.path.exists(os.path.join(p, lock)):
                with open(os.path.join(p, lock)) as f:
                    text = f.read()
                w(os.path.join(p, lock), text.replace("version: 1", "version: 9"))


def make_command(tree, chart, kind):
    """Arguments of one random command on the tree (run in tree.tmp/work)."""
    if kind == "show":
        sub = random.choice(["chart", "values", "readme", "crds", "all", "values"])
        args = ["show", sub, chart]
        if sub == "values" and random.random() < 0.4:
            args += ["--jsonpath", jsonpath()]
        return args
    if kind == "package":
        args = ["package", "p"]
        if random.random() < 0.3:
            args += ["--version", random.choice(VERSIONS + ["3.0.0"])]
        if random.random() < 0.3:
            args += ["--app-version", random.choice(["2.0", "v9 beta", "1", ""])]
        if random.random() < 0.5:
            args += ["-d", random.choice(["out", ".", "out/deep", "p"])]
        if random.random() < 0.3:
            args.append(random.choice(["--dependency-update", "-u"]))
        return args
    if kind == "dependency":
        return ["dependency", random.choice(["list", "build", "update", "list"]), "p"]
    name = random.choice(["mychart", "my.chart", "MyChart", "a", "p", "x/y", "with-dash", "exists",
                          "afile", "1chart", "a_b", "nested/deeper/c", "foo/", ".", "p/sub",
                          "-dash", "a b", "x" * 251, "x" * 250, "exists/", "afile/x", "./dot", "é",
                          "exists/templates", "UPPER.Case-1_2"])
    return ["create", name]


def create_setup(work):
    """Things a `create` may trip on: a folder with a file, a plain file."""
    w(os.path.join(work, "exists", "keep.yaml"), "x: 1\n")
    w(os.path.join(work, "afile"), "file\n")


def one(tool, tree, chart, args, kind, pristine, work):
    """Run args with tool on a fresh copy of the tree; its record."""
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(pristine, work, symlinks=True)
    if kind == "create":
        create_setup(work)
    r = run(tool, args, work, tree.tmp)
    rec = [r[0], r[1], r[2], state(work, kind != "create")]
    if kind == "create" and r[0] == 0:
        name = args[1]
        t = run(tool, ["template", "t", name], work, tree.tmp)
        rec += [t[0], t[1], t[2]]
    return rec


def main():
    global HELM
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", default="/tmp/cmds_diff")
    ap.add_argument("--only", default=None, help="show, package, dependency or create")
    ap.add_argument("--hm", default="build/release/bin/hm")
    ap.add_argument("--helm", default=HELM)
    ap.add_argument("-v", dest="verbose", action="store_true", help="print each round's command and helm's error")
    o = ap.parse_args()
    HELM = o.helm
    hm = os.path.abspath(o.hm)
    seed = o.seed if o.seed is not None else random.randrange(1 << 30)
    os.makedirs(o.out, exist_ok=True)
    diffs = flaky = nondet = 0
    for i in range(o.n):
        random.seed(seed + i)
        tmp = tempfile.mkdtemp(prefix="cm")
        try:
            pristine = os.path.join(tmp, "pristine")
            work = os.path.join(tmp, "work")
            tree = Tree(pristine)
            os.makedirs(pristine)
            tree.parent()
            kind = o.only or random.choice(["show", "show", "package", "dependency", "dependency", "create"])
            chart = "p"
            if kind == "show" and random.random() < 0.2:
                quirk = crafted_archive(os.path.join(pristine, "p"), os.path.join(pristine, "crafted.tgz"))
                chart = "crafted.tgz"
            elif kind == "show" and random.random() < 0.3:
                p = subprocess.run([HELM, "package", os.path.join(pristine, "p"), "-d", pristine],
                                   capture_output=True)
                if p.returncode == 0:
                    chart = os.path.basename(p.stdout.decode().strip().split(": ", 1)[-1])
            if kind in ("dependency", "package") and random.random() < 0.3:
                presync(pristine)
            args = make_command(tree, chart, kind)
            b = one(hm, tree, chart, args, kind, pristine, work)
            if kind == "package" and b[0] == 0 and "-u" not in args and "--dependency-update" not in args:
                # hm's archives depend only on the chart: a second run, same bytes
                arcs = {}
                for rnd in range(2):
                    if rnd:
                        one(hm, tree, chart, args, kind, pristine, work)
                    for dp, _, fns in os.walk(work):
                        for fn in fns:
                            if fn.endswith(".tgz") and "deps" not in dp:
                                with open(os.path.join(dp, fn), "rb") as f:
                                    arcs.setdefault(os.path.join(dp, fn), []).append(f.read())
                if any(len(v) == 2 and v[0] != v[1] for v in arcs.values()):
                    nondet += 1
                    print("NONDETERMINISTIC seed=%d %s" % (seed + i, args), flush=True)
            a = one(HELM, tree, chart, args, kind, pristine, work)
            if o.verbose:
                m = [l for l in a[2].decode(errors="replace").split("\n") if l.startswith("Error")]
                print("seed=%d code=%d %s %s" % (seed + i, a[0], " ".join(args), (m or [""])[0][:150]), flush=True)
            varies = False
            if a != b:
                for _ in range(3):
                    r = one(HELM, tree, chart, args, kind, pristine, work)
                    varies = varies or r != a
                    if r == b:
                        a = b
                        break
            if varies:
                flaky += 1
                print("FLAKY seed=%d %s" % (seed + i, args), flush=True)
            if a != b:
                diffs += 1
                d = os.path.join(o.out, "case%d" % (seed + i))
                shutil.rmtree(d, ignore_errors=True)
                shutil.copytree(pristine, d, symlinks=True)
                with open(os.path.join(d, "args"), "w") as f:
                    f.write(json.dumps(args) + "\n")
                for tag, r in (("helm", a), ("hm", b)):
                    with open(os.path.join(d, tag + ".rec"), "wb") as f:
                        for x in r:
                            f.write(x if isinstance(x, bytes) else str(x).encode())
                            f.write(b"\n=====\n")
                print("DIFF seed=%d %s -> %s (code %d/%d)" % (seed + i, " ".join(args), d, a[0], b[0]), flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("rounds=%d seed=%d diffs=%d flaky=%d hm-nondeterministic=%d" % (o.n, seed, diffs, flaky, nondet))


if __name__ == "__main__":
    sys.exit(main())
