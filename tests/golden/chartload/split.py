"""Golden text of one `helm template` run (see regen.sh): rendered sources,
the kzdump documents by path, and helm's stderr with the temp dir masked."""
import sys

out, err, tmp = sys.argv[1], sys.argv[2], sys.argv[3]
sources, dumps = [], {}
for doc in open(out).read().split("---\n"):
    lines = doc.strip("\n").split("\n")
    if not lines or not lines[0].startswith("# Source: "):
        continue
    src = lines[0][len("# Source: "):]
    if src.endswith("templates/zz-kzdump.yaml"):
        dumps[src] = "\n".join(lines[1:])
    else:
        sources.append(src)
print("== sources")
for s in sorted(sources):
    print(s)
for k in sorted(dumps):
    print("== dump " + k)
    print(dumps[k])
print("== stderr")
sys.stdout.write(open(err).read().replace(tmp, "TMP/"))
