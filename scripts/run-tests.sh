#!/bin/bash
# Run each test program given as an argument, keep going after a failure so
# one run shows every broken program, and end with one summary line.
# Usage: scripts/run-tests.sh LABEL PROGRAM...
set -uo pipefail

label=$1
shift
if [ $# -eq 0 ]; then
    echo "$label: no test programs (tests/unit/test_*.c) found" >&2
    exit 1
fi

failed=()
for prog in "$@"; do
    echo "---- $label: $prog"
    "$prog"
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "---- $label: $prog FAILED (exit $rc)"
        failed+=("$(basename "$prog")")
    fi
done

if [ ${#failed[@]} -ne 0 ]; then
    echo "$label: ${#failed[@]} of $# test programs FAILED: ${failed[*]}"
    exit 1
fi
echo "$label: all $# test programs passed"
