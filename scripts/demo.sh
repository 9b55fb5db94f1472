#!/bin/bash
# The mod_cors demo: Apache on 127.0.0.1 with three origins, the API
# (PORT, with the CORS policy of demo/httpd.conf.in), the demo page on an
# allowed origin (PORT+1) and the same page on a refused one (PORT+2).
#
# Builds nothing: `make demo` builds the module first.  Runs Apache in the
# foreground from a temporary ServerRoot; Ctrl-C (or SIGTERM) stops it and
# removes that directory.  Apache runs in a session of its own, so a
# Ctrl-C (SIGINT to the terminal's process group) reaches this script
# only, and this script stops Apache: Apache never exits on its own first,
# which would look like a crash.
#
#   PORT=8080           the API's port (make demo PORT=9000)
#   MOD_CORS_SO=path    the module to load (default: .libs/mod_cors.so)
#   APACHE2=path        the httpd binary (default: apache2 from Debian)
#   CORS_CHECK=path     cors-check, shown in the printed commands
#                       (default: build/cors-check, which make demo builds)
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
port=${PORT:-8080}
page_port=$((port + 1))
refused_port=$((port + 2))
module=${MOD_CORS_SO:-$repo/.libs/mod_cors.so}
apache2=${APACHE2:-$(command -v apache2 || echo /usr/sbin/apache2)}
modules_dir=${MODULES_DIR:-/usr/lib/apache2/modules}
cors_check=${CORS_CHECK:-$repo/build/cors-check}

die() {
    echo "demo: $*" >&2
    exit 1
}

case $port in
    ''|*[!0-9]*) die "PORT must be a number, not '$port'" ;;
esac
[ "$port" -ge 1 ] && [ "$refused_port" -le 65535 ] \
    || die "PORT must leave room for PORT+2 below 65536"
[ -f "$module" ] || die "$module not found: run 'make demo' (it builds it)"
[ -x "$apache2" ] || die "apache2 not found: run 'make deps'"
for m in mpm_event authz_core mime dir alias headers unique_id cgid; do
    [ -f "$modules_dir/mod_$m.so" ] || die "$modules_dir/mod_$m.so missing"
done

# Apache started as root runs its workers (and the CGI scripts) as another
# user, who must be able to read the ServerRoot.
if [ "$(id -u)" -eq 0 ]; then
    run_user=www-data
    run_group=www-data
else
    run_user=$(id -un)
    run_group=$(id -gn)
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/mod_cors-demo.XXXXXX")
httpd_pid=
stopping=

cleanup() {
    trap - INT TERM EXIT
    if [ -n "$httpd_pid" ] && kill -0 "$httpd_pid" 2>/dev/null; then
        echo
        echo "demo: stopping Apache (pid $httpd_pid)"
        kill -TERM "$httpd_pid" 2>/dev/null || true
        wait "$httpd_pid" 2>/dev/null || true
    fi
    rm -rf "$root"
    echo "demo: stopped, removed $root"
}
trap cleanup EXIT
# Asked to stop: a clean end, not an error (130 and 143 say which signal).
trap 'stopping=1; exit 130' INT
trap 'stopping=1; exit 143' TERM

mkdir -p "$root/logs" "$root/run" "$root/api-root" "$root/lists"
# The API's CORSAllowOriginFile: the button on the refused page (run as
# Apache's user) replaces it, so its directory is writable.
cat > "$root/lists/cors-origins.txt" <<LIST
# Origins the API allows besides its CORSAllowOrigin line, one a line.
# Replace this file by renaming a new one over it; mod_cors reloads it.
LIST
cp -R "$repo/demo/page" "$repo/demo/cgi" "$root/"
cp -R "$repo/demo/api" "$root/api-root/"
cat > "$root/page/demo-config.json" <<JSON
{
  "api_port": $port,
  "page_port": $page_port,
  "refused_port": $refused_port,
  "allowed_origins": ["http://127.0.0.1:$page_port", "http://localhost:$page_port"]
}
JSON
sed -e "s|@SERVER_ROOT@|$root|g" \
    -e "s|@PORT@|$port|g" \
    -e "s|@PAGE_PORT@|$page_port|g" \
    -e "s|@REFUSED_PORT@|$refused_port|g" \
    -e "s|@MODULES_DIR@|$modules_dir|g" \
    -e "s|@MOD_CORS_SO@|$module|g" \
    -e "s|@RUN_USER@|$run_user|g" \
    -e "s|@RUN_GROUP@|$run_group|g" \
    "$repo/demo/httpd.conf.in" > "$root/httpd.conf"
