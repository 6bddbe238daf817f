#!/usr/bin/env python3
"""Differential fuzzing of the functions whose Go libraries kz re-creates:
regular expressions (Go regexp/RE2 on PCRE2), dates (Go time) and semver
(Masterminds/semver). A dev tool (tests never run helm).

  usage: lib_diff.py [-n CASES] [-s SEED] [-b BATCH] [--family regex,dates,semver]
                     [--hm PATH] [--helm PATH] [--case TEMPLATE]

Reuses funcs_diff.py's runner: each case runs alone in hm first; those that
render are batched into few helm runs, the others compared one by one (error
text and exit code included). Both tools run with TZ=UTC.
"""
import argparse
import os
import random
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import funcs_diff  # noqa: E402

# ---------------------------------------------------------------- regex
ATOMS = [
    "a", "b", "ab", ".", "\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "[[:alpha:]]",
    "[[:^digit:]]", "[[:word:]]", "[[:foo:]]", "\\pL", "\\p{Greek}", "\\PL",
    "\\p{Lu}", "\\pN", "\\p{^L}", "\\P{Han}", "\\p{Foo}", "[^\\d]", "[a-c]",
    "[c-a]", "[]a]", "[^]a]", "[a-]", "[\\pL\\d]", "[[:alpha:]-z]", "\\b", "\\B",
    "\\A", "\\z", "\\Z", "^", "$", "\\Qa.b\\E", "\\Q*", "\\x{263a}", "\\x41",
    "\\x{110000}", "\\0", "\\01", "\\101", "\\8", "\\1", "\\k<n>", "\\e", "\\cA",
    "\\a", "\\f", "\\v", "\\t", "\\n", "\\r", "\\-", "\\_", "\\/", "\\<", "é", "ǅ",
    "\\C", "\\X", "\\R", "\\h", "\\G", "[\\b]", "\\pZ", "(?:)", "()", "|", "a|",
    "|b", "[", "]", "{", "}", ")", "x{", "x{a}", "\\", "\\.", "[\\Q]\\E]",
    "[a&&b]", "\\p{Any}", "[[.a.]]", "[[=a=]]", "\\N{U+41}", "\\o{101}",
]
QUANT = ["", "", "", "*", "+", "?", "*?", "+?", "??", "{2}", "{2,}", "{,3}",
         "{1,3}", "{3,1}", "{1000}", "{1001}", "{0}", "{2}?", "++", "*+",
         "?+", "**", "{1,2}{3}", "{ 2}", "{2,3", "{02}"]
GROUPS = ["(%s)", "(?:%s)", "(?P<n>%s)", "(?<n>%s)", "(?P<1x>%s)",
          "(?P<n-1>%s)", "(?P<>%s)", "(?'n'%s)", "(?i)%s", "(?s)%s", "(?m)%s",
          "(?U)%s", "(?i:%s)", "(?-i)%s", "(?im-s:%s)", "(?x)%s", "(?=%s)",
          "(?!%s)", "(?<=%s)", "(?>%s)", "(?#c)%s", "(?P=n)%s", "(?|%s)",
          "(?i-)%s", "(?-)%s", "(?%s)"]
SUBJECTS = ["", "a", "abc", "aaa bbb", "Hello World", "héllo ǅ Ωμέγα", "a.b*c",
            "a\\nb\\nc", "x\\xffy", "\\xc3", "123-456", "ab ab ab", "AbAB",
            "a{,3}", "a{2,}", "\\u263a", "日本語", "_a_b_", "a\\x00b", "$1", "{}"]
REPL = ["", "x", "$1", "${1}", "$1x", "${1}x", "$n", "${n}", "$$", "$", "${",
        "${n", "$0", "$2", "$-", "${1x}", "$1x$2", "<$0>", "$é", "${}", "\\1",
        "$n-$1", "$10", "$x.y", "${n}${n}"]
RFNS1 = ["regexMatch", "mustRegexMatch", "regexFind", "mustRegexFind"]
RFNS2 = ["regexFindAll", "mustRegexFindAll", "regexSplit", "mustRegexSplit"]
RFNS3 = ["regexReplaceAll", "mustRegexReplaceAll", "regexReplaceAllLiteral",
         "mustRegexReplaceAllLiteral"]


