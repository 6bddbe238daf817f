#!/usr/bin/env python3
"""Differential fuzzing of values and their serialisation: hm vs helm.

A dev tool (tests never call helm). Each round writes a chart with random,
tricky values.yaml text and templates that print the values many ways, picks
random --set/--set-string/--set-json/--set-literal/-f arguments, runs
`helm template t CHART ARGS` and `hm template t CHART ARGS` and compares
stdout, stderr and the exit code. Differences are saved under --out (one
folder a case: the chart, the arguments, both outputs).

    tests/fuzz/values_diff.py [-n ROUNDS] [--seed S] [--out DIR]
        [--hm build/release/bin/hm] [--helm ~/.cache/kz-reference/bin/helm]
"""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile

# Scalars that other YAML/JSON readers would type differently, or that need
# quoting on output.
TRICKY = [
    "yes", "no", "on", "off", "y", "n", "Y", "N", "Yes", "NO", "On", "OFF",
    "true", "false", "True", "FALSE", "~", "null", "Null", "NULL", "",
    "0x1F", "0X1f", "0o17", "0O17", "017", "0b101", "08", "09", "-017",
    "1e3", "1E3", "1e+3", "1e-3", ".5", "-.5", "+.5", "5.", "-.inf", ".inf",
    "+.inf", ".Inf", ".INF", ".NaN", ".nan", ".NAN", "1_000", "1_0.5", "0x_1F",
    "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5",
    "2002-12-14", "12:30:45", "1:20", "190:20:30", "-1:20", "+1", "1.0",
    "-0", "+0", "-0.0", "0.0", "00", "0", "-1", "007", "0e0", "1e", "e3",
    "9007199254740993", "18446744073709551616", "18446744073709551615",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "1e+06", "0.000001", "123456789.0", "1.5e300",
    "1e400", "-1e400", "4.9e-324", "1e-400", "123456789012345678901234567890",
    "0.1", "100000000000000000000", "1e21", "1e20", "12345678.9", "3.0",
    "1.7976931348623157e308", "0x8000000000000000", "0xFFFFFFFFFFFFFFFF",
    "=", "<<", "-", "--", "---", "...", "?", ":", "a: b", "a #b", "a# b",
    "#x", "*x", "&x", "!x", "!!str", "%x", "@x", "`x", "-x", "- x", "?x",
    "? x", "[x]", "{x}", "x]", "x}", "x,y", "'x'", '"x"', "x'y", 'x"y',
    "|", ">", "|x", ">x", " x", "x ", "  ", "\t", "x\ty", "x\\y",
    "héllo", "日本語", "😀", "a😀b", "\u00e9\u0301", "\u2028", "\u0085",
    "\u00a0", "\ufeff", "x\u200by", "\x7f", "\x01", "\x1b[0m", "a\rb",
    "a\nb", "a\n", "\n", "a\n\nb", "a\n b", " a\nb", "a \nb", "a\n\n",
    "a\r\nb", "\na", "x" * 90, "word " * 20, "a" * 79 + " " + "b" * 10,
    "<a href='x'>&</a>", "$HOME", "{{ x }}", "%d", "%!", "'", '"', "\\",
    "\\n", "0x", "1.", ".", "-.", "+", "+-1", "1-", "1:2:3", "01:02",
    "1,000", "$1", "1/2", "TRUE", "tRUE", "nULL", "y\n", "ON ", "0.5e",
    "5e-324", "0.30000000000000004", "2.5", "1e6", "1000000", "1e7",
    "10000000", "123456789", "1234567890123", "-1.5e-7", "6.02e23",
]

PLAIN_OK_EXTRA = ["abc", "x.y", "a-b", "A_B", "x/y:z", "v1.2.3", "1.2.3",
                  "a b", "a  b", "key=value", "a,b", "http://x:80/y"]

KEYS = ["a", "b", "x.y", "x:y", "x y", "1", "0", "-1", "1.5", "true",
        "false", "yes", "no", "on", "ON", "é", "😀", "a-b",
        "A", "_", "k8s.io/name", "<<", "=", "", "0x1F", "1e3", "017",
        "2001-12-14", "z", "aa", "B", "10", "2", "a\tb", "a'b", 'a"b', "#"]


def dq(s):
    """A YAML double-quoted scalar of s, with random escape styles."""
    out = []
    for ch in s:
        o = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append(random.choice(["\\t", "\t"]))
        elif ch == "\r":
            out.append("\\r")
        elif o < 0x20 or o == 0x7f or ch in "\u0085\u2028\u2029\ufeff":
            out.append(random.choice(["\\x%02x" % o if o < 256 else "\\u%04x" % o,
                                      "\\u%04x" % o]))
        elif o > 0xffff and random.random() < 0.3:
            out.append("\\U%08x" % o)
        elif ch == "/" and random.random() < 0.3:
            out.append("\\/")
        elif ch == " " and random.random() < 0.1:
            out.append("\\ ")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def sq(s):
    return "'" + s.replace("'", "''") + "'"