chmod -R a+rX "$root"
chmod 0777 "$root/lists"
chmod 0666 "$root/lists/cors-origins.txt"

# Show what a configuration test says (mod_cors' start-up warnings too).
if ! out=$("$apache2" -f "$root/httpd.conf" -t 2>&1); then
    echo "$out" >&2
    die "the generated configuration does not load (demo/httpd.conf.in)"
fi
echo "$out" | grep -v '^Syntax OK$' | sed 's/^/demo: apache2 -t: /' || true

# setsid: Apache in its own session and process group, out of reach of
# the terminal's Ctrl-C (cleanup stops it with SIGTERM).
setsid "$apache2" -f "$root/httpd.conf" -DFOREGROUND &
httpd_pid=$!

# Wait until the three ports answer, or Apache gave up (port in use...).
for _ in $(seq 1 50); do
    if ! kill -0 "$httpd_pid" 2>/dev/null; then
        httpd_pid=
        tail -n 20 "$root/logs/error.log" >&2 2>/dev/null || true
        die "Apache did not start (is a port of $port-$refused_port in use?)"
    fi
    if curl -s -o /dev/null "http://127.0.0.1:$port/" \
        && curl -s -o /dev/null "http://127.0.0.1:$page_port/" \
        && curl -s -o /dev/null "http://127.0.0.1:$refused_port/"; then
        break
    fi
    sleep 0.1
done

api=http://127.0.0.1:$port
page=http://127.0.0.1:$page_port
refused=http://127.0.0.1:$refused_port
cat <<TEXT

mod_cors demo is running (Apache pid $httpd_pid, ServerRoot $root)

  Demo page, allowed origin:  $page/
                   (same, as  http://localhost:$page_port/)
  Demo page, refused origin:  $refused/
  API:                        $api/api/hello.json

The API's policy (demo/httpd.conf.in):
  CORSAllowOrigin $page http://localhost:$page_port
  CORSAllowCredentials On
  CORSAllowMethods GET HEAD POST PUT DELETE
  CORSAllowHeaders Content-Type X-Requested-With
  CORSExposeHeaders X-Request-Id
  CORSMaxAge 600
  CORSAllowOriginFile $root/lists/cors-origins.txt
  CORSAllowOriginFileCheck 1

Allow the refused origin without a restart: press "Allow this origin" on
$refused/ (it adds the origin to the file above), or do what the button
does, from a shell (a new file, renamed over the old one):
  { cat $root/lists/cors-origins.txt; echo $refused; } \\
      > $root/lists/cors-origins.txt.new \\
      && mv $root/lists/cors-origins.txt.new $root/lists/cors-origins.txt
Within a second every call of the page on $refused_port works.

Try it with curl:
  # a GET from the allowed origin: Access-Control-Allow-Origin echoes it
  curl -i -H 'Origin: $page' $api/api/hello.json

  # the preflight a browser sends before PUT with a JSON body: 204
  curl -i -X OPTIONS -H 'Origin: $page' \\
       -H 'Access-Control-Request-Method: PUT' \\
       -H 'Access-Control-Request-Headers: content-type' $api/api/items/42

  # the refused origin: the response, but no Access-Control-Allow-* header
  curl -i -H 'Origin: $refused' $api/api/hello.json

  # a preflight from the refused origin: 403
  curl -i -X OPTIONS -H 'Origin: $refused' \\
       -H 'Access-Control-Request-Method: PUT' $api/api/items/42

What the browser makes of it, without a browser (cors-check):
  # the PUT with a JSON body and cookies that the page sends: readable
  $cors_check $api/api/items/42 --origin $page \\
       -X PUT -H 'Content-Type: application/json' -d '{"n": 1}' --credentials

  # the refused origin: blocked, with the browsers' messages and a fix
  $cors_check $api/api/hello.json --origin $refused

Logs:
  tail -f $root/logs/api_access.log    (CORS=... is mod_cors' verdict)
  tail -f $root/logs/error.log         (LogLevel cors:debug: why it refused)

Press Ctrl-C to stop Apache and remove $root.
TEXT

rc=0
wait "$httpd_pid" || rc=$?
# A signal for this script ends the wait early; its trap exits cleanly.
[ -z "$stopping" ] || exit 0
httpd_pid=
tail -n 5 "$root/logs/error.log" >&2 || true
die "Apache exited by itself (status $rc); the end of its error log is above"