def gen_re(rng, depth=0):
    parts = []
    for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
        if depth < 2 and rng.random() < 0.25:
            atom = rng.choice(GROUPS) % gen_re(rng, depth + 1)
        else:
            atom = rng.choice(ATOMS)
        parts.append(atom + rng.choice(QUANT))
    s = "".join(parts)
    if rng.random() < 0.15:
        s = s + "|" + gen_re(rng, depth + 1) if depth < 2 else s + "|"
    return s


def golit(s):
    """S as a Go template string literal (escapes kept as written)."""
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def gen_regex(rng):
    pat = golit(gen_re(rng))
    subj = '"%s"' % rng.choice(SUBJECTS).replace('"', '\\"')
    r = rng.random()
    if r < 0.3:
        call = "%s %s %s" % (rng.choice(RFNS1), pat, subj)
    elif r < 0.6:
        call = "%s %s %s %s" % (rng.choice(RFNS2), pat, subj,
                                rng.choice(["-1", "0", "1", "2", "5", "-2"]))
    elif r < 0.9:
        call = "%s %s %s %s" % (rng.choice(RFNS3), pat, subj,
                                golit(rng.choice(REPL)))
    else:
        call = "regexQuoteMeta %s" % golit(rng.choice(SUBJECTS + ATOMS))
    return rng.choice(["{{ %s }}", "{{ %s | toJson }}",
                       '{{ printf "%%q" (%s) }}']) % call


# ---------------------------------------------------------------- dates
LAYOUT_EL = ["Mon", "Monday", "Jan", "January", "1", "01", "2", "02", "_2",
             "__2", "002", "15", "3", "03", "4", "04", "5", "05", "06", "2006",
             "PM", "pm", "MST", "Z07:00", "Z0700", "Z07", "Z07:00:00",
             "-07:00", "-0700", "-07", "-07:00:00", ".000", ".999999999",
             ",000", ".0", ".9", ".999", ",999", "T", " ", "-", ":", "/", "x",
             "1500", "20061", "Janu", "Mond", "MSTx", ".00x", "%Y"]
TIMES = ["(toDate %s %s)" % p for p in [
    ('"2006-01-02"', '"2020-01-02"'),
    ('"2006-01-02T15:04:05Z07:00"', '"2021-03-04T05:06:07.123456789+05:30"'),
    ('"2006-01-02 15:04:05"', '"1999-12-31 23:59:59"'),
    ('"2006-01-02T15:04:05.000Z"', '"2024-02-29T12:00:00.500Z"'),
    ('"Jan _2 2006 3:04PM"', '"Feb  9 2010 1:05PM"'),
    ('"2006-01-02T15:04:05Z07:00"', '"0001-01-01T00:00:00Z"'),
    ('"2006-01-02T15:04:05 MST"', '"2022-07-01T10:00:00 EST"'),
    ('"2006-01-02T15:04:05 -0700"', '"2022-07-01T10:00:00 -0930"'),
]] + ["0", "1700000000", "-1", '"1700000000"', "1.5e9", "(int64 1234567890)",
      "nil", '"x"', "(list)", "9223372036854775807"]
ZONES = ['"UTC"', '"Local"', '"America/New_York"', '"Asia/Kolkata"',
         '"Europe/London"', '"Nope/Zone"', '""', '"utc"', '"EST"', '"+05:00"',
         '"Australia/Lord_Howe"', '"Asia/Kathmandu"']
DATESTR = ['"2020-01-02"', '"2020-13-02"', '"2020-02-30"', '"20-01-02"',
           '"2020-01-02T03:04:05Z"', '"2020-01-02T03:04:05+01:00"', '""',
           '"Jan 2 2006"', '"2021-03-04 05:06:07.89"', '"Mon Jan  2 15:04:05 MST 2006"',
           '"2006-01-02T15:04:05.999999999Z07:00"', '"  2020-01-02"',
           '"12:30PM"', '"2020-01-02T24:00:00Z"', '"2020-001"']
MODS = ['"1h"', '"-1h30m"', '"1.5h"', '"90m"', '"1d"', '""', '"x"', '"1h-1m"',
        '"+3s"', '"100ms"', '"1us"', '"1µs"', '"2562048h"', '"3000000h"',
        '".5s"', '"1."', '"0"', '"-0"', '"1ns1h"']
DURS = ["0", "1", "59", "90", "3600", "86401", "-5", "1.5", '"90"', '"1h"',
        '"abc"', "nil", "9223372036854775807", '"-1"', "(int64 100000)"]