def plain_ok(s):
    if s == "" or s != s.strip() or "\n" in s or "\r" in s:
        return False
    if any(ord(c) < 0x20 or ord(c) == 0x7f for c in s if c != "\t"):
        return False
    if "\t" in s or "\u0085" in s or "\u2028" in s or "\ufeff" in s:
        return False
    if s[0] in "-?:,[]{}#&*!|>'\"%@`" or ": " in s or " #" in s or s.endswith(":"):
        return False
    return True


def scalar_text(s):
    """s written one of the ways YAML allows (what it reads back may differ:
    a plain 'yes' is a bool; that is the point)."""
    ways = [dq]
    if "\r" not in s and not any(ord(c) < 0x20 and c not in "\t\n" for c in s) \
            and "\u0085" not in s and "\u2028" not in s and "\ufeff" not in s \
            and "\x7f" not in s:
        ways.append(sq)
    if plain_ok(s):
        ways += ["plain", "plain"]
    w = random.choice(ways)
    if w == "plain":
        return s
    if w is sq and "\n" in s:
        return dq(s)
    return w(s)


def block_scalar(s, indent):
    """A block scalar (| or >, chomping and indentation indicators)."""
    lines = s.split("\n")
    style = random.choice(["|", ">"])
    chomp = random.choice(["", "-", "+"])
    extra = random.choice([0, 0, 1, 2])
    ind = " " * (indent + 2 + extra)
    indicator = ""
    if extra or (lines and lines[0].startswith(" ")) or random.random() < 0.2:
        indicator = str(2 + extra) if 2 + extra < 10 else ""
        if not indicator:
            ind = " " * (indent + 2)
    head = style + (indicator + chomp if random.random() < 0.5 else chomp + indicator)
    body = [ind + l if l else "" for l in lines]
    if random.random() < 0.3:
        body.append("")
    if random.random() < 0.2:
        body.append("")
    return head, body


def rand_string():
    r = random.random()
    if r < 0.6:
        return random.choice(TRICKY)
    if r < 0.7:
        return random.choice(PLAIN_OK_EXTRA)
    if r < 0.85:
        return random.choice(TRICKY) + random.choice(["", " ", "\n", ": ", " #", "-"]) + random.choice(TRICKY)
    n = random.randint(1, 12)
    alphabet = "ab :#-\n\t'\"\\{}[],&*!|>%@`?=~.0123456789eEé😀"
    return "".join(random.choice(alphabet) for _ in range(n))


def rand_key():
    if random.random() < 0.02:
        return random.choice(["null", "~", "Null"])  # helm fails on a null key
    k = random.choice(KEYS) if random.random() < 0.7 else rand_string()
    if k in ("null", "~", "Null", "NULL") and random.random() < 0.9:
        k = "k"
    return k


def key_text(k):
    if k in ("<<",):
        return random.choice(['"<<"', "'<<'"])
    return scalar_text(k)


