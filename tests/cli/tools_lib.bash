# Shared by tools.sh and regen.sh (not named *.sh: ctest runs every tests/cli/*.sh): the list of cases and how one case runs.
# A case is a command line from tools.cases; its golden files are
# golden/tools/<name>.out (stdout), .err (stderr) and .code (exit code).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cases_file="$here/tools.cases"
golden_dir="$here/golden/tools"

case_lines() { grep -v '^#' "$cases_file" | grep -v '^[[:space:]]*$'; }
case_name() { printf '%s' "$1" | tr ' /' '_.'; }

# run_case LINE DIR: runs the command line with the tools in $KZ_BIN and writes
# DIR/NAME.out, .err and .code.
run_case() {
    local line=$1 dir=$2 name tool
    name=$(case_name "$line")
    read -r -a words <<<"$line"
    tool=${words[0]}
    local code=0
    "$KZ_BIN/$tool" "${words[@]:1}" </dev/null >"$dir/$name.out" 2>"$dir/$name.err" || code=$?
    echo "$code" >"$dir/$name.code"
}
