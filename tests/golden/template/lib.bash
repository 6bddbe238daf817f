# Shared by regen.sh and tests/cli/template.sh: the cases and how to run one.
golden_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo="$golden_dir/../../../../shared/fixtures/edu-chart-repo"

cases() { grep -v '^#' "$golden_dir/cases.txt" | grep -v '^$'; }

# unpack DIR: every archive of the repository, one folder per chart
unpack() {
    local f
    for f in "$repo"/*.tgz; do tar -xzf "$f" -C "$1"; done
}

# run_one TOOL DIR ARGS...: TOOL template ARGS with placeholders filled;
# stdout, stderr and the exit code into DIR/out, DIR/err, DIR/code (with
# COMBINED set, stdout and stderr as one pipe into DIR/out)
run_one() {
    local tool=$1 dir=$2 args=$3 unpacked=$4
    args=${args//@REPO@/$repo}
    args=${args//@DIR@/$unpacked}
    args=${args//@CHARTS@/$golden_dir/charts}
    args=${args//@DEPS@/$golden_dir/../deps/charts}
    args=${args//@PROJECT@/$golden_dir/../../..}
    rm -rf "$dir/outdir"
    args=${args//@OUT@/$dir/outdir}
    eval "set -- $args"
    local code=0
    if [ -n "${COMBINED:-}" ]; then # both streams on one pipe, into DIR/out
        "$tool" template "$@" > "$dir/out" 2>&1 || code=$?
    else
        "$tool" template "$@" > "$dir/out" 2> "$dir/err" || code=$?
    fi
    echo "$code" > "$dir/code"
    if [ -d "$dir/outdir" ]; then # --output-dir: the files written, in path order
        (cd "$dir/outdir" && find . -type f | LC_ALL=C sort | while IFS= read -r f; do
            echo "== $f"
            cat "$f"
        done) >> "$dir/out"
    fi
    sed -i "s|$dir/outdir|@OUT@|g" "$dir/out"
}
