#!/usr/bin/env python3
"""Differential fuzzing of template functions: hm vs the reference helm.

A dev tool (tests never run helm). Generates random calls of the Sprig, Helm
and Go builtin functions with arguments of every kind, renders them with both
tools and prints every case whose output, error message or exit code differs.

  usage: funcs_diff.py [-n CASES] [-s SEED] [-b BATCH] [--hm PATH] [--helm PATH]
                       [--only FN,FN] [--case TEMPLATE]

OK cases are batched: every case is a _cN.tpl of one chart, printed through
include | b64enc (so whitespace-only results and non-YAML text survive). A
batch that fails in helm is bisected, since one error aborts the whole render;
cases that fail alone are compared one by one as templates/x.yaml, error text
and exit code included.
"""
import argparse
import base64
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHART = os.path.join(ROOT, "tests/golden/funcs/chart")
NAMES = os.path.join(ROOT, "tests/golden/funcs/names.txt")
SET = ["--set", "si=5,sneg=-2,sstr=abc,sb=true"]

BUILTINS = ("eq ne lt le gt ge and or not len index slice print printf println "
            "html js urlquery call").split()

# Output changes from run to run (or needs the network): only their type and
# their errors are compared, through typeOf.
RANDOM = set(("randAlpha randAlphaNum randAscii randBytes randInt randNumeric "
              "shuffle uuidv4 now genPrivateKey genCA genCAWithKey "
              "genSelfSignedCert genSelfSignedCertWithKey genSignedCert "
              "genSignedCertWithKey bcrypt htpasswd encryptAES ago "
              "buildCustomCert").split())
UNORDERED = {"keys", "values"}
NEVER = {"getHostByName", "lookup", "fail"}

ARGS = [
    # ints, floats
    "0", "-1", "3", "9223372036854775807", "1.5", "1e3", "-0.0", "2",
    # strings
    '""', '"a"', '"10"', '"1.5"', '"true"', '"a,b"', '"héllo ǅ"', '"-3"',
    '"1.2.3"', '"2020-01-02"', '"a.b/c.txt"', '"{\\"a\\":1}"', '"[1,2]"',
    '"x: 1"', '"^a+"', '"0x10"', '" 7 "',
    # nil, bools
    "nil", "true", "false",
    # values.yaml (float64 numbers), --set (int64 numbers)
    ".Values.num", ".Values.f", ".Values.neg", ".Values.z", ".Values.huge",
    ".Values.s", ".Values.e", ".Values.t", ".Values.l", ".Values.sl",
    ".Values.el", ".Values.m", ".Values.em", ".Values.nested", ".Values.nul",
    ".Values.mixed", ".Values.numstr", ".Values.floatstr", ".Values.missing",
    ".Values.objs", ".Values.si", ".Values.sneg", ".Values.sstr", ".Values.sb",
    ".Values",
    # composite values
    '(list 1 "a")', "(list)", '(dict "a" 1)', "(dict)", '(list "b" "a")',
    '(dict "a" (list 1 2))', "(tuple 1 2.5)", '(splitList "," "a,b")',
    # objects
    ".Capabilities", ".Chart", ".Release", ".Files", ".Release.Name",
    ".Chart.Version", ".Capabilities.KubeVersion", ".Release.IsInstall",
    ".Template",
    # results of other functions
    '(semver "1.2.3")', '(toDate "2006-01-02" "2020-01-02")',
    '(regexFind "a+" "caab")', '(atoi "5")', "(int64 5)", "(float64 2)",
    "(int 7)", '(b64enc "x")', "(keys .Values.m | sortAlpha)", '(toDecimal "0777")',
    '(urlParse "http://a/b")', '(fromYaml "a: 1")', '(fromJson "[1]")',
    '(unixEpoch (toDate "2006-01-02" "2020-01-02"))', "(seq 3)",
    '(duration 90)', '(get (dict "a" 1) "a")', "(len .Values.l)",
    "(add 1 2)", "(divf 1 2)", '(.Files.Get "nope")', '(.Files.Glob "*")',
    ".Capabilities.APIVersions", ".Chart.Maintainers", ".Chart.Metadata",
    '(semver "1.2.3").Major', '(toDate "2006-01-02" "2020-01-02").Month',
    '(b64dec "eA==")', "(.Files.GetBytes \"x\")", '(mustToJson 1)',
    '(regexSplit "," "a,b" -1)', "(until 3)", '(toStrings (list 1 2))',
    "(chunk 2 (list 1 2 3))", '(durationRound "1h")', ".Values.l.x",
    '(dig "a" "b" "d" .Values.nested)', '(set (dict) "k" nil)',
]

FORMS = ["call", "call", "call", "pipe", "printf", "json", "yaml", "kind"]


def load_names():
    with open(NAMES) as f:
        names = [l.strip() for l in f if l.strip()]
    names = [n for n in names if n not in NEVER]
    return sorted(set(names) | set(BUILTINS))


def gen_arg(rng, names, depth):
    """A pool value, sometimes the result of another random call."""
    if depth < 2 and rng.random() < 0.12:
        fn = rng.choice([n for n in names if n not in RANDOM | UNORDERED])
        n = rng.choice([1, 1, 2, 2, 3])
        return "(%s)" % " ".join([fn] + [gen_arg(rng, names, depth + 1) for _ in range(n)])
    return rng.choice(ARGS)


