# Shared by regen.sh and tests/cli/dependency.sh: the cases and how to run one.
#
# cases.txt: NAME <TAB> SCENARIO <TAB> STEP [ ;; STEP ...]. A case copies
# charts/SCENARIO into a fresh folder, runs its setup.sh there (it builds the
# archives the scenario needs, so no binary sits in the goldens), then runs
# `TOOL dependency STEP` for each step, from that folder. NAME.out records each
# step's stdout, stderr and exit code, then the state of the folder: every
# file, the entries of every archive (mode, owner, size, name, sha256 of the
# content; not the dates) and the lock files with their `generated:` line
# masked (a timestamp).
golden_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

cases() { grep -v '^#' "$golden_dir/cases.txt" | grep -v '^$'; }

# state DIR: the files of DIR, archives and locks opened
state() {
    local f e
    (cd "$1" && find . -mindepth 1 | LC_ALL=C sort | while IFS= read -r f; do
        if [ -d "$f" ]; then echo "D $f"; continue; fi
        case $f in
        *.tgz)
            echo "T $f"
            if tar -tzf "$f" > /dev/null 2>&1; then
                tar -tvzf "$f" | awk '{ print "  " $1, $2, $3, $6 }'
                tar -tzf "$f" | while IFS= read -r e; do
                    case $e in */) continue ;; esac
                    echo "  $e $(tar -xzOf "$f" "$e" | sha256sum | cut -d' ' -f1)"
                done
            fi ;;
        */Chart.lock | */requirements.lock)
            echo "L $f"
            sed 's/^generated: .*/generated: @MASKED@/; s/^/  /' "$f" ;;
        *) echo "F $f" ;;
        esac
    done)
}

# run_case TOOL WORK NAME SCENARIO STEPS: the case's record on stdout
run_case() {
    local tool=$1 work=$2 name=$3 scenario=$4 steps=$5 step code
    rm -rf "$work/$name"
    mkdir -p "$work/$name"
    cp -r "$golden_dir/charts/$scenario/." "$work/$name/"
    (cd "$work/$name" && if [ -f setup.sh ]; then bash setup.sh && rm setup.sh; fi)
    while [ -n "$steps" ]; do
        step=${steps%% ;; *}
        if [ "$step" = "$steps" ]; then steps=; else steps=${steps#* ;; }; fi
        echo "== dependency $step"
        code=0
        (cd "$work/$name" && eval "\"$tool\" dependency $step") > "$work/out" 2> "$work/err" || code=$?
        cat "$work/out"
        echo "-- stderr"
        sed "s|$work/$name|@DIR@|g" "$work/err"
        echo "-- exit $code"
    done
    echo "== state"
    state "$work/$name"
}
