#!/usr/bin/env python3
"""Cases of Go's fmt as helm's templates see it (run by regen.sh).

  cases.py chart DIR            write DIR/templates/cases.yaml and DIR/files/,
                                print the cases (KIND TAB FORMAT TAB ARGS)
  cases.py golden CASES OUT     join the cases with helm's output -> fmt.tsv

ARGS syntax (space-separated; test_tmpl_fmt.c parses the same):
  nil true false       nil interface, bools
  -12                  int (a template constant)
  i64:N                int64 (sprig's int64)
  u8:N                 uint8 (index of a string)
  f:X                  float64 (sprig's float64 "X"; X may be NaN, +Inf, -Inf)
  "..."                string (a Go string literal, used verbatim in the template)
  [ ... ]              []interface {} (sprig's list)
  { "k" V ... }        map[string]interface {} (sprig's dict)
  strs[ "a" ... ]      []string (splitList; elements without backslashes)
  bytes"..."           []uint8 (.Files.GetBytes of a file holding those bytes)
  smap                 map[string]string {a: x, b: "y z"} (.Chart.Annotations)
"""
import base64
import os
import re
import sys

# ---- values ---------------------------------------------------------------

INTS = ["0", "3", "-7", "255", "1234567", "-9223372036854775808", "9223372036854775807",
        "i64:42", "i64:-1", "u8:104", "u8:255", "u8:0", "65", "128512", "1114112", "55296"]
FLOATS = ["f:0", "f:-0", "f:1", "f:1.5", "f:-2.25", "f:3.14159", "f:1e6", "f:1e20", "f:1e21",
          "f:123456789", "f:1.5e-7", "f:0.0001", "f:0.00001", "f:1e-320", "f:NaN", "f:+Inf",
          "f:-Inf", "f:0.1", "f:100", "f:1e100", "f:5e-324", "f:1.7976931348623157e308",
          "f:2.5", "f:0.5", "f:-0.0625", "f:999999.5"]
STRINGS = ['""', '"abc"', '"h\\u00e9llo"', '"a\\tb\\n"', '"\\u65e5\\u672c\\u8a9e"', '"\\x00\\x7f"',
           '"\\xff\\xfe"', '"`back`"', '"quote\\"s"', '"\\\\"', '"\\u00a0nbsp"', '"\\u200b"',
           '"emoji\\U0001F600"', '"a b"', '"\\ufeff"', '"\\u00ad"']
MISC = ["true", "false", "nil"]
CONTAINERS = ["[]", "[ 1 2 3 ]", '[ 1 "a" nil true f:1.5 ]', '[ [ 1 2 ] { "a" 1 } ]',
              'strs[ "a" "b c" ]', "strs[ ]", 'bytes"hi"', 'bytes""', 'bytes"\\x00\\xff"',
              '[ bytes"hi" "x" ]', "{ }", '{ "b" 2 "a" 1 }',
              '{ "a" nil "c" [ 1 2 ] "b" { "x" "y" } }', '{ "k" f:1.5 "z" "s" "B" u8:7 }', "smap",
              '{ "b" strs[ "x" ] "a" bytes"hi" }']
VALUES = INTS + FLOATS + STRINGS + MISC + CONTAINERS

VERBS = ["%v", "%+v", "%#v", "%T", "%d", "%s", "%q", "%x", "%X", "%o", "%O", "%b", "%c",
         "%U", "%e", "%E", "%f", "%F", "%g", "%G", "%t", "%z"]

INT_FORMATS = ["%5d", "%-5d|", "%05d", "%+d", "% d", "%.3d", "%8.3d", "%#x", "%#o", "%#b",
               "%#X", "%08x", "%#08x", "%+x", "% x", "%-08d|", "%#U", "%#q", "%+q", "%.0d",
               "%+.0d", "%5.0d|", "%#5.0x|", "%6c|", "%-6q|", "%#O", "%.6U", "%08b", "%+05d",
               "% 05d", "%x", "%+o", "%10.4x", "%#-10x|", "%010v", "%3v", "%-3v|", "%+.3v",
               "%#.3x", "%# x", "%08.3d"]
