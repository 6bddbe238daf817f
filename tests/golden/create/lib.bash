# Shared by regen.sh and tests/cli/create.sh.
#  create_session TOOL DIR: runs the `create` commands of commands.txt one
#    after the other in DIR (which starts with a file `afile` and a chart
#    folder `pre` holding an old Chart.yaml and a file of its own), printing
#    each command's stdout, stderr and exit code, then the tree left behind
#    (type, mode and path of everything) and the untouched file's text.
#  render TOOL CHART: `TOOL template` of the chart for every line of
#    renders.txt (release name, then flags), all printed one after another.
#  render_dot TOOL DIR: `TOOL create .` in DIR, then `TOOL template x .`
#    there (a chart named "."; helm's template names are path.Join'ed:
#    "templates/x.yaml", not "./templates/x.yaml").
golden_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

create_session() {
    local tool=$1 dir=$2 args
    touch "$dir/afile"
    mkdir -p "$dir/pre/templates"
    echo old > "$dir/pre/Chart.yaml"
    echo mine > "$dir/pre/other.txt"
    while IFS= read -r args; do
        case $args in '#'* | '') continue ;; esac
        eval "set -- $args"
        echo "== create $args"
        local code=0
        (cd "$dir" && "$tool" create "$@") > "$dir/.out" 2> "$dir/.err" || code=$?
        cat "$dir/.out"
        echo "-- stderr"
        cat "$dir/.err"
        echo "-- exit $code"
    done < "$golden_dir/commands.txt"
    rm -f "$dir/.out" "$dir/.err"
    echo "== tree"
    (cd "$dir" && find . -mindepth 1 -printf '%y %m %p\n' | LC_ALL=C sort -k3)
    echo "== pre/other.txt"
    cat "$dir/pre/other.txt"
}

render() {
    local tool=$1 chart=$2 line
    while IFS= read -r line; do
        case $line in '#'* | '') continue ;; esac
        eval "set -- $line"
        echo "== template $line"
        local code=0
        "$tool" template "$1" "$chart" "${@:2}" 2>&1 || code=$?
        echo "-- exit $code"
    done < "$golden_dir/renders.txt"
}

render_dot() {
    local tool=$1 dir=$2 code=0
    (cd "$dir" && "$tool" create . > /dev/null && "$tool" template x . 2>&1) || code=$?
    echo "-- exit $code"
}