class Gen:
    def __init__(self):
        self.anchors = []
        self.map_anchors = []
        self.n = 0

    def value_lines(self, key_prefix, indent, depth):
        """Lines for `key_prefix value` at indent (key_prefix ends in ':' or is '-')."""
        pad = " " * indent
        r = random.random()
        anchor = ""
        if random.random() < 0.08:
            self.n += 1
            name = "a%d" % self.n
            anchor = " &" + name
        if self.anchors and random.random() < 0.06:
            return [pad + key_prefix + " *" + random.choice(self.anchors)]
        if depth > 3:
            r = min(r, 0.5)
        if r < 0.45:
            s = rand_string()
            if random.random() < 0.12 and "\n" in s or random.random() < 0.05:
                if "\r" not in s and not any(ord(c) < 0x20 and c not in "\n" for c in s) \
                        and "\u2028" not in s and "\u0085" not in s and "\ufeff" not in s \
                        and "\t" not in s:
                    head, body = block_scalar(s, indent)
                    if anchor:
                        self.anchors.append(anchor[2:])
                    return [pad + key_prefix + anchor + " " + head] + body
            if anchor:
                self.anchors.append(anchor[2:])
            return [pad + key_prefix + anchor + " " + scalar_text(s)]
        if r < 0.5:
            if anchor:
                self.anchors.append(anchor[2:])
            return [pad + key_prefix + anchor + " " + self.flow(depth)]
        if r < 0.55:
            return [pad + key_prefix + random.choice(["", " ", " {}", " []", " null", " ~"])]
        if r < 0.78:
            lines = [pad + key_prefix + anchor]
            sub = indent + 2
            if random.random() < 0.15 and (self.map_anchors or self.anchors):
                # mostly a map (the valid case); now and then anything
                pool = self.map_anchors if self.map_anchors and random.random() < 0.9 else self.anchors
                if random.random() < 0.2 and len(pool) > 1:
                    lines.append(" " * sub + "<<: [" + ", ".join("*" + a for a in random.sample(pool, 2)) + "]")
                else:
                    lines.append(" " * sub + "<<: *" + random.choice(pool))
            keys = [rand_key() for _ in range(random.randint(1, 4))]
            if random.random() < 0.05:
                keys.append(keys[0])  # duplicate key
            for k in keys:
                lines += self.value_lines(key_text(k) + ":", sub, depth + 1)
            if anchor:  # after the children: an alias inside its own anchor fails in helm
                self.anchors.append(anchor[2:])
                self.map_anchors.append(anchor[2:])
            return lines
        lines = [pad + key_prefix + anchor]
        sub = indent + random.choice([0, 2]) if key_prefix != "-" else indent + 2
        for _ in range(random.randint(1, 4)):
            lines += self.value_lines("-", sub, depth + 1)
        if anchor:
            self.anchors.append(anchor[2:])
        return lines

    def flow(self, depth):
        if random.random() < 0.05:
            # a plain scalar ending in ':' before , ] or }: go-yaml v2 reads
            # it as text, libyaml 0.2.5 refuses it (hm patches the text)
            return random.choice(["a", "x1", "http://h", "k:v", "é"]) + ":"
        if depth > 3 or random.random() < 0.4:
            s = rand_string()
            t = scalar_text(s)
            if t == s and any(c in s for c in ",[]{}#:"):
                t = dq(s)
            return t
        if random.random() < 0.5:
            return "[" + ", ".join(self.flow(depth + 1) for _ in range(random.randint(0, 3))) + "]"
        items = []
        for _ in range(random.randint(0, 3)):
            k = rand_key()
            kt = key_text(k)
            if kt == k and any(c in k for c in ",[]{}#:"):
                kt = dq(k)
            items.append(kt + ": " + self.flow(depth + 1))
        return "{" + ", ".join(items) + "}"


def values_yaml(nkeys):
    g = Gen()
    lines = []
    if random.random() < 0.1:
        lines.append("---")
    for i in range(nkeys):
        lines += g.value_lines("x%d:" % i, 0, 0)
        if random.random() < 0.1:
            lines.append("# comment " + random.choice(TRICKY).replace("\n", " "))
    return "\n".join(lines) + "\n"


SET_KEYS = ["x0", "x1", "x0.a", "x1.b", "x2[0]", "x2[1].a", "x3.y\\.z", "x3.a\\=b",
            "x4[0][1]", "x5", "x0.b.c", "x6\\,y", "x7", "x1[2]", "x8.\\\\", "x9.a b",
            "x0[0]", "x2", "x3", "x6.y", "x7[0].n"]
SET_VALS = ["1", "0", "-1", "1.5", "1e3", "true", "false", "null", "", "yes",
            "0x1F", "017", "9007199254740993", "18446744073709551616", "a\\,b",
            "{a,b}", "{}", "a=b", "x\\\\y", " sp ", "-0", "+1", "1.0", "007",
            "9223372036854775807", "9223372036854775808", "1_000", "é", "NULL",
            "True", "~", "a,b=c", "[1]", "\\x", "1.", ".5", "0.0", "1e400"]
JSON_VALS = ['1', '1.5', '1e3', '-0', 'true', 'null', '"s"', '[]', '{}',
             '[1,"a",null]', '{"a":{"b":[1,2]}}', '9007199254740993',
             '18446744073709551616', '"\\u00e9\\n"', '1.0', '123456789.0',
             '1e21', '0.000001', '[{"a":1},{"b":null}]', '{"":1}', 'nul',
             '1 2', '"x', '[1,]', '{"a":1,"a":2}', '1E400', '-1e-400',
             '"\\ud83d\\ude00"', '"\\ud800"', '100000000000000000000']


def rand_args(tmp):
    args = []
    for _ in range(random.choice([0, 0, 1, 2, 3, 5])):
        kind = random.choice(["--set", "--set", "--set-string", "--set-json", "--set-literal", "-f"])
        if kind == "-f":
            p = os.path.join(tmp, "extra%d.yaml" % len(args))
            with open(p, "w") as f:
                f.write(values_yaml(random.randint(1, 3)))
            args += ["-f", p]
            continue
        k = random.choice(SET_KEYS)
        if kind == "--set-json":
            v = random.choice(JSON_VALS)
        else:
            v = random.choice(SET_VALS)
            if random.random() < 0.2:
                v = ",".join([v, random.choice(SET_KEYS) + "=" + random.choice(SET_VALS)])
        args += [kind, k + "=" + v]
    return args