DROUND = ['"1h2m3s"', '"26h"', '"49h"', '"0s"', '"-3m"', '"100ms"', '"x"',
          "3600000000000", "90", '"8760h"', '"9000h"', '"1m30s"', "nil",
          "(toDate \"2006-01-02\" \"2020-01-02\")", '"2000h"', '"1.5h"']


def gen_layout(rng):
    return '"' + "".join(rng.choice(LAYOUT_EL) for _ in
                         range(rng.randint(1, 6))) + '"'


# Sprig takes anything but a time or an integer for now: output would vary.
NOWISH = {'"x"', "(list)", "nil", '"1700000000"', "1.5e9"}


def gen_dates(rng):
    s = gen_dates1(rng)
    if any(n in s for n in NOWISH) and "toDate" not in s and "typeOf" not in s:
        return "{{ typeOf (%s) }}" % s[3:-3].replace(" | toJson", "")
    return s


def gen_dates1(rng):
    t = rng.choice(TIMES)
    r = rng.randrange(11)
    if r == 0:
        call = "date %s %s" % (gen_layout(rng), t)
    elif r == 1:
        call = "dateInZone %s %s %s" % (gen_layout(rng), t, rng.choice(ZONES))
    elif r == 2:
        call = 'dateModify %s %s | date "2006-01-02T15:04:05.999999999Z07:00"' % (
            rng.choice(MODS), t)
        call = "%s" % call
    elif r == 3:
        f = rng.choice(["toDate", "mustToDate"])
        call = '%s %s %s | date "2006-01-02T15:04:05.999999999 -0700 MST"' % (
            f, gen_layout(rng) if rng.random() < 0.5 else rng.choice(
                ['"2006-01-02"', '"2006-01-02T15:04:05Z07:00"', '"Jan _2 2006"',
                 '"2006-01-02 15:04:05.000"', '"2006-002"', '"15:04PM"',
                 '"Mon Jan _2 15:04:05 MST 2006"', '"2006-01-02 15:04:05 MST"']),
            rng.choice(DATESTR))
    elif r == 4:
        call = "unixEpoch %s" % t
    elif r == 5:
        call = "duration %s" % rng.choice(DURS)
    elif r == 6:
        call = "durationRound %s" % rng.choice(DROUND)
    elif r == 7:
        call = "htmlDate %s" % t
    elif r == 8:
        call = "htmlDateInZone %s %s" % (t, rng.choice(ZONES))
    elif r == 9:
        f = rng.choice(["toDate", "mustToDate"])
        call = "%s %s %s" % (f, rng.choice(['"2006-01-02"', gen_layout(rng)]),
                             rng.choice(DATESTR))
    else:
        call = "%s" % t
        return rng.choice(["{{ %s }}", "{{ %s | toJson }}",
                           "{{ (%s).Unix }}|{{ (%s).Weekday }}|{{ (%s).YearDay }}",
                           "{{ typeOf (%s) }}"]).replace("%s", call)
    return rng.choice(["{{ %s }}", "{{ %s | toJson }}", "{{ typeOf (%s) }}"]) % call


# ---------------------------------------------------------------- semver
VPARTS = ["0", "1", "2", "10", "01", "00", "999999999999999999999", "x", "X",
          "*", "a"]
PRE = ["", "", "", "-0", "-alpha", "-alpha.1", "-rc.1", "-01", "-a.01",
       "-0.3.7", "-x-y", "-", "-a..b", "-beta+b", "-é"]
BUILD = ["", "", "", "+build", "+001", "+a.b", "+", "+a..b", "+exp.sha.5114f85"]


def gen_version(rng):
    if rng.random() < 0.6:  # mostly valid: errors hide the comparisons
        return "%s%d.%d.%d%s" % (rng.choice(["", "", "", "v"]), rng.randint(0, 3),
                                 rng.randint(0, 3), rng.randint(0, 3),
                                 rng.choice(["", "", "", "-0", "-rc.1", "-alpha", "+b"]))
    if rng.random() < 0.3:
        return ".".join(rng.choice(["1", "2", "0", "x", "*"]) for _ in range(rng.randint(1, 2)))
    n = rng.choice([1, 2, 3, 3, 3, 3, 4])
    v = ".".join(rng.choice(VPARTS[:4] if rng.random() < 0.8 else VPARTS)
                 for _ in range(n))
    v = rng.choice(["", "", "", "v", "V", " ", "=", "vv"]) + v
    return v + rng.choice(PRE) + rng.choice(BUILD) + rng.choice(["", "", "", " "])


