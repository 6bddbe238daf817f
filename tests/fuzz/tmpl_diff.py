#!/usr/bin/env python3
"""Differential fuzzing of the Go template language: hm vs the reference helm.

A dev tool (tests never run helm). Generates random template texts from a
grammar (text and trim markers, comments, pipelines, variables and their
scopes, if/with/range/else chains, break/continue, define/template/block,
include, literals of every form, field chains on every kind of data) plus
token soup for the lexer and parser errors, renders them with both tools and
prints every case whose output, error message or exit code differs.

  usage: tmpl_diff.py [-n CASES] [-s SEED] [-b BATCH] [--hm PATH] [--helm PATH]
                      [--case TEMPLATE] [--soup RATIO]

As in funcs_diff.py: every case runs alone in hm first (fast). Cases hm
renders are batched into one helm chart (each a _cN.tpl, printed through
include | b64enc, a failing batch bisected); cases hm fails are compared one
by one as templates/x.yaml, error text and exit code included.

Define names carry the placeholder __N__, replaced by a name unique to the
case, so that the cases of one batch do not redefine each other's templates.
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
CHART = os.path.join(ROOT, "tests/golden/tmplexec/chart")
SET = ["--set", "si=5,sneg=-2,sstr=abc,sb=true,sl2={x,y}"]

NUMBERS = ["0", "1", "-1", "3", "42", "0x1F", "0X1f", "0o17", "0O17", "017",
           "0b101", "0B11", "1_000", "0x_1F", "1e3", "1E3", "1.5e-3", ".5",
           "1.", "0x1p-2", "0x1.8p1", "1i", "2.5i", "0i", "1+2i", "-1-2i",
           "'a'", "'\\n'", "'\\x41'", "'\\u00e9'", "'\\''", "'é'", "'\\101'",
           "-0", "+1", "+0x10", "-0x10", "9223372036854775807",
           "-9223372036854775808", "9223372036854775808",
           "18446744073709551615", "1e400", "0.1", "3.0", "-3.5", "1e-400",
           "0x", "08", "1__0", "1_", "0b2", "0o8", "'ab'", "''", "1.2.3",
           "0xg", "1e", "1e+", "12abc", "0_1", "00", "0.0", "-.5", "+.5e1",
           "'\\z'", "'\\u12'", "0x1p", "1p3", "1ii", "1e3i", "0x10i", "0b1i",
           "07i", "08i", "1_0i", "'\\U0001F600'", "'\\377'", "'\\400'"]

STRINGS = ['"a"', '""', '"\\t\\"x\\""', '"\\u00e9"', '"\\x41"', '"\\101"',
           '`raw`', '``', '`a\nb`', '`{{`', '"}}"', '"{{"', '"a\\q"',
           '"\\U0001F600"', '"héllo"', '"a b"', '"%d"', '"%v|%s"', '"0"',
           '"true"', '"\\\\"', '"\\a\\b\\f\\v"', '"\\xff"', '"\\400"',
           '"3"', '"-"']

BAD = ['"abc', '`abc', "'a", '"a\nb"', "'\n'", "#", "@", "^", ";", "~", "é",
       "\x01", "{", "}", "[", "]", ",", ":", "=", ":=", "!", "&", "*", "\\",
       "$1", "$-", ".1a", "..", ".a.", "a.b", "x.y", ". a", "$x.", "..a"]

FIELDS = [".Values.s", ".Values.num", ".Values.f", ".Values.big", ".Values.z",
          ".Values.t", ".Values.fl", ".Values.e", ".Values.l", ".Values.sl",
          ".Values.el", ".Values.m", ".Values.em", ".Values.nested",
          ".Values.nested.a", ".Values.nested.a.b.c", ".Values.nul",
          ".Values.nul.x", ".Values.missing", ".Values.missing.a.b.c",
          ".Values.objs", ".Values.mixed", ".Values.m.a", ".Values.m.zz",
          ".Values.s.x", ".Values.num.x", ".Values.l.x", ".Values.si",
          ".Values.sneg", ".Values.sstr", ".Values.sb", ".Values.sl2",
          ".Values", ".", "$", "$.Values.s", "$.Values.missing.x",
          ".Release.Name", ".Release.Namespace", ".Release.IsInstall",
          ".Release.Revision", ".Release.Service", ".Release.Nope",
          ".Chart.Name", ".Chart.Version", ".Chart.Nope", ".Chart.Metadata",
          ".Chart.AppVersion", ".Chart.IsRoot", ".Chart.Metadata.Name",
          ".Capabilities.KubeVersion", ".Capabilities.KubeVersion.Major",
          ".Capabilities.KubeVersion.Version", ".Capabilities.APIVersions",
          ".Capabilities.HelmVersion", ".Capabilities.Nope",
          ".Template.Name", ".Template.BasePath", ".Template.Nope",
          ".Files", ".Files.Nope", ".Release", ".Chart", ".Capabilities",
          ".Values.s.Len", ".Values.e.x.y", ".Values.t.x"]

FUNCS = ["print", "printf", "println", "len", "index", "not", "and", "or",
         "eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery",
         "slice", "list", "dict", "default", "toString", "quote", "upper",
         "include", "tpl", "empty", "toYaml", "toJson", "first", "kindOf",
         "typeOf", "add", "required", "fail", "ternary", "coalesce", "nope",
         "call", "int", "float64", "join", "splitList", "until", "get",
         "hasKey", "keys", "set"]

VERBS = ["%v", "%+v", "%#v", "%T", "%d", "%s", "%q", "%x", "%X", "%o", "%O",
         "%b", "%e", "%E", "%f", "%F", "%g", "%G", "%5.2f", "%-5d|", "%05d",
         "%c", "%U", "%#U", "%t", "%%", "%!", "%[1]d", "%[2]v", "%[3]v", "%*d",
         "%z", "%", "%.3s", "%8s|", "%-8s|", "%x", "% x", "%#x", "%+d",
         "%.0f", "%6.3v", "%[0]d", "%[x]d", "%.*d", "%w", "%#o", "%#b", "%08.3f"]


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.depth = 0
        self.tame = False

    def pick(self, xs):
        return self.r.choice(xs)

    def p(self, x):
        return self.r.random() < x

    # -- text -------------------------------------------------------------
    def text(self):
        parts = ["a", "b", " ", "  ", "\n", "\t", "x y", " \n ", "\r\n", "{",
                 "}", "-", "z\n", "\n\n", "}}", "{ {", "é"]
        if self.tame:
            parts = parts[:10] + ["-", "z\n", "é"]
        return "".join(self.pick(parts) for _ in range(self.r.randint(0, 3)))

    def ldelim(self):
        if self.tame:
            return self.pick(["{{", "{{ ", "{{- ", "{{-\n", "{{\n"])
        return self.pick(["{{", "{{", "{{ ", "{{- ", "{{-\n", "{{-\t", "{{ ",
                          "{{-", "{{\n", "{{-  "])

    def rdelim(self):
        if self.tame:
            return self.pick(["}}", " }}", " -}}", "\n-}}", "\n}}"])
        return self.pick(["}}", "}}", " }}", " -}}", "\n-}}", "\t-}}", " }}",
                          "-}}", "\n}}", "  -}}"])

    def act(self, body):
        return self.ldelim() + body + self.rdelim()

    # -- operands ---------------------------------------------------------
    def var(self, scope):
        if scope and self.p(0.85):
            return self.pick(scope)
        if self.tame:  # not "$": printing it prints Go pointers
            return "$.Values"
        return self.pick(["$", "$x", "$y", "$undef", "$i", "$v"])

    def term(self, scope):
        k = self.r.random()
        if k < 0.25:
            return self.pick(FIELDS[:16] + FIELDS[20:35] if self.tame else FIELDS)
        if k < 0.4:
            return self.pick(NUMBERS[:25] if self.tame else
                             NUMBERS[:52] if self.p(0.9) else NUMBERS)
        if k < 0.55:
            return self.pick(STRINGS[:12] if self.tame else STRINGS)
        if k < 0.62:
            return self.pick(["nil", "true", "false", ".Values" if self.tame else "."])
        if k < 0.75:
            v = self.var(scope)
            if self.p(0.3):
                v += self.pick([".a", ".Values", ".Values.s", ".x.y", ".name",
                                ".Values.nested.a", ".k"])
            return v
        if self.depth < 4:
            self.depth += 1
            s = "(" + self.pipeline(scope, decl=False) + ")"
            self.depth -= 1
            if self.p(0.2):
                s += self.pick([".a", ".Values", ".s", ".x.y", ".Name"])
            return s
        return self.pick(FIELDS)

    def command(self, scope):
        if self.tame:
            return self.tame_command(scope)
        if self.p(0.45):
            fn = self.pick(FUNCS)
            if fn == "printf":
                fmt = "".join(self.pick(VERBS) for _ in range(self.r.randint(1, 3)))
                args = [self.term(scope) for _ in range(self.r.randint(0, 3))]
                return " ".join(['printf', '"%s"' % fmt] + args)
            if fn in ("include", "template"):
                return 'include "__N__%s" %s' % (self.pick("abcr"), self.term(scope))
            if fn == "tpl":
                return 'tpl %s .' % self.pick(['"{{ .Values.s }}"', '"{{ $ }}"',
                                               '"{{"', '"{{ end }}"', '"x"'])
            args = [self.term(scope) for _ in range(self.r.randint(0, 3))]
            return " ".join([fn] + args)
        n = self.r.choice([1, 1, 1, 2])
        return " ".join(self.term(scope) for _ in range(n))

    def tame_command(self, scope):
        """Mostly well-typed commands, so that execution gets far."""
        k = self.r.random()
        if k < 0.5:
            return self.term(scope)
        if k < 0.6:
            fmt = "".join(self.pick(VERBS) for _ in range(self.r.randint(1, 2)))
            return 'printf "%s" %s' % (fmt, self.term(scope))
        if k < 0.75:
            return "%s %s %s" % (self.pick(["eq", "ne", "lt", "le", "gt", "ge",
                                            "and", "or"]),
                                 self.term(scope), self.term(scope))
        if k < 0.85:
            return "%s %s" % (self.pick(["not", "len", "print", "println",
                                         "toJson", "kindOf", "quote"]),
                              self.term(scope))
        if k < 0.92:
            return 'include "__N__%s" %s' % (self.pick("abc"), self.term(scope))
        return "index %s %s" % (self.term(scope), self.pick(["0", "1", '"a"', '"b"']))

    def pipeline(self, scope, decl=True):
        s = ""
        if decl and self.p(0.2):
            if self.p(0.7) or self.tame:
                name = self.pick(["$x", "$y", "$z"])
                s = name + self.pick([" := ", ":="] if self.tame and name not in scope
                                     else [" := ", ":=", " = "])
                if ":" in s:
                    scope.append(name)
            else:
                s = self.pick(["$i, $v := ", "$i, $v = ", "$x, $y := ",
                               "$a, $b, $c := "])
        cmds = [self.command(scope) for _ in range(self.r.choice([1, 1, 1, 2, 3]))]
        if self.tame:  # later stages take the piped value
            cmds[1:] = [self.pick(["print", "len", "not", "quote", "toJson",
                                   'printf "%v|"', 'default "d"', "eq 1",
                                   "kindOf", 'print "a"', "println", "and 1",
                                   "or 0", "toString", "index .Values.l"])
                        for _ in cmds[1:]]
        return s + " | ".join(cmds)

    # -- control ------------------------------------------------------------
    def items(self, scope, n=None, in_range=False):
        out = []
        for _ in range(n if n is not None else self.r.randint(0, 3)):
            out.append(self.item(scope, in_range))
        return "".join(out)

    def item(self, scope, in_range):
        k = self.r.random()
        if k < 0.3:
            return self.text()
        if k < 0.55 or self.depth >= 4:
            return self.act(self.pipeline(scope))
        if k < 0.6:
            return self.comment()
        if k < 0.65:
            if in_range or (not self.tame and self.p(0.2)):
                return self.act(self.pick(["break", "continue"]))
            return ""
        self.depth += 1
        kw = self.pick(["if", "if", "with", "with", "range", "range", "range",
                        "template", "block"])
        s = self.control(kw, list(scope), in_range)
        self.depth -= 1
        return s

    def control(self, kw, scope, in_range):
        if kw == "template":
            return self.act('template "__N__%s"%s' % (
                self.pick("abc" if self.tame else "abcrz"), self.pick(["", " .", " $", " .Values.m",
                                               " (dict \"k\" 1)", " nil"])))
        if kw == "block":
            return (self.act('block "__N__%s" %s' % ("blk" if self.tame else "b", self.term(scope)))
                    + self.items(scope) + self.act("end"))
        if kw == "range":
            rng = self.pick([".Values.l", ".Values.sl", ".Values.el", ".Values.m",
                             ".Values.em", ".Values.objs", ".Values.mixed", "3",
                             "0", "-1", ".Values.num", ".Values.nul",
                             ".Values.missing", '"ab"', "nil", "(list 1 2)",
                             '(dict "b" 1 "a" 2)', ".Values.s", ".Values.f",
                             "true", ".Values.sl2", "(until 3)", ".Values.nested"])
            decl = self.pick(["", "", "$v := ", "$i, $v := ", "$x := "] if self.tame else
                             ["", "", "$v := ", "$i, $v := ", "$v = ",
                              "$i, $v = ", "$x := "])
            inner = list(scope)
            for name in re.findall(r"\$\w+", decl):
                inner.append(name)
            s = self.act("range " + decl + rng)
            s += self.items(inner, in_range=True)
            if self.p(0.3):
                s += self.act("else") + self.items(scope, in_range=in_range)
            return s + self.act("end")
        s = self.act(kw + " " + self.pipeline(scope))
        s += self.items(list(scope), in_range=in_range)
        while self.p(0.3):
            if self.p(0.5):
                s += self.act("else " + self.pick(["if", "with"]) + " " + self.pipeline(scope))
            else:
                s += self.act("else") + self.items(list(scope), in_range=in_range)
                break
            s += self.items(list(scope), in_range=in_range)
        return s + self.act("end")

    def comment(self):
        if self.tame:
            return self.pick(["{{/* c */}}", "{{- /* c */ -}}", "{{/*\n*/}}",
                              "{{- /**/}}", "{{/* x */ -}}"])
        body = self.pick(["/* c */", "/**/", "/* a\nb */", "/* x", "/* */ x",
                          "/*c*/", "/* } */", "/* {{ */"])
        return self.pick(["{{", "{{- ", "{{-"]) + body + self.pick(["}}", " -}}", "-}}", " }}"])

    def defines(self):
        out = []
        names = ["a", "b", "c"] if self.tame else [
            self.pick("abcr") for _ in range(self.r.choice([0, 0, 1, 1, 2]))]
        for name in names:
            if name == "r":
                body = self.pick(['{{ template "__N__r" . }}',
                                  '{{ if . }}{{ template "__N__r" (slice . 1) }}{{ end }}',
                                  '{{ include "__N__r" . }}'])
            else:
                self.depth = 1
                body = self.items([], n=self.r.randint(0, 2))
                self.depth = 0
            out.append(self.ldelim() + 'define "__N__%s"' % name + self.rdelim()
                       + body + self.act("end"))
        return out

    def case(self, soup_ratio):
        self.depth = 0
        self.tame = self.p(0.6)
        if self.p(soup_ratio):
            return self.soup()
        parts = self.defines()
        parts += [self.item([], False) for _ in range(self.r.randint(1, 4))]
        self.r.shuffle(parts)
        return "".join(parts)

    # -- token soup: mostly syntax errors -------------------------------------
    def soup(self):
        toks = (["if", "else", "end", "range", "with", "define", "template",
                 "block", "break", "continue", "nil", "true", ".", "$", "$x",
                 ":=", "=", "|", "(", ")", ",", "print", "len", '"__N__a"',
                 ".a", ".Values.s", "$x.a", "(.a).b", "1", "'a'", '"s"', "`r`",
                 "\n", " ", "-", "else if", "else with", "and", "or"]
                + BAD + NUMBERS[50:] + STRINGS[:5])
        out = []
        for _ in range(self.r.randint(1, 3)):
            if self.p(0.3):
                out.append(self.text())
            body = "".join(self.pick(toks) + self.pick([" ", " ", "", "\n"])
                           for _ in range(self.r.randint(1, 5)))
            if self.p(0.1):
                out.append(self.ldelim() + body)  # unclosed action
            elif self.p(0.1):
                out.append(self.pick(["{{/*", "{{- /*", "{{ /* x */", "{{/* x */ x}}",
                                      "{{/*x*/-}}", "{{ /*x*/}}", "{{/*\n*/}}"]) + body)
            else:
                out.append(self.act(body))
        if self.p(0.1):
            out.append("(" * 60 + "1" + ")" * self.r.choice([60, 59, 61]))
            out[-1] = "{{" + out[-1] + "}}"
        return "".join(out)


def make_chart(dir_, files):
    shutil.copytree(CHART, dir_)
    os.makedirs(os.path.join(dir_, "templates"), exist_ok=True)
    for name, text in files.items():
        with open(os.path.join(dir_, "templates", name), "w") as f:
            f.write(text)


def render(tool, chart):
    try:
        p = subprocess.run([tool, "template", "t", chart] + SET,
                           capture_output=True, timeout=30,
                           env=dict(os.environ, TZ="UTC"))
    except subprocess.TimeoutExpired:
        return (None, b"", b"timeout")
    return (p.returncode, p.stdout, p.stderr)


def name_cases(text, i):
    return text.replace("__N__", "k%d" % i)


class Runner:
    def __init__(self, hm, helm, work):
        self.hm, self.helm, self.work = hm, helm, work
        self.n = 0
        self.diffs = []
        self.runs = 0
        self.yaml = []
        self.bsize = 100
        self.ok = 0
        self.direct = False

    def tmp(self):
        self.n += 1
        return os.path.join(self.work, "c%d" % self.n)

    def batch(self, cases):
        """Render CASES as one chart and report differing outputs; None when
        helm fails the batch."""
        files = {}
        lines = []
        for i, c in enumerate(cases):
            files["_c%d.tpl" % i] = name_cases(c, i)
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
        if hrc != 0:
            for c in cases:
                self.single(c)
            return True
        want = dict(re.findall(rb"^# (c\d+) (\S*)$", out, re.M))
        got = dict(re.findall(rb"^# (c\d+) (\S*)$", hout, re.M))
        for i, c in enumerate(cases):
            k = b"c%d" % i
            if want.get(k) != got.get(k):
                self.report(c, "ok", dec(want.get(k)), dec(got.get(k)))
        return True

    def files(self, case):
        """The case alone: templates/x.yaml itself, or (default) a _c0.tpl
        printed by include | b64enc, so that whatever it renders is YAML."""
        if self.direct:
            return {"x.yaml": name_cases(case, 0)}
        return {"_c0.tpl": name_cases(case, 0),
                "x.yaml": '# {{ include "c/templates/_c0.tpl" . | b64enc }}\n'}

    def single(self, case):
        d = self.tmp()
        make_chart(d, self.files(case))
        self.runs += 1
        a = render(self.helm, d)
        b = render(self.hm, d)
        shutil.rmtree(d)
        if a[0] is None:
            return  # helm hangs: nothing to match
        if a != b:
            if known(a, b):
                return
            if b"YAML parse error" in a[2] and b"YAML parse error" in b[2]:
                self.yaml.append(case)
                return
            self.report(case, "single", a, b)

    def triage(self, cases):
        ok = []
        for c in cases:
            d = self.tmp()
            make_chart(d, self.files(c))
            rc = render(self.hm, d)[0]
            shutil.rmtree(d)
            if rc == 0:
                ok.append(c)
                self.ok += 1
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
        if kind == "ok" and want and re.search(rb"c000[0-9a-f]{6}", want):
            return  # a Go pointer address
        self.diffs.append(case)
        print("DIFF %s: %r\n  helm: %r\n  hm:   %r" % (kind, case, want, got),
              flush=True)


def known(a, b):
    """Differences left on purpose: complex numbers (hm has no complex
    values) and Go pointer addresses (printing dot prints .Capabilities)."""
    return (b"complex constants are not supported" in b[2]
            or re.search(rb"0xc[0-9a-f]{9}", a[1] + a[2]) is not None)


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
    ap.add_argument("--soup", type=float, default=0.3)
    ap.add_argument("--hm", default=os.path.join(ROOT, "build/release/bin/hm"))
    ap.add_argument("--helm", default=os.path.expanduser(
        "~/.cache/kz-reference/bin/helm"))
    ap.add_argument("--case", action="append", default=[])
    ap.add_argument("--file", help="cases from a file, one a line (taken as is)")
    ap.add_argument("--direct", action="store_true",
                    help="each case alone is templates/x.yaml, not included")
    ap.add_argument("--print", action="store_true", help="print cases, run nothing")
    o = ap.parse_args()
    rng = random.Random(o.s)
    g = Gen(rng)
    cases = [g.case(o.soup) for _ in range(o.n)]
    if o.file:
        with open(o.file) as f:
            cases = [l.rstrip("\n") for l in f if l.strip()]
        o.n = len(cases)
    if o.print:
        for c in cases:
            print(repr(c))
        return
    work = tempfile.mkdtemp(prefix="tmpl_diff.")
    r = Runner(o.hm, o.helm, work)
    r.bsize = o.b
    r.direct = o.direct
    try:
        if o.case:
            for c in o.case:
                r.single(c.encode().decode("unicode_escape"))
        else:
            r.triage(cases)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for c in r.yaml:
        print("YAML-PARSE-DIFF: %r" % c)
    print("cases: %d (%d rendered by hm), tool runs: %d, diffs: %d, yaml parse diffs: %d" % (
        len(o.case) or o.n, r.ok, r.runs, len(r.diffs), len(r.yaml)), file=sys.stderr)


if __name__ == "__main__":
    main()