FLOAT_FORMATS = ["%8.3f", "%-8.3f|", "%08.3f", "%+.2e", "%.0f", "%#.0f", "%#g", "%#.3g",
                 "%10.4g", "% f", "%+f", "%x", "%X", "%.3x", "%#x", "%b", "%.2v", "%10v",
                 "%-10v|", "%#e", "%010.2f", "%+010.2f", "%010v", "%.0e", "%.20f", "%#.0e",
                 "% .3e", "%+g", "% g", "%#G", "%.1X", "%#.1x", "%-+10.1f|", "%06v", "%.3G",
                 "%#10.2x", "%+.0x", "%#b", "%.17g"]
STRING_FORMATS = ["%10s|", "%-10s|", "%.2s", "%5.1s|", "%x", "%X", "% x", "%# x", "%#x",
                  "%.1x", "%+q", "%#q", "%#+q", "%10q|", "%-10q|", "%05s", "%5v|", "%.2q",
                  "%8x|", "%-8X|", "%# X", "%.0s|", "%.3v", "%010q", "%0-5s|", "%# .2x",
                  "%+#q", "%-#10q|", "%.1q", "% #x"]
CONTAINER_FORMATS = ["%5v", "%-5v|", "%05d", "%x", "%X", "%q", "%s", "%+q", "%#x", "% x",
                     "%.1f", "%3d", "%#q", "%.2s", "%08.3f", "%+d", "%c", "%U"]

HANDWRITTEN = [
    # argument errors
    ("printf", '"%d"', '"abc"'), ("printf", '"%d %d"', "1"), ("printf", '"%d"', "1 2"),
    ("printf", '"x"', '"x" 1 nil [ 1 ]'), ("printf", '"%"', ""), ("printf", '"%-"', "1"),
    ("printf", '"%!"', "1"), ("printf", '"%5"', "1"), ("printf", '"%.3"', "1"),
    ("printf", '"%*d"', '"x" 1'), ("printf", '"%.*d"', '"x" 1'), ("printf", '"%*d"', "-5 1"),
    ("printf", '"%*d|"', "-5 1"), ("printf", '"%.*d"', "-1 1"), ("printf", '"%*d"', "5 1"),
    ("printf", '"%-*d|"', "5 1"), ("printf", '"%0*d"', "5 -1"), ("printf", '"%.*f"', "2 f:3.14159"),
    ("printf", '"%*.*f|"', "8 2 f:3.14159"), ("printf", '"%*d"', "1000001 1"),
    ("printf", '"%*d"', "u8:3 1"), ("printf", '"%*d"', "i64:3 1"), ("printf", '"%*d"', "f:3 1"),
    ("printf", '"%*d"', ""), ("printf", '"%.*d"', ""), ("printf", '"%[2]d %[1]d"', "1 2"),
    ("printf", '"%[3]d"', "1 2"), ("printf", '"%[0]d"', "1"), ("printf", '"%[x]d"', "1"),
    ("printf", '"%[1]d %d"', "1 2"), ("printf", '"%[2]*[1]d|"', "12 5"),
    ("printf", '"%[1]d %[1]x %[1]o"', "64"), ("printf", '"%[2]d"', "1 2 3"),
    ("printf", '"%[1]"', "1"), ("printf", '"%[1"', "1"), ("printf", '"%[]d"', "1"),
    ("printf", '"%[3]2d"', "1 2 3"), ("printf", '"%[3].2d"', "1 2 3"), ("printf", '"%.[2]d"', "1 2"),
    ("printf", '"%[2].[1]*d"', "2 3"), ("printf", '"%d %[1]d %d"', "1 2"),
    ("printf", '"%%"', ""), ("printf", '"%5%|"', ""), ("printf", '"%%"', "1"),
    ("printf", '"%\\u00e9"', "1"), ("printf", '"%\\xff"', "1"), ("printf", '"%d%"', "1"),
    ("printf", '"%5.2%"', "1"), ("printf", '""', ""), ("printf", '""', "1"),
    ("printf", '"%v %v"', "nil nil"), ("printf", '"%T"', "nil"), ("printf", '"%5T|"', "nil"),
    ("printf", '"%-10T|%T"', '[ 1 ] { "a" 1 }'), ("printf", '"%10v|"', "nil"),
    ("printf", '"%x"', "nil"), ("printf", '"%d"', '[ nil ]'), ("printf", '"%#v"', '[ nil ]'),
    ("printf", '"%#v"', '{ "a" nil }'), ("printf", '"%s"', '{ "a" nil }'),
    ("printf", '"%5d"', '"abc"'), ("printf", '"%+s"', "5"), ("printf", '"%#s"', "255"),
    ("printf", '"%d %s"', '[ 1 "a" ] [ 1 "a" ]'), ("printf", '"%t %t"', "true 1"),
    ("printf", '"%v %d"', "1"), ("printf", '"no verbs %d"', ""),
    ("printf", '"%!d"', "1"), ("printf", '"%#+ -0v"', "-3"),
    # %v of nested values
    ("printf", '"%v"', '{ "z" [ { "b" nil "a" [ ] } ] "a" { } }'),
    ("printf", '"%#v"', '{ "z" [ { "b" nil "a" [ ] } ] "a" { } }'),
    ("printf", '"%+v"', '[ { "a" 1 } "s" ]'),
    ("printf", '"%v"', '{ "b" 1 "a" 2 "A" 3 "aa" 4 "_" 5 "\\u00e9" 6 "" 7 }'),
    # print / println spacing
    ("print", "-", ""), ("print", "-", "1 2"), ("print", "-", '"a" "b"'), ("print", "-", '1 "a" 2'),
    ("print", "-", '"a" 1 "b"'), ("print", "-", "nil nil"), ("print", "-", 'nil "a" nil'),
    ("print", "-", "f:1.5 true [ 1 ] { \"a\" 1 }"), ("print", "-", 'bytes"hi" bytes"x"'),
    ("print", "-", 'strs[ "a" ] strs[ "b" ]'), ("print", "-", '"" ""'), ("print", "-", '1 "" 2'),
    ("print", "-", "u8:104 i64:-5 f:1e6 f:1e-7"),
    ("println", "-", ""), ("println", "-", "1 2"), ("println", "-", '"a" "b"'),
    ("println", "-", '1 "a" nil'), ("println", "-", '[ 1 2 ] { "k" "v" } smap'),
    # implicit printing of a pipeline's value
    ("value", "-", "3"), ("value", "-", '"s"'), ("value", "-", "f:1e6"), ("value", "-", "f:0.1"),
    ("value", "-", '[ 1 nil "a" ]'), ("value", "-", '{ "b" 1 "a" nil }'),
    ("value", "-", 'bytes"hi"'), ("value", "-", "true"), ("value", "-", 'strs[ "a" "b" ]'),
    ("value", "-", "u8:104"), ("value", "-", "f:NaN"), ("value", "-", "smap"),
]


