# Shared by regen.sh and tests/cli/package.sh: the cases and how to run one.
golden_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$golden_dir/../../../../shared/fixtures/edu-chart-repo" && pwd)
project=$(cd "$golden_dir/../../.." && pwd)

cases() { grep -v '^#' "$golden_dir/cases.txt" | grep -v '^$'; }

# unpack DIR: every archive of the edu repository, one folder per chart
unpack() {
    local f
    for f in "$repo"/*.tgz; do tar -xzf "$f" -C "$1"; done
}

# run_one TOOL DIR ARGS UNPACKED: `TOOL package ARGS` run from the empty
# folder DIR/run (placeholders filled; @COPY@: a fresh copy of charts/, for
# --dependency-update, which writes into the chart), into DIR/out, DIR/err, DIR/code
# (paths put back as placeholders); then DIR/archives: every archive made,
# entry by entry (mode, owner, size, name, then the content's SHA-256),
# the entries' dates left out (helm stamps the current time).
run_one() {
    local tool=$1 dir=$2 args=$3 unpacked=$4
    args=${args//@DIR@/$unpacked}
    args=${args//@CHARTS@/$golden_dir/charts}
    args=${args//@PROJECT@/$project}
    args=${args//@COPY@/$dir/copy}
    eval "set -- $args"
    rm -rf "$dir/run" "$dir/copy"
    cp -r "$golden_dir/charts" "$dir/copy"
    mkdir -p "$dir/run"
    touch "$dir/run/afile"
    local code=0
    (cd "$dir/run" && "$tool" package "$@") > "$dir/out" 2> "$dir/err" || code=$?
    echo "$code" > "$dir/code"
    sed -i "s|$unpacked|@DIR@|g; s|$golden_dir/charts|@CHARTS@|g; s|$dir/copy|@COPY@|g; s|$project|@PROJECT@|g; s|$dir/run|@CWD@|g; s|\bhelm\b|@TOOL@|g; s|\bhm\b|@TOOL@|g" "$dir/out" "$dir/err"
    dump_archives "$dir/run" > "$dir/archives"
}

dump_archives() {
    local f name
    (cd "$1" && find . -name '*.tgz' | LC_ALL=C sort) | while IFS= read -r f; do
        echo "== $f"
        tar --numeric-owner -tvzf "$1/$f" | awk '{ print $1, $2, $3, $6 }'
        tar -tzf "$1/$f" | while IFS= read -r name; do
            printf '%s  %s\n' "$(tar -xzOf "$1/$f" "$name" | sha256sum | cut -d' ' -f1)" "$name"
        done
    done
}
