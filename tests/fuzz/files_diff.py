#!/usr/bin/env python3
"""Differential fuzzing of a chart's files as templates see them: hm vs helm.

A dev tool (tests never call helm). Each round writes a chart with a random
file tree (nested folders, dotfiles, names with spaces, unicode, glob
metacharacters and backslashes, empty, binary and CRLF files, at the root and
under templates/, charts/, crds/, files/, conf.d/), a random .helmignore
(comments, negations, folder patterns, `*`, `**`, `?`, classes, escapes,
invalid patterns) and templates that print .Files.Get, .Files.GetBytes,
.Files.Lines, .Files.Glob (with AsConfig, AsSecrets, ranges, len); then random
--set-file, --set-literal and --set-string arguments. It runs
`hm template rel CHART ARGS` first, then helm, and compares stdout, stderr and
the exit code; a difference is checked by more helm runs (Go's map order) and
real ones are saved under --out, one folder a case.

    tests/fuzz/files_diff.py [-n ROUNDS] [--seed S] [--out DIR]
        [--hm build/release/bin/hm] [--helm ~/.cache/kz-reference/bin/helm]
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

HELM = os.path.expanduser("~/.cache/kz-reference/bin/helm")

DIRS = ["", "", "", "files", "files/sub", "conf.d", "conf.d/a b", "templates",
        "templates/sub", "charts", "crds", ".hidden", "files/.dot", "日本",
        "x*y", "a[b", "q?", "back\\slash", "files/deep/er/still"]
NAMES = ["a.txt", "b.conf", "c.yaml", ".env", ".dot.txt", "name with space.txt",
         "ü.txt", "日本語.conf", "star*.txt", "br[ack.txt", "q?.conf", "back\\s.txt",
         "README", "x", "data.bin", "crlf.txt", "empty", "{a,b}.txt", "a", "b",
         "ab.conf", "!bang", "#hash", "Chart.yaml", "values.yaml", "NOTES.txt",
         "_helpers.tpl", "requirements.yaml", "Chart.lock", "values.schema.json",
         "LICENSE", ".helmignore"]
SPECIAL = ["Chart.yaml", "requirements.yaml", "Chart.lock", "values.schema.json"]
CONTENTS = ["", "hello\n", "line1\nline2\n", "a\r\nb\r\n", "no newline", "\n\n\n",
            "x: 1\n", "tab\there\n", "ünï\n", "last\r\n", "\r\n"]


def content():
    r = random.random()
    if r < 0.1:
        return bytes(random.randrange(256) for _ in range(random.randint(1, 40)))
    if r < 0.13:
        return b"\xff\xfe\x00bin\x00\n"
    if r < 0.15:
        return ("long line %d\n" * 200).encode() % tuple(range(200))
    return random.choice(CONTENTS).encode()


# Patterns helm rejects (the whole chart fails to load) and negations (helm
# then ignores every file the pattern does not match, Chart.yaml too): rarer.
BAD_IGNORE = ["!a.txt", "!*.conf", "!templates/", "!", "!!a.txt", "*", "*.yaml", "Chart.yaml", "[]a]", "[", "a[", "**", "**/*.conf", "files/**", "**/deep", "\\", "a\\", "[[]"]
IGNORE = ["# comment", "", "   ", "*.txt", "!a.txt", "files/", "files", "/files",
          "/a.txt", "conf.d/", "**", "**/*.conf", "*/*.txt", "a?.conf", "[a-c].txt",
          "[!a].txt", "\\#hash", "\\!bang", "[", "a[", "*.bin", "templates/",
          "templates", "templates/sub/", ".*", ".hidden/", "crds/", "charts/",
          "name with space.txt", "日本/", "x\\*y", "star\\*.txt", "*", "!*.conf",
          "sub", "sub/", "deep/", "files/**", "**/deep", "empty", "b", "/b",
          "*.yaml", "Chart.yaml", "values.yaml", "!templates/", "\\", "a\\",
          "*.[ch]", "[[]", "[]a]", "[^a].txt", "ab.conf ", " a.txt", "#", "!",
          "!!a.txt", "files/*/", ".helmignore", "*.tpl", "NOTES.txt"]

GLOBS = ["**", "*", "*.conf", "*.txt", "**.txt", "**/*.txt", "{a,b}.txt",
         "{a,b}*", "[", "files/*", "files/**", "conf.d/*", "conf.d/**", "*/*",
         "?", "??", "[a-c]*", "[!a]*", ".*", "**/.*", "files/sub/*", "日本/*",
         "x*y/*", "a[b/*", "\\*", "star\\*.txt", "**/", "", "a.txt", "missing",
         "{", "}", "{files,conf.d}/*", "*.{txt,conf}", "[[]*", "back\\\\slash/*",
         "**/a*", "crds/*", "templates/*", "charts/*", ".hidden/*", "*.bin"]


def q(s):
    """A Go template string literal."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rand_template(files):
    known = list(files) + ["missing.txt", "Chart.yaml", "values.yaml",
                           "templates/t.yaml", ".helmignore", "charts/x", "files",
                           "/a.txt", "./a.txt", "files//a.txt", ""]
    parts = []
    for _ in range(random.randint(2, 7)):
        r = random.random()
        p = q(random.choice(known))
        g = q(random.choice(GLOBS))
        if r < 0.15:
            parts.append("get: {{ .Files.Get %s | toJson }}" % p)
        elif r < 0.25:
            parts.append("bytes: {{ .Files.GetBytes %s | toString | toJson }}" % p)
        elif r < 0.35:
            parts.append("lines: {{ range $i, $l := .Files.Lines %s }}[{{ $i }}:{{ $l | toJson }}]{{ end }}" % p)
        elif r < 0.45:
            parts.append("asconfig: {{ (.Files.Glob %s).AsConfig | toJson }}" % g)
        elif r < 0.55:
            parts.append("assecrets: {{ (.Files.Glob %s).AsSecrets | toJson }}" % g)
        elif r < 0.65:
            parts.append("glob: {{ range $path, $bytes := .Files.Glob %s }}[{{ $path | toJson }}={{ len $bytes }}]{{ end }}" % g)
        elif r < 0.72:
            parts.append("len: {{ len (.Files.Glob %s) }}" % g)
        elif r < 0.78:
            parts.append("all: {{ range $path, $_ := .Files }}[{{ $path | toJson }}]{{ end }}")
        elif r < 0.79:
            parts.append("get2: {{ .Files.Get %s | toJson }}" % q(random.choice(files or ["x"])))
        elif r < 0.86:
            parts.append("glob2: {{ range $path, $_ := (.Files.Glob %s).Glob %s }}[{{ $path | toJson }}]{{ end }}"
                         % (g, q(random.choice(GLOBS))))
        elif r < 0.9:
            parts.append("toyaml: {{ .Files.Glob %s | toYaml | toJson }}" % g)
        else:
            parts.append("values: {{ toJson .Values }}")
    # every line a comment: what a file holds must not break the YAML
    return "# t\n" + "".join("# %s\n" % p for p in parts)


