#!/bin/sh
# tests/fuzz/run.sh SECONDS [HARNESS...]
#
# Build every libFuzzer harness tests/fuzz/fuzz_*.c against src/*.c with
# clang -fsanitize=fuzzer,address,undefined, write the seed corpus from the
# unit tests' case tables (gen_seeds.c), then run each harness for SECONDS
# with its seeds and dictionary (tests/fuzz/fuzz_NAME.dict).  Prints
# libFuzzer's final stats line per harness; exits non-zero when any harness
# crashed, leaked, timed out or broke an invariant (the input is kept in
# build/fuzz/artifacts/).
#
# The working corpus, build/fuzz/corpus/NAME, persists between runs, so a
# long run's findings seed the next short one.  FUZZ_JOBS=2 runs two
# harnesses at a time (the default, 1, leaves the other core to the rest of
# the machine).  CLANG overrides the compiler.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 SECONDS [fuzz_NAME ...]" >&2
    exit 2
fi
SECONDS_PER=$1
shift

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$ROOT/build/fuzz
CLANG=${CLANG:-clang}
JOBS=${FUZZ_JOBS:-1}
cd "$ROOT"

APR_CFLAGS=$(pkg-config --cflags apr-1 2>/dev/null \
             || apr-1-config --cflags --cppflags --includes)
DEP_CFLAGS=$(pkg-config --cflags libpcre2-8 libpsl)
CFLAGS="-std=gnu11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
-fno-sanitize-recover=undefined -Isrc -Itests/unit -Itests/fuzz \
-Itools/cors-check $APR_CFLAGS $DEP_CFLAGS"
SAN=address,undefined
LIBS="-lapr-1 -lpcre2-8 -lpsl"

if [ $# -gt 0 ]; then
    HARNESSES="$*"
else
    HARNESSES=$(cd tests/fuzz && ls fuzz_*.c | sed 's/\.c$//')
fi

mkdir -p "$OUT/obj" "$OUT/bin" "$OUT/seeds" "$OUT/artifacts" "$OUT/logs"

# The engine once, instrumented for coverage but without libFuzzer's main;
# with it cors-check's checks over header lists (cc_check.c: no libcurl).
for src in src/*.c tools/cors-check/cc_check.c; do
    obj=$OUT/obj/$(basename "$src" .c).o
    if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ] \
       || [ -n "$(find src tools/cors-check -name '*.h' -newer "$obj")" ]; then
        # shellcheck disable=SC2086
        $CLANG $CFLAGS -fsanitize=fuzzer-no-link,$SAN -c -o "$obj" "$src"
    fi
done

for h in $HARNESSES; do
    # shellcheck disable=SC2086
    $CLANG $CFLAGS -fsanitize=fuzzer,$SAN -o "$OUT/bin/$h" \
        "tests/fuzz/$h.c" "$OUT"/obj/*.o $LIBS
done

# Seeds from the case tables, regenerated every run.
# shellcheck disable=SC2086
${CC:-cc} -std=gnu11 -Wall -Wextra -Werror -Isrc -Itests/unit \
    $APR_CFLAGS $DEP_CFLAGS -o "$OUT/bin/gen_seeds" tests/fuzz/gen_seeds.c
rm -rf "$OUT/seeds"
mkdir -p "$OUT/seeds"
"$OUT/bin/gen_seeds" "$OUT/seeds"

max_len() {
    case $1 in
    fuzz_origin_request) echo 2048 ;;   # twice CORS_ORIGIN_MAX_LEN
    fuzz_request_headers) echo 20000 ;; # past CORS_REQUEST_HEADERS_MAX_LEN
    *) echo 4096 ;;
    esac
}

run_one() {
    h=$1
    corpus=$OUT/corpus/$h
    seeds=$OUT/seeds/$h
    log=$OUT/logs/$h.log
    mkdir -p "$corpus" "$seeds"
    set +e
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    "$OUT/bin/$h" -max_total_time="$SECONDS_PER" -timeout=10 \
        -rss_limit_mb=2048 -max_len="$(max_len "$h")" \
        -dict="tests/fuzz/$h.dict" -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$h-" \
        "$corpus" "$seeds" >"$log" 2>&1
    rc=$?
    set -e
    # libFuzzer's last progress line: "#N DONE cov: C ft: F corp: ..."
    stats=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    if [ $rc -eq 0 ]; then
        echo "fuzz: $h: ok: ${stats:-no stats} (execs ${execs:-?})"
    else
        echo "fuzz: $h: FAILED (rc $rc): ${stats:-no stats}; log $log"
        grep -E 'ERROR|invariant|SUMMARY|Test unit written' "$log" \
            | head -n 8 | sed 's/^/    /'
    fi
    return $rc
}

status=0
running=0
pids=""
for h in $HARNESSES; do
    if [ "$JOBS" -le 1 ]; then
        run_one "$h" || status=1
        continue
    fi
    run_one "$h" >"$OUT/logs/$h.summary" 2>&1 &
    pids="$pids $!:$h"
    running=$((running + 1))
    if [ $running -ge "$JOBS" ]; then
        for ph in $pids; do
            wait "${ph%%:*}" || status=1
            cat "$OUT/logs/${ph#*:}.summary"
        done
        pids=""
        running=0
    fi
done
for ph in $pids; do
    wait "${ph%%:*}" || status=1
    cat "$OUT/logs/${ph#*:}.summary"
done

n=$(echo $HARNESSES | wc -w)
if [ $status -eq 0 ]; then
    echo "fuzz: $n harnesses, ${SECONDS_PER}s each: no crash"
else
    echo "fuzz: FAILED: see build/fuzz/logs and build/fuzz/artifacts"
fi
exit $status