def gen_case(rng, names):
    fn = rng.choice(names)
    nargs = rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4])
    args = [gen_arg(rng, names, 0) for _ in range(nargs)]
    if fn in RANDOM:
        return "{{ typeOf (%s) }}" % " ".join([fn] + args)
    if fn in UNORDERED:  # Go map order: sort what comes out
        return "{{ %s | sortAlpha }}" % " ".join([fn] + args)
    form = rng.choice(FORMS)
    if form == "pipe" and args:
        return "{{ %s | %s }}" % (args[-1], " ".join([fn] + args[:-1]))
    call = " ".join([fn] + args)
    if form == "printf":
        return '{{ printf "%%v|%%T" (%s) }}' % call
    if form == "json":
        return "{{ %s | toJson }}" % call
    if form == "yaml":
        return "{{ %s | toYaml }}" % call
    if form == "kind":
        return "{{ kindOf (%s) }}|{{ typeOf (%s) }}" % (call, call)
    return "{{ %s }}" % call


def make_chart(dir_, files):
    shutil.copytree(CHART, dir_)
    os.makedirs(os.path.join(dir_, "templates"), exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(dir_, "templates", name), "w") as f:
            f.write(text)


def render(tool, chart):
    try:
        p = subprocess.run([tool, "template", "t", chart] + SET,
                           capture_output=True, timeout=20,
                           env=dict(os.environ, TZ="UTC"))
    except subprocess.TimeoutExpired:
        return (None, b"", b"timeout")
    return (p.returncode, p.stdout, p.stderr)


class Runner:
    def __init__(self, hm, helm, work):
        self.hm, self.helm, self.work = hm, helm, work
        self.n = 0
        self.diffs = []
        self.runs = 0
        self.yaml = []

    def tmp(self):
        self.n += 1
        return os.path.join(self.work, "c%d" % self.n)

    def batch(self, cases):
        """Render CASES as one chart: {case: base64 result} per tool, or None."""
        files = {}
        lines = []
        for i, c in enumerate(cases):
            files["_c%d.tpl" % i] = c
            lines.append('# c%d {{ include "c/templates/_c%d.tpl" . | b64enc }}' % (i, i))
        files["cases.yaml"] = "\n".join(lines) + "\n"
        d = self.tmp()
        make_chart(d, files)
        self.runs += 1
        rc, out, err = render(self.helm, d)
        if rc != 0:
            shutil.rmtree(d)
            return None
        hrc, hout, herr = render(self.hm, d)
        shutil.rmtree(d)
        if hout == out and hrc == rc:
            return True
        want = dict(re.findall(rb"^# (c\d+) (\S*)$", out, re.M))
        got = dict(re.findall(rb"^# (c\d+) (\S*)$", hout, re.M))
        if hrc != 0:
            for c in cases:
                self.single(c)
            return True
        for i, c in enumerate(cases):
            k = b"c%d" % i
            if want.get(k) != got.get(k):
                self.report(c, "ok", dec(want.get(k)), dec(got.get(k)))
        return True

    def single(self, case):
        d = self.tmp()
        make_chart(d, {"x.yaml": case})
        self.runs += 1
        a = render(self.helm, d)
        b = render(self.hm, d)
        shutil.rmtree(d)
        if a[0] is None:
            return  # helm hangs or runs out of memory: nothing to match
        if a != b:
            if b"YAML parse error" in a[2] and b"YAML parse error" in b[2]:
                self.yaml.append(case)  # the YAML reader's domain, not ours
                return
            self.report(case, "single", a, b)

    def triage(self, cases):
        """Run every case alone in hm (fast): those it fails are compared one
        by one, the others batched."""
        ok = []
        for c in cases:
            d = self.tmp()
            make_chart(d, {"x.yaml": c})
            rc = render(self.hm, d)[0]
            shutil.rmtree(d)
            if rc == 0:
                ok.append(c)
            else:
                self.single(c)
        for i in range(0, len(ok), self.bsize):
            self.run(ok[i:i + self.bsize])

    def run(self, cases):
        if not cases:
            return
        if self.batch(cases) is None:
            if len(cases) == 1:
                self.single(cases[0])
                return
            h = len(cases) // 2
            self.run(cases[:h])
            self.run(cases[h:])

    def report(self, case, kind, want, got):
        self.diffs.append(case)
        print("DIFF %s: %s\n  helm: %r\n  hm:   %r" % (kind, case, want, got),
              flush=True)


def dec(b):
    if b is None:
        return None
    try:
        return base64.b64decode(b)
    except Exception:
        return b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=500)
    ap.add_argument("-s", type=int, default=1)
    ap.add_argument("-b", type=int, default=100)
    ap.add_argument("--hm", default=os.path.join(ROOT, "build/release/bin/hm"))
    ap.add_argument("--helm", default=os.path.expanduser(
        "~/.cache/kz-reference/bin/helm"))
    ap.add_argument("--only", default="")
    ap.add_argument("--case", action="append", default=[])
    o = ap.parse_args()
    rng = random.Random(o.s)
    names = load_names()
    if o.only:
        names = o.only.split(",")
    work = tempfile.mkdtemp(prefix="funcs_diff.")
    r = Runner(o.hm, o.helm, work)
    try:
        if o.case:
            for c in o.case:
                r.single(c)
        else:
            r.bsize = o.b
            r.triage([gen_case(rng, names) for _ in range(o.n)])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for c in r.yaml:
        print("YAML-PARSE-DIFF: %s" % c)
    print("cases: %d, tool runs: %d, diffs: %d, yaml parse diffs: %d" % (
        len(o.case) or o.n, r.runs, len(r.diffs), len(r.yaml)), file=sys.stderr)


if __name__ == "__main__":
    main()