TEMPLATES = {
    "yaml.yaml": """# {{ toYaml .Values | replace "\\n" "\\n# " }}
""",
    "json.yaml": """# {{ toJson .Values }}
# {{ toPrettyJson .Values | replace "\\n" "\\n# " }}
# {{ toRawJson .Values }}
""",
    "str.yaml": """# {{ toString .Values | toJson }}
# {{ printf "%v" .Values | toJson }}
# {{ fromYaml (toYaml .Values) | toJson }}
# {{ fromJson (toJson .Values) | toYaml | replace "\\n" "\\n# " }}
""",
    "each.yaml": """{{- range $k, $v := .Values }}
# {{ $k }} {{ printf "%v|%T|%q|%s|%d|%x|%+v|%#v" $v $v (toString $v) $v $v $v $v $v | toJson }}
# {{ quote $v | toJson }} {{ squote $v | toJson }} {{ toString $v | toJson }} {{ kindOf $v }} {{ typeOf $v }}
# {{ toYaml $v | nindent 4 | replace "\\n" "\\n# " }}
# {{ toJson $v }} {{ $v | toJson | fromJson | toJson }}
{{- if kindIs "map" $v }}{{ range $k2, $v2 := $v }}
# {{ $k2 | toJson }} {{ printf "%v %T" $v2 $v2 | toJson }} {{ toYaml $v2 | toJson }} {{ $v2 | toString | toJson }}
{{- end }}{{ end }}
{{- if kindIs "slice" $v }}{{ range $i, $v2 := $v }}
# {{ $i }} {{ printf "%v %T" $v2 $v2 | toJson }} {{ toYaml $v2 | toJson }} {{ $v2 | toString | toJson }}
{{- end }}{{ end }}
{{- end }}
""",
    "toml.yaml": """# {{ toToml .Values | toJson }}
""",
}


def write_chart(tmp, nkeys):
    chart = os.path.join(tmp, "c")
    os.makedirs(os.path.join(chart, "templates"))
    with open(os.path.join(chart, "Chart.yaml"), "w") as f:
        f.write("apiVersion: v2\nname: c\nversion: 0.1.0\n")
    vals = values_yaml(nkeys)
    with open(os.path.join(chart, "values.yaml"), "w") as f:
        f.write(vals)
    for name, text in TEMPLATES.items():
        with open(os.path.join(chart, "templates", name), "w") as f:
            f.write(text)
    return chart


def run(tool, chart, args):
    p = subprocess.run([tool, "template", "t", chart] + args, capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keys", type=int, default=8)
    ap.add_argument("--out", default="/tmp/values_diff")
    ap.add_argument("--hm", default="build/release/bin/hm")
    ap.add_argument("--helm", default=os.path.expanduser("~/.cache/kz-reference/bin/helm"))
    ap.add_argument("-v", dest="verbose", action="store_true", help="list helm's most common errors")
    ap.add_argument("--only", default=None, help="template file to keep (others dropped)")
    o = ap.parse_args()
    seed = o.seed if o.seed is not None else random.randrange(1 << 30)
    os.makedirs(o.out, exist_ok=True)
    if o.only:
        for k in list(TEMPLATES):
            if k != o.only:
                del TEMPLATES[k]
    diffs = 0
    errs = 0
    flaky = 0
    msgs = {}
    for i in range(o.n):
        random.seed(seed + i)
        tmp = tempfile.mkdtemp(prefix="vd")
        try:
            chart = write_chart(tmp, random.randint(1, o.keys))
            args = rand_args(tmp)
            a = run(o.helm, chart, args)
            b = run(o.hm, chart, args)
            if a[0]:
                errs += 1
                m = a[2].decode(errors="replace").split("\n")[-2][:90].replace(tmp, "")
                msgs[m] = msgs.get(m, 0) + 1
            if a != b and run(o.helm, chart, args) != a:
                flaky += 1  # helm itself varies (Go's map order): not ours to match
                print("FLAKY seed=%d (helm's output varies)" % (seed + i), flush=True)
                continue
            if a != b:
                diffs += 1
                d = os.path.join(o.out, "case%d" % (seed + i))
                shutil.rmtree(d, ignore_errors=True)
                shutil.copytree(tmp, d)
                with open(os.path.join(d, "args"), "w") as f:
                    f.write("\n".join(a.replace(tmp, d) for a in args) + "\n")
                for tag, r in (("helm", a), ("hm", b)):
                    with open(os.path.join(d, tag + ".out"), "wb") as f:
                        f.write(r[1])
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
    print("rounds=%d seed=%d diffs=%d flaky=%d helm-errors=%d" % (o.n, seed, diffs, flaky, errs))


if __name__ == "__main__":
    sys.exit(main())
