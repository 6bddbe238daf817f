"""Build the archives of regen.sh into the folder argv[1]. The unit test
(tests/unit/test_chart_load.c, arch_specs) builds the same entries with
libarchive; keep both lists in step."""
import gzip, io, os, sys, tarfile

CHART = b"apiVersion: v2\nname: chart\nversion: 1.0.0\n"
CM = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"
MiB = 1024 * 1024
F, SYM, HARD, DIR = "f", "sym", "hard", "dir"

def tar_bytes(entries):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name, kind, payload in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 0
            if kind == F:
                ti.size = len(payload)
                t.addfile(ti, io.BytesIO(payload))
            elif kind == DIR:
                ti.type = tarfile.DIRTYPE
                t.addfile(ti)
            else:
                ti.type = tarfile.SYMTYPE if kind == SYM else tarfile.LNKTYPE
                ti.linkname = payload
                t.addfile(ti)
    return buf.getvalue()

def tgz(entries):
    return gzip.compress(tar_bytes(entries), mtime=0)

ok = [("chart/Chart.yaml", F, CHART), ("chart/templates/cm.yaml", F, CM)]
specs = {
    "dotdot": ok + [("chart/../../evil.txt", F, b"x")],
    "abs": ok + [("chart//etc/passwd", F, b"x")],
    "absfirst": [("/chart/Chart.yaml", F, CHART)],
    "outside": [("chart", F, b"x")],
    "rootchart": [("Chart.yaml", F, CHART)],
    "drive": ok + [("chart/c:/x", F, b"x")],
    "dotdotname": ok + [("chart/..x", F, b"x")],
    "windows": [("chart\\Chart.yaml", F, CHART), ("chart\\templates\\cm.yaml", F, CM)],
    "symlink": ok + [("chart/link.txt", SYM, "/etc/passwd"),
                     ("chart/templates/evil.yaml", SYM, "../../../etc/passwd")],
    "hardlink": ok + [("chart/hard.txt", HARD, "chart/Chart.yaml")],
    "bigfile": ok + [("chart/big.bin", F, bytes(5 * MiB + 1))],
    "bigchart": ok + [("chart/f%02d.bin" % i, F, bytes(5 * MiB)) for i in range(20)],
    # exactly the chart budget: the last file leaves nothing of it
    "bigexact": ok + [("chart/f%02d.bin" % i, F, bytes(5 * MiB)) for i in range(19)]
                   + [("chart/last.bin", F, bytes(5 * MiB - len(CHART) - len(CM)))],
    "onlydirs": [("chart/", DIR, None), ("chart/templates/", DIR, None)],
    "nochart": [("chart/values.yaml", F, b"a: 1\n")],
    "bom": [("chart/Chart.yaml", F, b"\xef\xbb\xbf" + CHART), ("chart/templates/cm.yaml", F, CM)],
    "twochart": ok + [("chart/Chart.yaml", F, b"version: 2.0.0\n")],
    "longname": ok + [("chart/templates/" + "d" * 120 + "/cm.yaml", F, CM)],
}
out = sys.argv[1]
for name, entries in specs.items():
    open(os.path.join(out, name + ".tgz"), "wb").write(tgz(entries))
good = tgz(ok)
open(os.path.join(out, "truncated.tgz"), "wb").write(good[: len(good) // 2])
open(os.path.join(out, "empty.tgz"), "wb").write(gzip.compress(tar_bytes([]), mtime=0))
open(os.path.join(out, "gzipnottar.tgz"), "wb").write(gzip.compress(b"hello, not a tar\n" * 64, mtime=0))
open(os.path.join(out, "notgz.tgz"), "wb").write(b"just some text\n")
open(os.path.join(out, "binary.tgz"), "wb").write(bytes(range(0, 64)))
open(os.path.join(out, "plaintar.tgz"), "wb").write(tar_bytes(ok))
