# Shared by regen.sh and tests/cli/lint.sh: the cases and how to run one.
golden_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo="$golden_dir/../../../../shared/fixtures/edu-chart-repo"
project="$golden_dir/../../.."

cases() { grep -v '^#' "$golden_dir/cases.txt" | grep -v '^$'; }

# unpack DIR: every archive of the repository, one folder per chart
unpack() {
    local f
    for f in "$repo"/*.tgz; do tar -xzf "$f" -C "$1"; done
}

# run_one TOOL DIR ARGS UNPACKED: TOOL lint ARGS with placeholders filled, run
# from the golden charts folder; stdout, stderr and the exit code into
# DIR/out, DIR/err, DIR/code, with the machine's paths put back as
# placeholders (helm prints absolute chart folders in some messages), and
# the temporary folders of archives as @TMP@/helm-lintN.
run_one() {
    local tool=$1 dir=$2 args=$3 unpacked=$4
    args=${args//@REPO@/$repo}
    args=${args//@DIR@/$unpacked}
    args=${args//@PROJECT@/$project}
    eval "set -- $args"
    local code=0
    (cd "$golden_dir/charts" && "$tool" lint "$@") > "$dir/out" 2> "$dir/err" || code=$?
    echo "$code" > "$dir/code"
    local p
    p=$(cd "$project" && pwd)
    sed -i "s|$unpacked|@DIR@|g; s|$repo|@REPO@|g; s|$golden_dir/charts|@CHARTS@|g; s|$project|@PROJECT@|g; s|$p|@PROJECT@|g" "$dir/out" "$dir/err"
    # archives are expanded into os.MkdirTemp("", "helm-lint"): a random
    # number (decimal: Go's), under $TMPDIR or /tmp
    sed -E -i 's#[^ ]*/helm-lint[0-9]+#@TMP@/helm-lintN#g' "$dir/out" "$dir/err"
}