def gen_constraint(rng):
    out = []
    for i in range(rng.choice([1, 1, 1, 2, 3])):
        if i:
            out.append(rng.choice([" || ", "||", ", ", ",", " ", "  "]))
        r = rng.random()
        if r < 0.2:
            out.append("%s - %s" % (gen_version(rng).strip(), gen_version(rng).strip()))
        else:
            op = rng.choice(["", "=", "!=", ">", "<", ">=", "<=", "=>", "=<",
                             "~", "^", "~>", "~=", "==", " >= ", "> "])
            out.append(op + gen_version(rng).strip())
    c = "".join(out)
    if rng.random() < 0.05:
        c = rng.choice(["", "*", "x", ">=1.0.0-0", "junk", "||", ">= 1.2 <1.3"])
    return c


SMETH = [".Major", ".Minor", ".Patch", ".Prerelease", ".Metadata",
         ".Original", ".String", "", ".IncMajor", ".IncMinor", ".IncPatch"]


def gen_semver(rng):
    v = '"%s"' % gen_version(rng)
    r = rng.random()
    if r < 0.55:
        return "{{ semverCompare %s %s }}" % (golit(gen_constraint(rng)), v)
    if r < 0.85:
        m = rng.choice(SMETH)
        return rng.choice(["{{ (semver %s)%s }}", "{{ semver %s | toJson }}{{/*%s*/}}",
                           '{{ printf "%%v" (semver %s)%s }}']) % (v, m)
    w = '"%s"' % gen_version(rng)
    return rng.choice(["{{ (semver %s).Compare (semver %s) }}",
                       "{{ (semver %s).LessThan (semver %s) }}",
                       "{{ (semver %s).Equal (semver %s) }}",
                       "{{ (semver %s).GreaterThan (semver %s) }}"]) % (v, w)


WRAP = '# {{ include "c/templates/_c.tpl" . | b64enc }}\n'


class Runner(funcs_diff.Runner):
    """funcs_diff's runner, but a case alone renders through include | b64enc
    too: a bare scalar is no manifest, and helm would refuse it."""

    def files(self, case):
        return {"_c.tpl": case, "x.yaml": WRAP}

    def single(self, case):
        d = self.tmp()
        funcs_diff.make_chart(d, self.files(case))
        self.runs += 1
        a = funcs_diff.render(self.helm, d)
        b = funcs_diff.render(self.hm, d)
        shutil.rmtree(d)
        if a[0] is not None and a != b:
            self.report(case, "single", a, b)

    def triage(self, cases):
        ok = []
        for c in cases:
            d = self.tmp()
            funcs_diff.make_chart(d, self.files(c))
            rc = funcs_diff.render(self.hm, d)[0]
            shutil.rmtree(d)
            (ok.append if rc == 0 else self.single)(c)
        for i in range(0, len(ok), self.bsize):
            self.run(ok[i:i + self.bsize])


GENS = {"regex": gen_regex, "dates": gen_dates, "semver": gen_semver}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=500)
    ap.add_argument("-s", type=int, default=1)
    ap.add_argument("-b", type=int, default=100)
    ap.add_argument("--family", default="regex,dates,semver")
    ap.add_argument("--hm", default=os.path.join(funcs_diff.ROOT, "build/release/bin/hm"))
    ap.add_argument("--helm", default=os.path.expanduser(
        "~/.cache/kz-reference/bin/helm"))
    ap.add_argument("--case", action="append", default=[])
    o = ap.parse_args()
    os.environ["TZ"] = "UTC"
    rng = random.Random(o.s)
    fams = [GENS[f] for f in o.family.split(",")]
    work = tempfile.mkdtemp(prefix="lib_diff.")
    r = Runner(o.hm, o.helm, work)
    r.bsize = o.b
    try:
        if o.case:
            for c in o.case:
                r.single(c)
        else:
            r.triage([rng.choice(fams)(rng) for _ in range(o.n)])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("cases: %d, tool runs: %d, diffs: %d" % (
        len(o.case) or o.n, r.runs, len(r.diffs)), file=sys.stderr)


if __name__ == "__main__":
    main()