def cases():
    out = list(HANDWRITTEN)
    for v in VALUES:
        for verb in VERBS:
            out.append(("printf", '"' + verb + '"', v))
    for fmts, vals in ((INT_FORMATS, INTS), (FLOAT_FORMATS, FLOATS), (STRING_FORMATS, STRINGS),
                       (CONTAINER_FORMATS, CONTAINERS)):
        for f in fmts:
            for v in vals:
                out.append(("printf", '"' + f.replace("\\", "\\\\") + '"', v))
    seen, uniq = set(), []
    for c in out:
        if c not in seen:
            seen.add(c)
            uniq.append(c)
    return uniq


# ---- ARGS -> template expressions ------------------------------------------

TOKEN = re.compile(r'\s*(strs\[|bytes"(?:[^"\\]|\\.)*"|"(?:[^"\\]|\\.)*"|\[|\]|\{|\}|[^\s\[\]{}"]+)')


def tokens(s):
    pos, out = 0, []
    while pos < len(s):
        if s[pos:].strip() == "":
            break
        m = TOKEN.match(s, pos)
        if not m:
            raise SystemExit("bad args: " + s)
        out.append(m.group(1))
        pos = m.end()
    return out


def go_unquote(lit):
    """Bytes of a Go interpreted string literal (with its quotes)."""
    body, out, i = lit[1:-1], bytearray(), 0
    simple = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34, "'": 39}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode()
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e == "x":
            out.append(int(body[i + 2:i + 4], 16))
            i += 4
        elif e in "uU":
            n = 4 if e == "u" else 8
            out += chr(int(body[i + 2:i + 2 + n], 16)).encode()
            i += 2 + n
        else:
            raise SystemExit("unsupported escape in " + lit)
    return bytes(out)


