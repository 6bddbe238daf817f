# Shared by regen.sh and tests/cli/show.sh: the cases and how to run one.
golden_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$golden_dir/../../../../shared/fixtures/edu-chart-repo" && pwd)
project=$(cd "$golden_dir/../../.." && pwd)

cases() { grep -v '^#' "$golden_dir/cases.txt" | grep -v '^$'; }

# run_one TOOL DIR ARGS: `TOOL show ARGS` run from DIR (placeholders
# filled), into DIR/out, DIR/err (paths put back as placeholders), DIR/code.
run_one() {
    local tool=$1 dir=$2 args=$3
    args=${args//@REPO@/$repo}
    args=${args//@CHARTS@/$golden_dir/charts}
    args=${args//@PROJECT@/$project}
    eval "set -- $args"
    local code=0
    (cd "$dir" && "$tool" show "$@") > "$dir/out" 2> "$dir/err" || code=$?
    echo "$code" > "$dir/code"
    sed -i "s|$repo|@REPO@|g; s|$golden_dir/charts|@CHARTS@|g; s|$project|@PROJECT@|g; s|$dir|@CWD@|g; s|\bhelm\b|@TOOL@|g; s|\bhm\b|@TOOL@|g" "$dir/err"
}
