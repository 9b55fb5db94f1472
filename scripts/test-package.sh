#!/bin/bash
# Build the libapache2-mod-cors Debian package from a copy of this tree,
# install it into the machine's Apache, enable it with a2enmod, run that
# Apache (its /etc/apache2 layout and mods-enabled, on a free loopback port,
# with its own pid file and logs) with a site using mod_cors, check a
# preflight and a GET with curl, run the cors-check package's
# /usr/bin/cors-check against it, then a2dismod and purge both packages.
#
# It leaves the machine as it found it: the state of every file the package
# or a2enmod/a2dismod touch is recorded first and compared at the end (and
# restored on failure).  Other Apache instances are never touched: this one
# has its own -f configuration, pid file and port, and is stopped by pid.
#
#   scripts/test-package.sh            build, install, test, remove
#   KEEP=1 scripts/test-package.sh     keep the work directory (logs, .deb)
#   scripts/test-package.sh --build-only DIR
#                                      only build, and copy the .deb to DIR
#
# Needs root (dpkg -i, a2enmod) and dpkg-dev, debhelper, apache2-dev,
# libpcre2-dev, libpsl-dev, curl.

set -euo pipefail

PKG=libapache2-mod-cors
# the second binary package of the same source (debian/rules says why)
CHECK_PKG=cors-check
CHECK_BIN=/usr/bin/cors-check
CHECK_MAN=/usr/share/man/man1/cors-check.1.gz
MOD_SO=/usr/lib/apache2/modules/mod_cors.so
MODS_AVAILABLE=/etc/apache2/mods-available
MODS_ENABLED=/etc/apache2/mods-enabled
STATE_DIR=/var/lib/apache2/module
APP=https://app.example.com

repo=$(cd "$(dirname "$0")/.." && pwd)
out_dir=
if [ "${1:-}" = --build-only ]; then
    [ -n "${2:-}" ] || { echo "usage: $0 [--build-only DIR]" >&2; exit 2; }
    mkdir -p "$2"
    out_dir=$(cd "$2" && pwd)
