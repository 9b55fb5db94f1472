# mod_cors: build, test, demo and install with GNU make.
#
#   make            build .libs/mod_cors.so with apxs (-Werror)
#   make test       install missing Debian packages, then every test CI runs
#   make demo       install missing Debian packages, build, run the demo
#   make install    copy the module into apxs' LIBEXECDIR (honours DESTDIR)
#   make cors-check build/cors-check, the browser's CORS verdict from a shell
#   make help       every target
#
# Every tool is looked up when its recipe runs, never when this file is
# read, so `make deps` works on a machine that has none of them yet.

APXS ?= apxs
CLANG ?= clang
CLANG_FORMAT ?= clang-format
CPPCHECK ?= cppcheck
# pytest and requests come from Debian, not from a pyenv or venv python.
PYTHON ?= /usr/bin/python3
# The demo's API origin; the page is served on PORT+1, the refused origin on
# PORT+2.
PORT ?= 8080

MODULE := .libs/mod_cors.so
ENGINE_SRC := $(wildcard src/*.c)
GLUE_SRC := mod_cors.c $(filter-out mod_cors.c,$(wildcard mod_cors_*.c))
SRC := $(GLUE_SRC) $(ENGINE_SRC)
HDR := $(wildcard src/*.h mod_cors*.h)

comma := ,
WARNINGS := -Wall -Wextra -Werror

# cors-check (tools/cors-check): libcurl for the requests, the engine's
# origin and token parsers from src/.  CFLAGS, CPPFLAGS and LDFLAGS are
# honoured (the Debian build hands over its hardening flags); PREFIX is
# where install-cors-check puts it.
CORS_CHECK := build/cors-check
CORS_CHECK_SRC := $(wildcard tools/cors-check/*.c)
CORS_CHECK_HDR := $(wildcard tools/cors-check/*.h)
CORS_CHECK_ENGINE := src/cors_origin.c src/cors_problem.c src/cors_tokens.c
CFLAGS ?= -O2 -g
PREFIX ?= /usr/local

# Unit tests: every tests/unit/test_*.c is one program, linked with the
# engine (src/*.c, never mod_cors.c) and with the shared helpers
# tests/unit/unit_*.c, if any (case tables are headers, cases_*.h).  Other
# .c files there are programs of their own (bench_decide.c).
UNIT_TESTS := $(wildcard tests/unit/test_*.c)
UNIT_HELPERS := $(wildcard tests/unit/unit_*.c)
UNIT_HDR := $(wildcard tests/unit/*.h)
UNIT_BINS := $(patsubst tests/unit/%.c,build/unit/%,$(UNIT_TESTS))
ASAN_BINS := $(patsubst tests/unit/%.c,build/unit-asan/%,$(UNIT_TESTS))

# Recursive (=) so that pkg-config runs only when a recipe needs the flags.
APR_CFLAGS = $(shell pkg-config --cflags apr-1 2>/dev/null \
                 || apr-1-config --cflags --cppflags --includes)
UNIT_CFLAGS = -std=gnu11 $(WARNINGS) -g -Isrc -Itests/unit $(APR_CFLAGS) \
              $(shell pkg-config --cflags libpcre2-8 libpsl cmocka)
UNIT_LIBS := -lcmocka -lapr-1 -lpcre2-8 -lpsl
ASAN_CFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=all
ASAN_ENV := ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
            UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

# Micro-benchmark of the decision (tests/unit/bench_decide.c), optimised
# like the module; BENCH_MS is the time per row.
BENCH_MS ?= 200

# What lint and format look at.
LINT_FILES = $(wildcard mod_cors.c mod_cors_*.c mod_cors*.h src/*.c src/*.h \
                          tests/unit/*.c tools/cors-check/*.c \
                          tools/cors-check/*.h)
LINT_C_FILES = $(filter %.c,$(LINT_FILES))

# Steps of `make test`, in order; the first failure stops the run.  Later
# steps (browser, fuzz-smoke, soak-smoke, bench-smoke, package-test) are
# appended here as their targets land.  The conf-examples run inside
# `integration` (tests/integration/test_900_examples.py).
TEST_STEPS := lint unit unit-asan integration cors-check-test \
              integration-asan valgrind browser fuzz-smoke soak-smoke \
              bench-smoke test-package

.DEFAULT_GOAL := all
.DELETE_ON_ERROR:
.PHONY: all build deps unit unit-asan integration examples lint lint-format \
        lint-cppcheck lint-build lint-engine format test demo install clean help \
        bench-decide browser docs package test-package bench bench-smoke \
        fuzz fuzz-smoke soak soak-smoke integration-asan valgrind \
        cors-check cors-check-test install-cors-check \
        stop-cycles stop-cycles-smoke

all: build cors-check

help:
	@echo "targets:"
	@echo "  build (default)  .libs/mod_cors.so via $(APXS) -c, warnings are errors"
	@echo "  cors-check       build/cors-check (the default target builds it too)"
	@echo "  cors-check-test  cors-check against mod_cors, a recipe, a wrong server"
	@echo "  deps             install missing Debian packages (scripts/deps.txt)"
	@echo "  test             deps, then: $(TEST_STEPS)"
	@echo "  lint             clang-format check, cppcheck, -Werror build"
	@echo "  format           rewrite the C files with clang-format"
	@echo "  unit, unit-asan  cmocka tests of src/, plain and under ASan+UBSan"
	@echo "  integration      pytest suite against a real Apache"
	@echo "  examples         only the conf-examples/ checks of that suite"
	@echo "  browser          Chromium and Firefox ESR call the API with fetch()"
	@echo "  integration-asan the integration suite with the module under ASan+UBSan"
	@echo "  valgrind         memcheck of apache2 -X with the module"
	@echo "  fuzz [FUZZ_SECONDS=n]  libFuzzer, every harness; fuzz-smoke: seconds"
	@echo "  soak [SOAK_ARGS=...]   load with graceful restarts; soak-smoke: short"
	@echo "  stop-cycles [STOP_CYCLES_ARGS=...]  start/load/graceful/stop loop per"
	@echo "                   MPM, with and without the module, cores kept (root)"
	@echo "  bench [QUICK=1]  load benchmark: no CORS / mod_headers recipe / mod_cors"
	@echo "  bench-smoke      a few seconds of it, checking the table is produced"
	@echo "  docs             docs/mod_cors.html from docs/mod_cors.xml"
	@echo "  package          the libapache2-mod-cors .deb into build/package/"
	@echo "  test-package     build, install, a2enmod, check live, purge (root)"
	@echo "  bench-decide     ns per decision (BENCH_MS=ms per row)"
	@echo "  demo [PORT=n]    two-origin browser demo on 127.0.0.1:n..n+2"
	@echo "  install          into \$$($(APXS) -q LIBEXECDIR), honours DESTDIR"
	@echo "  install-cors-check  into \$$(PREFIX)/bin and its man page, DESTDIR"
	@echo "  clean"

deps:
	@scripts/deps.sh

build: $(MODULE)

# apxs names the module after the first source, hence mod_cors.c first.
# It writes its objects next to the sources, so two makes running at once in
# one checkout (an editor's and a test run's) would trip over each other's
# half-written .lo files: flock (util-linux, always on Debian) takes turns.
$(MODULE): $(SRC) $(HDR) Makefile
	@mkdir -p build
	flock build/.apxs.lock $(APXS) -c $(addprefix -Wc$(comma),$(WARNINGS)) \
	    -I src $(SRC) -lpcre2-8 -lpsl

cors-check: $(CORS_CHECK)

$(CORS_CHECK): $(CORS_CHECK_SRC) $(CORS_CHECK_HDR) $(CORS_CHECK_ENGINE) \
               $(wildcard src/*.h) Makefile
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARNINGS) $(CFLAGS) $(CPPFLAGS) -Isrc \
	    -Itools/cors-check $(APR_CFLAGS) \
	    $(shell pkg-config --cflags libcurl libpcre2-8 libpsl) -o $@ \
	    $(CORS_CHECK_SRC) $(CORS_CHECK_ENGINE) $(LDFLAGS) -lcurl -lapr-1 \
	    -lpcre2-8 -lpsl

# cors-check against Apache with mod_cors, Apache with the mod_headers
# recipe and a deliberately wrong server, every scenario with the verdict
# the real browsers give (tests/browser/test_browser_cors_check.py runs the
# same table in Chromium and Firefox).
cors-check-test: $(MODULE) $(CORS_CHECK)
	MOD_CORS_SO=$(CURDIR)/$(MODULE) CORS_CHECK=$(CURDIR)/$(CORS_CHECK) \
	    $(PYTHON) -m pytest tests/cors-check -q -p no:cacheprovider

build/unit/%: tests/unit/%.c $(UNIT_HELPERS) $(UNIT_HDR) $(ENGINE_SRC) $(HDR) \
              Makefile
	@mkdir -p $(@D)
	$(CC) $(UNIT_CFLAGS) -o $@ $< $(UNIT_HELPERS) $(ENGINE_SRC) $(UNIT_LIBS)

build/unit-asan/%: tests/unit/%.c $(UNIT_HELPERS) $(UNIT_HDR) $(ENGINE_SRC) \
                   $(HDR) Makefile
	@mkdir -p $(@D)
	$(CLANG) $(UNIT_CFLAGS) $(ASAN_CFLAGS) -o $@ $< $(UNIT_HELPERS) \
	    $(ENGINE_SRC) $(UNIT_LIBS)

unit: $(UNIT_BINS)
	@scripts/run-tests.sh unit $(UNIT_BINS)

unit-asan: $(ASAN_BINS)
	@$(ASAN_ENV) scripts/run-tests.sh unit-asan $(ASAN_BINS)

build/bench/bench_decide: tests/unit/bench_decide.c $(ENGINE_SRC) $(HDR) \
                          Makefile
	@mkdir -p $(@D)
	$(CC) -std=gnu11 $(WARNINGS) -O2 -g -Isrc $(APR_CFLAGS) \
	    $(shell pkg-config --cflags libpcre2-8 libpsl) -o $@ $< \
	    $(ENGINE_SRC) -lapr-1 -lpcre2-8 -lpsl

bench-decide: build/bench/bench_decide
	build/bench/bench_decide $(BENCH_MS)

# The suite starts its own Apache and loads the module named here.
integration: $(MODULE)
	MOD_CORS_SO=$(CURDIR)/$(MODULE) $(PYTHON) -m pytest tests/integration -q

# libFuzzer (clang, ASan + UBSan) over every parser and the decision;
# FUZZ_SECONDS per harness.  The smoke run gives each a few seconds.
FUZZ_SECONDS ?= 600
fuzz:
	tests/fuzz/run.sh $(FUZZ_SECONDS)
fuzz-smoke:
	tests/fuzz/run.sh 8

# Mixed allowed/refused/preflight/malformed load under event, worker and
# prefork with graceful restarts, every response checked; RSS growth.
soak: $(MODULE)
	MOD_CORS_SO=$(CURDIR)/$(MODULE) $(PYTHON) scripts/soak.py $(SOAK_ARGS)
soak-smoke: $(MODULE)
	MOD_CORS_SO=$(CURDIR)/$(MODULE) $(PYTHON) scripts/soak.py --short
	@$(MAKE) --no-print-directory stop-cycles-smoke

# Children that crash while httpd stops (SECURITY.md, robustness): hundreds
# of start, load, graceful and stop cycles under each MPM, the module under
# ASan and plain, each beside the same loop without it; core dumps on
# (core_pattern set for the run when root), gdb backtraces.  About 45
# minutes; STOP_CYCLES_ARGS="--minutes 3 --mpm event" for less.  The smoke
# (in soak-smoke) runs 2 cycles per arm and MPM, leaving core_pattern alone.
ASAN_MODULE := build/asan/mod_cors.so
$(ASAN_MODULE): $(SRC) $(HDR) scripts/asan-module.sh
	scripts/asan-module.sh --build-only
stop-cycles: $(MODULE) $(ASAN_MODULE)
	MOD_CORS_SO=$(CURDIR)/$(MODULE) nice -n 10 $(PYTHON) \
	    scripts/stop-cycles.py $(STOP_CYCLES_ARGS)
stop-cycles-smoke: $(MODULE) $(ASAN_MODULE)
	MOD_CORS_SO=$(CURDIR)/$(MODULE) $(PYTHON) scripts/stop-cycles.py --short

# The module under ASan + UBSan inside Debian's apache2 (the runtime
# preloaded), running the integration suite; and valgrind memcheck of
# apache2 -X over hostile and everyday requests.
# (the whole suite, under the event MPM only: the plain run covers the
# other two)
integration-asan:
	MPM=event scripts/asan-module.sh
valgrind: $(MODULE)
	MOD_CORS_SO=$(CURDIR)/$(MODULE) $(PYTHON) scripts/valgrind-module.py

# Load benchmark (bench/README.md): no CORS, the mod_headers recipe and
# mod_cors side by side; QUICK=1 for the < 3 minute run.
bench: $(MODULE) build/bench/bench_decide
	MOD_CORS_SO=$(CURDIR)/$(MODULE) $(PYTHON) bench/run.py \
	    $(if $(QUICK),--quick) --decide build/bench/bench_decide

# A few seconds: starts the three servers, checks their CORS answers and
# prints the table (exits non-zero otherwise).
bench-smoke: $(MODULE)
	MOD_CORS_SO=$(CURDIR)/$(MODULE) $(PYTHON) bench/run.py --smoke

# The manual, in the Apache module reference's format, from one source.
docs: docs/mod_cors.html
docs/mod_cors.html: docs/mod_cors.xml scripts/gen-manual.py
	$(PYTHON) scripts/gen-manual.py docs/mod_cors.xml > $@.tmp && mv $@.tmp $@

# The Debian package (.deb files into build/package/, the tree untouched).
package:
	scripts/test-package.sh --build-only build/package

# As root: build the package, install it, a2enmod, check it live, purge.
test-package:
	scripts/test-package.sh

# Real Chromium and Firefox ESR; with CI=true a browser that cannot start
# fails the run instead of skipping it.
browser: $(MODULE) $(CORS_CHECK)
	MOD_CORS_SO=$(CURDIR)/$(MODULE) CORS_CHECK=$(CURDIR)/$(CORS_CHECK) \
	    tests/browser/run.sh

examples: $(MODULE)
	MOD_CORS_SO=$(CURDIR)/$(MODULE) $(PYTHON) -m pytest tests/integration \
	    -q -k examples

lint: lint-format lint-cppcheck lint-build lint-engine

# The engine knows nothing of httpd: no httpd header, no request_rec, and no
# directive name, not even in a comment (the glue words its problems).
lint-engine:
	@bad=$$(grep -nE 'CORS[A-Z][a-z][A-Za-z]*|request_rec|#include *[<"](httpd|http_)' \
	          $(ENGINE_SRC) $(wildcard src/*.h)); \
	if [ -n "$$bad" ]; then \
	    echo "lint: src/ must not name httpd or a directive:"; \
	    echo "$$bad"; exit 1; fi
	@echo "lint: src/ names no directive and no httpd structure"

lint-format:
	$(CLANG_FORMAT) --dry-run --Werror $(LINT_FILES)
	@echo "lint: clang-format: $(words $(LINT_FILES)) files match .clang-format"

# httpd's and APR's headers are given so that cppcheck sees their macros;
# they include the C library's, so /usr/include is given too (apr.h stops
# with #error without <sys/socket.h>), and findings inside system headers are
# not ours.  The defines are the ones apxs compiles with on Linux.
# varFuncNullUB is off: APR's variadic string functions (apr_pstrcat,
# apr_table_do) are terminated with NULL everywhere in httpd, and glibc
# defines NULL as ((void *)0), so the sentinel is a pointer.
lint-cppcheck:
	$(CPPCHECK) -q --enable=warning,performance,portability \
	    --error-exitcode=1 --inline-suppr --std=c11 \
	    --suppress=varFuncNullUB --suppress='*:/usr/include/*' \
	    -DLINUX -D_REENTRANT -D_GNU_SOURCE \
	    -I src -I tests/unit -I $$($(APXS) -q INCLUDEDIR) \
	    $$(pkg-config --cflags-only-I apr-1 apr-util-1 2>/dev/null \
	       || apr-1-config --includes) \
	    -I /usr/include -I /usr/include/$$($(CC) -print-multiarch) \
	    $(LINT_C_FILES)
	@echo "lint: cppcheck: no findings in $(words $(LINT_C_FILES)) files"

lint-build: $(MODULE)
	@echo "lint: $(MODULE) builds with $(WARNINGS)"

format:
	$(CLANG_FORMAT) -i $(LINT_FILES)

# Sub-makes, one after the other: deps must finish before anything looks for
# a tool, and the order stays the same under `make -j`.
test:
	@$(MAKE) --no-print-directory deps
	@for step in $(TEST_STEPS); do \
	    echo "==== make $$step"; \
	    $(MAKE) --no-print-directory $$step \
	        || { echo "==== make test: FAILED in $$step"; exit 1; }; \
	done; \
	echo "==== make test: passed: $(TEST_STEPS)"

demo:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory build cors-check
	PORT=$(PORT) MOD_CORS_SO=$(CURDIR)/$(MODULE) \
	    CORS_CHECK=$(CURDIR)/$(CORS_CHECK) scripts/demo.sh

# apxs warns "dlname not found ... Assuming installing a .so": harmless, the
# .so is what we mean to install (given mod_cors.la, libtool warns instead).
install: $(MODULE)
	libexecdir=$$($(APXS) -q LIBEXECDIR) \
	    && mkdir -p "$(DESTDIR)$$libexecdir" \
	    && $(APXS) -i -S LIBEXECDIR="$(DESTDIR)$$libexecdir" -n cors $(MODULE)

install-cors-check: $(CORS_CHECK)
	install -D -m 755 $(CORS_CHECK) $(DESTDIR)$(PREFIX)/bin/cors-check
	install -D -m 644 tools/cors-check/cors-check.1 \
	    $(DESTDIR)$(PREFIX)/share/man/man1/cors-check.1

clean:
	rm -rf .libs src/.libs build
	rm -f *.la *.lo *.slo *.o src/*.la src/*.lo src/*.slo src/*.o