def make_chart(root):
    os.makedirs(os.path.join(root, "templates"))
    with open(os.path.join(root, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: p\nversion: 0.1.0\n")
    if random.random() < 0.5:
        with open(os.path.join(root, "values.yaml"), "w") as f:
            f.write("k: v\n")
    files = []
    for _ in range(random.randint(1, 14)):
        d = random.choice(DIRS)
        n = random.choice(NAMES)
        if d == "" and n in SPECIAL and (n == "Chart.yaml" or random.random() < 0.85):
            continue  # random text in Chart.lock, values.schema.json: helm fails
        if d == "charts" and random.random() < 0.7:
            continue  # files in charts/ are mostly subchart trouble
        rel = os.path.join(d, n) if d else n
        full = os.path.join(root, rel)
        if os.path.isdir(full):
            continue
        try:
            os.makedirs(os.path.dirname(full), exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            continue
        data = content()
        if n == "crlf.txt":
            data = b"a\r\nb\r\n"
        if rel.startswith("templates/") and (random.random() < 0.8 or not rel.endswith((".txt", ".bin"))):
            data = b"# %s\n" % rel.encode()  # a template must parse
        if rel == ".helmignore" or rel == "values.yaml":
            continue
        if rel.endswith("Chart.yaml") or rel.endswith("values.yaml") and d.startswith("charts"):
            continue
        with open(full, "wb") as f:
            f.write(data)
        files.append(rel)
    if random.random() < 0.1:
        os.makedirs(os.path.join(root, "emptydir", "sub"), exist_ok=True)
    if random.random() < 0.7:
        lines = random.sample([x for x in IGNORE if x not in BAD_IGNORE], random.randint(1, 6))
        if random.random() < 0.1:
            lines.append(random.choice(BAD_IGNORE))
        random.shuffle(lines)
        sep = "\r\n" if random.random() < 0.1 else "\n"
        with open(os.path.join(root, ".helmignore"), "w", newline="") as f:
            f.write(sep.join(lines) + (sep if random.random() < 0.8 else ""))
        files.append(".helmignore")
    with open(os.path.join(root, "templates", "t.yaml"), "w") as f:
        f.write(rand_template(files))
    return files


ODD = ["", "a,b", "a=b", "x\\,y", "[1]", "{}", "null", "true", "1e3", "0x10",
       "é", "a b", "\\", "a\nb", "007", "~", "--x", "a]", "k.v"]


def rand_args(tmp, root, files):
    args = []
    for _ in range(random.choice([0, 0, 1, 2, 3])):
        r = random.random()
        key = random.choice(["k", "f", "a.b", "x[0]", "m.n[1]", "k\\.d", "z"])
        if r < 0.45:
            c = random.random()
            if c < 0.05:
                path = os.path.join(tmp, "missing.txt")
            elif c < 0.4 and files:
                path = os.path.join(root, random.choice(files))
            else:
                path = os.path.join(tmp, "sf%d" % len(args))
                with open(path, "wb") as f:
                    f.write(random.choice([b"", b"a\r\nb\r\n", b"\x00\xff\xfe",
                                           b"x" * 70000, b"plain\n", b"k: v\n", "ü\n".encode()]))
            if random.random() < 0.1:
                path = path + "," + key + "2=" + path
            args += ["--set-file", key + "=" + path]
        elif r < 0.7:
            args += ["--set-literal", key + "=" + random.choice(ODD)]
        else:
            args += ["--set-string", key + "=" + random.choice(ODD)]
    if args and random.random() < 0.5:
        args.insert(0, "--set")
        args.insert(1, "k=1")
    return args


def run(tool, chart, args):
    p = subprocess.run([tool, "template", "rel", chart] + args, capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def save(out, seed, tmp, chart, args, a, b):
    d = os.path.join(out, "case%d" % seed)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(tmp, d, symlinks=True)
    with open(os.path.join(d, "args"), "w") as f:
        f.write("\n".join(x.replace(tmp, d) for x in [chart] + args) + "\n")
    for tag, r in (("helm", a), ("hm", b)):
        for ext, data in (("out", r[1]), ("err", r[2]), ("code", b"%d\n" % r[0])):
            with open(os.path.join(d, "%s.%s" % (tag, ext)), "wb") as f:
                f.write(data.replace(tmp.encode(), d.encode()))
    return d


def main():
    global HELM
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--out", default="/tmp/files_diff")
    ap.add_argument("--hm", default="build/release/bin/hm")
    ap.add_argument("--helm", default=HELM)
    o = ap.parse_args()
    HELM = o.helm
    seed = o.seed if o.seed is not None else random.randrange(1 << 30)
    os.makedirs(o.out, exist_ok=True)
    diffs = errs = flaky = 0
    for i in range(o.n):
        random.seed(seed + i)
        tmp = tempfile.mkdtemp(prefix="fd")
        try:
            chart = os.path.join(tmp, "p")
            files = make_chart(chart)
            args = rand_args(tmp, chart, files)
            b = run(o.hm, chart, args)
            a = run(o.helm, chart, args)
            if a[0]:
                errs += 1
            varies = False
            if a != b:
                for _ in range(4):
                    r = run(o.helm, chart, args)
                    varies = varies or r != a
                    if r == b:
                        a = b
                        break
            if varies:
                flaky += 1
                print("FLAKY seed=%d (helm's output varies)" % (seed + i), flush=True)
            if a != b:
                diffs += 1
                d = save(o.out, seed + i, tmp, chart, args, a, b)
                print("DIFF seed=%d -> %s (code %d/%d)" % (seed + i, d, a[0], b[0]), flush=True)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    print("rounds=%d seed=%d diffs=%d flaky=%d helm-errors=%d" % (o.n, seed, diffs, flaky, errs))


if __name__ == "__main__":
    sys.exit(main())
