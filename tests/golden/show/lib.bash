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

# scratch DIR: the scratch folder's fixtures. notachart.tgz (empty), emptydir/,
# dupvalues.tgz: a chart archive holding values.yaml twice (GNU tar appends
# the second entry; helm shows both, the last one is the values).
scratch() {
    local dir=$1
    touch "$dir/notachart.tgz"
    mkdir "$dir/emptydir" "$dir/dup" "$dir/dup/dupvalues"
    printf 'apiVersion: v2\nname: dupvalues\nversion: 0.1.0\n' > "$dir/dup/dupvalues/Chart.yaml"
    printf '# first\na: 1\n' > "$dir/dup/dupvalues/values.yaml"
    (cd "$dir/dup" && tar --owner=0 --group=0 --mtime=@0 -cf d.tar dupvalues/Chart.yaml dupvalues/values.yaml &&
        printf '# second\nb: 2\n' > dupvalues/values.yaml && tar --owner=0 --group=0 --mtime=@0 -rf d.tar dupvalues/values.yaml &&
        gzip -n < d.tar > "$dir/dupvalues.tgz")
    rm -rf "$dir/dup"
}