fi
work=$(mktemp -d /tmp/mod_cors_pkg.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
httpd_pid=
installed=0
enabled=0
failed=1

say() { printf 'test-package: %s\n' "$*"; }
fail() {
    say "FAIL: $*"
    exit 1
}

[ -n "$out_dir" ] || [ "$(id -u)" = 0 ] || fail "must run as root (dpkg -i, a2enmod)"

# What the package and a2enmod/a2dismod may touch, as it is now.
snapshot() {
    {
        for f in "$MOD_SO" "$MODS_AVAILABLE"/cors.load "$MODS_AVAILABLE"/cors.conf \
                 "$MODS_ENABLED"/cors.load "$MODS_ENABLED"/cors.conf \
                 "$STATE_DIR"/*/cors "$CHECK_BIN" "$CHECK_MAN"; do
            if [ -L "$f" ]; then
                echo "$f -> $(readlink "$f")"
            elif [ -e "$f" ]; then
                echo "$f $(md5sum <"$f" | cut -d' ' -f1)"
            fi
        done
        ls "$MODS_ENABLED"
    } 2>/dev/null | sort
}

# Files of a source install (make install) that dpkg would overwrite and
# purge would delete: set aside, put back at the end.
backup="$work/backup"
before=
if [ -z "$out_dir" ]; then
    # One package test at a time on this machine: dpkg and a2enmod are global.
    exec 9>/tmp/mod_cors_test_package.lock
    flock -w 600 9 || fail "another package test holds /tmp/mod_cors_test_package.lock"

    for p in "$PKG" "$CHECK_PKG"; do
        if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
            fail "$p is already installed here; remove it first (the test must" \
                 "leave the machine as it found it)"
        fi
    done

    before=$(snapshot)
    mkdir -p "$backup"
    for f in "$MOD_SO" "$MODS_AVAILABLE"/cors.load "$MODS_AVAILABLE"/cors.conf \
             "$STATE_DIR"/*/cors "$CHECK_BIN" "$CHECK_MAN"; do
        if [ -e "$f" ]; then
            mkdir -p "$backup$(dirname "$f")"
            cp -a "$f" "$backup$f"
        fi
    done
fi

stop_httpd() {
    [ -n "$httpd_pid" ] || return 0
    kill "$httpd_pid" 2>/dev/null || true
    for _ in $(seq 100); do
        kill -0 "$httpd_pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$httpd_pid" 2>/dev/null && kill -9 "$httpd_pid" 2>/dev/null
    httpd_pid=
}

cleanup() {
    set +e
    stop_httpd
    if [ "$enabled" = 1 ]; then
        a2dismod -q -f cors >/dev/null 2>&1
    fi
    if [ "$installed" = 1 ]; then
        dpkg --purge "$PKG" "$CHECK_PKG" >/dev/null 2>&1
    fi
    # put back exactly what was there (a2dismod leaves a state file)
    if [ -d "$backup" ]; then
        rm -f "$STATE_DIR"/*/cors
        (cd "$backup" && find . -type f -o -type l) | while read -r f; do
            cp -a "$backup/${f#./}" "/${f#./}"
        done
    fi
    if [ "$failed" = 1 ]; then
        log="$work/logs/error.log"
        ls "$work"/*.deb >/dev/null 2>&1 || log="$work/build.log"
        [ -s "$log" ] && { say "--- tail of $log"; tail -25 "$log"; }
    fi
    if [ -z "$out_dir" ] && [ "$(snapshot)" != "$before" ]; then
        say "WARNING: Apache's module state differs from before the test:"
        diff <(echo "$before") <(snapshot)
    fi
    if [ -n "${KEEP:-}" ]; then
        say "work directory kept: $work"
    else
        rm -rf "$work"
    fi
}
trap cleanup EXIT

# ---- 1. build from a copy of the tree ------------------------------------
# The working tree as it is (tracked files and new, non-ignored ones), never
# its build outputs: the package build cleans and builds in its own copy, so
# it cannot disturb a `make` running in the checkout.
say "copying the tree to $work/src"
mkdir "$work/src"
(cd "$repo" && git ls-files -z -co --exclude-standard \
    | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
    | tar --null -T - -cf -) | tar -xf - -C "$work/src"

version=$(sed -n 's/^#define CORS_VERSION "\(.*\)"/\1/p' "$work/src/src/cors.h")
pkg_version=$(cd "$work/src" && dpkg-parsechangelog -S Version)
[ "$version" = "$pkg_version" ] \
    || fail "debian/changelog says $pkg_version, src/cors.h CORS_VERSION $version"

say "dpkg-buildpackage -b -us -uc (log: build.log)"
start=$SECONDS
(cd "$work/src" && dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1 \
    || fail "dpkg-buildpackage failed"
deb="$work/${PKG}_${version}_$(dpkg --print-architecture).deb"
[ -f "$deb" ] || fail "no $deb"
check_deb="$work/${CHECK_PKG}_${version}_$(dpkg --print-architecture).deb"
[ -f "$check_deb" ] || fail "no $check_deb"
say "built $(basename "$deb") and $(basename "$check_deb") in $((SECONDS - start))s"
dpkg-deb -c "$check_deb" >"$work/check-contents.txt"
for f in ./usr/bin/cors-check ./usr/share/man/man1/cors-check.1.gz \
         ./usr/share/doc/$CHECK_PKG/copyright; do
    grep -qE " $f\$" "$work/check-contents.txt" || fail "$f is not in $CHECK_PKG"
done
# the client needs no Apache: its package must not pull one in
! dpkg-deb -f "$check_deb" Depends | grep -q apache2 \
    || fail "$CHECK_PKG depends on apache2: $(dpkg-deb -f "$check_deb" Depends)"
dpkg-deb -c "$deb" >"$work/contents.txt"
for f in ./usr/lib/apache2/modules/mod_cors.so \
         ./etc/apache2/mods-available/cors.load \
         ./etc/apache2/mods-available/cors.conf \
         ./usr/share/doc/$PKG/mod_cors.html \
         ./usr/share/doc/$PKG/migration.md; do
    # dh_compress gzips documents over 4 kB
    grep -qE " $f(\.gz)?\$" "$work/contents.txt" || fail "$f is not in the package"
done
if [ -n "$out_dir" ]; then
    cp "$work"/*.deb "$out_dir"/
    failed=0
    say "$(cd "$out_dir" && ls ./*.deb | tr '\n' ' ')in $out_dir"
    exit 0
fi

# ---- 2. install and enable -----------------------------------------------
say "dpkg -i $(basename "$deb") $(basename "$check_deb")"
installed=1
dpkg -i "$deb" "$check_deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
[ -x "$CHECK_BIN" ] || fail "$CHECK_BIN not installed"
"$CHECK_BIN" --version >"$work/cors-check-version.txt" 2>&1 \
    || { cat "$work/cors-check-version.txt"; fail "$CHECK_BIN --version"; }
grep -q "^cors-check $version " "$work/cors-check-version.txt" \
    || { cat "$work/cors-check-version.txt"; fail "$CHECK_BIN is not version $version"; }
[ "$(man -w cors-check 2>/dev/null)" = "$CHECK_MAN" ] || fail "man cors-check does not find $CHECK_MAN"
[ -f "$MOD_SO" ] || fail "$MOD_SO not installed"
[ ! -e "$MODS_ENABLED/cors.load" ] || fail "installing enabled the module by itself"
grep -q "^LoadModule cors_module $MOD_SO\$" "$MODS_AVAILABLE/cors.load" \
    || fail "cors.load does not load $MOD_SO"

say "the installed README links only files the package installs"
/usr/bin/python3 - "/usr/share/doc/$PKG" <<'PY' || fail "the installed README links a file the package does not ship"
import os, re, sys
doc = sys.argv[1]
with open(os.path.join(doc, "README.md"), encoding="utf-8") as f:
    text = f.read()
bad = [t for t in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text)
       if not re.match(r"^[a-z]+:", t)
       and not os.path.exists(os.path.join(doc, t))]
if bad:
    sys.exit("missing in %s: %s" % (doc, ", ".join(bad)))
PY

say "a2enmod cors"
enabled=1
a2enmod cors >/dev/null
[ -L "$MODS_ENABLED/cors.load" ] && [ -L "$MODS_ENABLED/cors.conf" ] \
    || fail "a2enmod did not link cors.load and cors.conf"

# What the manual tells administrators to run, on the machine's own
# configuration (it checks only; nothing is started or bound).
say "apache2ctl -t"
apache2ctl -t >"$work/apache2ctl.log" 2>&1 || { cat "$work/apache2ctl.log"; fail "apache2ctl -t"; }

# ---- 3. run the machine's Apache on a free port ----------------------------
# apache2.conf as installed, with ports.conf and sites-enabled replaced by
# one Listen on loopback and our site; run, lock and log directories (from
# envvars) moved into the work directory.
port=$(cd "$repo/tests/integration" \
       && /usr/bin/python3 -c 'from harness.env import free_port; print(free_port())')
mkdir -p "$work/logs" "$work/htdocs/api"
echo '{"ok": true}' >"$work/htdocs/api/data.json"
chmod -R a+rX "$work/htdocs"
sed -e "s|^Include ports.conf|Listen 127.0.0.1:$port|" \
    -e "s|^IncludeOptional sites-enabled/\*.conf|Include $work/site.conf|" \
    /etc/apache2/apache2.conf >"$work/apache2.conf"
grep -q "^Include $work/site.conf" "$work/apache2.conf" \
    || fail "/etc/apache2/apache2.conf has no 'IncludeOptional sites-enabled/*.conf'"
cat >"$work/site.conf" <<EOF
ServerName 127.0.0.1
ServerTokens Full
<VirtualHost 127.0.0.1:$port>
    DocumentRoot "$work/htdocs"
    <Directory "$work/htdocs">
        Require all granted
    </Directory>
    <Location "/api/">
        CORSAllowOrigin $APP
        CORSAllowMethods GET POST PUT
        CORSAllowHeaders Content-Type
        CORSMaxAge 600
    </Location>
</VirtualHost>
EOF

apache() {
    # shellcheck disable=SC1091
    (set +u
     . /etc/apache2/envvars
     export APACHE_PID_FILE="$work/apache2.pid" APACHE_RUN_DIR="$work" \
            APACHE_LOCK_DIR="$work" APACHE_LOG_DIR="$work/logs"
     exec /usr/sbin/apache2 -d /etc/apache2 -f "$work/apache2.conf" "$@")
}

say "apache2 -t with the machine's mods-enabled (cors enabled)"
apache -t >"$work/configtest.log" 2>&1 || { cat "$work/configtest.log"; fail "apache2 -t"; }
apache -M >"$work/modules.txt" 2>&1
grep -q 'cors_module (shared)' "$work/modules.txt" || fail "cors_module not loaded"

say "starting Apache on 127.0.0.1:$port"
apache -k start || fail "apache2 -k start"
for _ in $(seq 100); do
    httpd_pid=$(cat "$work/apache2.pid" 2>/dev/null || true)
    [ -n "$httpd_pid" ] && curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
done
[ -n "$httpd_pid" ] || fail "Apache did not start"

base="http://127.0.0.1:$port/api/data.json"
check() { # name, file with "curl -i" output, extended regex that must match
    grep -qiE "$3" "$2" || { cat "$2"; fail "$1: no line matching '$3'"; }
}
check_not() {
    ! grep -qiE "$3" "$2" || { cat "$2"; fail "$1: unexpected '$3'"; }
}

curl -s -i -X OPTIONS -H "Origin: $APP" -H 'Access-Control-Request-Method: PUT' \
     -H 'Access-Control-Request-Headers: content-type' "$base" \
     | tr -d '\r' >"$work/preflight.txt"
check preflight "$work/preflight.txt" '^HTTP/1.1 204'
check preflight "$work/preflight.txt" "^Access-Control-Allow-Origin: $APP\$"
check preflight "$work/preflight.txt" '^Access-Control-Allow-Methods: PUT$'
check preflight "$work/preflight.txt" '^Access-Control-Allow-Headers: content-type$'
check preflight "$work/preflight.txt" '^Access-Control-Max-Age: 600$'
check preflight "$work/preflight.txt" '^Vary: .*Access-Control-Request-Method'
say "preflight: 204 with Allow-Origin, -Methods PUT, -Headers, Max-Age 600"

curl -s -i -H "Origin: $APP" "$base" | tr -d '\r' >"$work/get.txt"
check GET "$work/get.txt" '^HTTP/1.1 200'
check GET "$work/get.txt" "^Access-Control-Allow-Origin: $APP\$"
check GET "$work/get.txt" '^Vary: (.*, *)?Origin'
check GET "$work/get.txt" '"ok": true'
check GET "$work/get.txt" "^Server: .*mod_cors/$version"
say "GET: 200 with Allow-Origin and Vary: Origin; Server names mod_cors/$version"

curl -s -i -H 'Origin: https://evil.example' "$base" | tr -d '\r' >"$work/refused.txt"
check refused "$work/refused.txt" '^HTTP/1.1 200'
check_not refused "$work/refused.txt" '^Access-Control-Allow-'
say "GET from an unlisted origin: 200 without Access-Control-Allow-*"

# The installed cors-check against the installed module: the PUT with JSON
# that the preflight above allows is readable (exit 0), an unlisted origin
# is blocked (exit 1).
rc=0
"$CHECK_BIN" "$base" --origin "$APP" -X PUT -H 'Content-Type: application/json' \
    -d '{}' >"$work/cors-check-put.txt" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$work/cors-check-put.txt"; fail "cors-check PUT: exit $rc, not 0"; }
check cors-check "$work/cors-check-put.txt" '^Verdict: JavaScript can read this response'
check cors-check "$work/cors-check-put.txt" '^ *> Access-Control-Request-Headers: content-type$'
rc=0
"$CHECK_BIN" "$base" --origin https://evil.example >"$work/cors-check-evil.txt" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$work/cors-check-evil.txt"; fail "cors-check from an unlisted origin: exit $rc, not 1"; }
check cors-check "$work/cors-check-evil.txt" "^Verdict: blocked: No 'Access-Control-Allow-Origin' header"
say "$CHECK_BIN: the allowed PUT readable (exit 0), an unlisted origin blocked (exit 1)"

stop_httpd

# ---- 4. disable and purge ------------------------------------------------
say "a2dismod cors"
a2dismod cors >/dev/null
enabled=0
[ ! -e "$MODS_ENABLED/cors.load" ] || fail "a2dismod left cors.load enabled"

say "dpkg --purge $PKG $CHECK_PKG"
dpkg --purge "$PKG" "$CHECK_PKG" >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "purge"; }
installed=0
for p in "$PKG" "$CHECK_PKG"; do
    ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' \
        || fail "$p still installed"
done
if [ ! -e "$backup$CHECK_BIN" ] && [ -e "$CHECK_BIN" ]; then
    fail "$CHECK_BIN left behind by purge"
fi
for f in "$MODS_AVAILABLE/cors.load" "$MODS_AVAILABLE/cors.conf"; do
    [ ! -e "$f" ] || fail "$f left behind by purge"
done
if [ ! -e "$backup$MOD_SO" ] && [ -e "$MOD_SO" ]; then
    fail "$MOD_SO left behind by purge"
fi
failed=0
say "passed: built, installed, a2enmod, apache2 -t, preflight, GET, cors-check, a2dismod, purged"