class Chart:
    def __init__(self, root):
        self.root, self.nfiles, self.files = root, 0, {}

    def bytes_file(self, data):
        if data in self.files:
            return self.files[data]
        self.nfiles += 1
        name = "files/b%d" % self.nfiles
        with open(os.path.join(self.root, name), "wb") as f:
            f.write(data)
        self.files[data] = name
        return name

    def expr(self, toks, i):
        """Template expression of the value starting at toks[i] -> (text, next i)."""
        t = toks[i]
        if t in ("[", "strs[", "{"):
            close = "}" if t == "{" else "]"
            items, i = [], i + 1
            while toks[i] != close:
                e, i = self.expr(toks, i)
                items.append(e)
            if t == "[":
                return "(list %s)" % " ".join(items), i + 1
            if t == "{":
                return "(dict %s)" % " ".join(items), i + 1
            if not items:
                return "(keys (dict))", i + 1
            return '(splitList "\\x1f" "%s")' % "\\x1f".join(x[1:-1] for x in items), i + 1
        if t.startswith('bytes"'):
            return '(.Files.GetBytes "%s")' % self.bytes_file(go_unquote(t[5:])), i + 1
        if t == "smap":
            return ".Chart.Annotations", i + 1
        if t.startswith("i64:"):
            return "(int64 %s)" % t[4:], i + 1
        if t.startswith("u8:"):
            return '(index "\\x%02x" 0)' % int(t[3:]), i + 1
        if t.startswith("f:"):
            return '(float64 "%s")' % t[2:], i + 1
        return t, i + 1  # nil, true, false, int constants, string literals

    def args(self, spec):
        toks, i, out = tokens(spec), 0, []
        while i < len(toks):
            e, i = self.expr(toks, i)
            out.append(e)
        return " ".join(out)


def write_chart(root):
    files = os.path.join(root, "files")
    os.makedirs(files, exist_ok=True)
    for f in os.listdir(files):
        os.remove(os.path.join(files, f))
    os.makedirs(os.path.join(root, "templates"), exist_ok=True)
    chart = Chart(root)
    lines = ["# GENERATED by ../../cases.py (regen.sh): one case per line"]
    for n, (kind, fmt, args) in enumerate(cases()):
        a = chart.args(args)
        if kind == "printf":
            body = "{{ printf %s %s | b64enc }}" % (fmt, a)
        elif kind == "value":
            body = "[{{ %s }}]" % a
        else:
            body = "{{ %s %s | b64enc }}" % (kind, a)
        lines.append("# c%d %s" % (n, body))
        print("%s\t%s\t%s" % (kind, fmt, args))
    with open(os.path.join(root, "templates", "cases.yaml"), "w") as f:
        f.write("\n".join(lines) + "\n")


def escape(b):
    out = []
    for c in b:
        if c == 0x5C:
            out.append("\\\\")
        elif c == 9:
            out.append("\\t")
        elif c == 10:
            out.append("\\n")
        elif c < 0x20 or c == 0x7F:
            out.append("\\x%02x" % c)
        else:
            out.append(chr(c) if c < 0x80 else None)
            if c >= 0x80:
                out[-1] = bytes([c]).decode("latin-1")
    return "".join(out).encode("latin-1")


def golden(cases_path, out_path):
    with open(cases_path, "rb") as f:
        rows = [l.rstrip(b"\n").split(b"\t") for l in f]
    results = {}
    with open(out_path, "rb") as f:
        for line in f:
            m = re.match(rb"# c(\d+) (.*)$", line.rstrip(b"\n"))
            if m:
                results[int(m.group(1))] = m.group(2)
    out = sys.stdout.buffer
    for n, row in enumerate(rows):
        got = results[n]
        if row[0] == b"value":
            got = got[1:-1]
        else:
            got = base64.b64decode(got)
        out.write(b"\t".join(row + [escape(got)]) + b"\n")


if __name__ == "__main__":
    if sys.argv[1] == "chart":
        write_chart(sys.argv[2])
    else:
        golden(sys.argv[2], sys.argv[3])
