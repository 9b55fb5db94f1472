#!/usr/bin/python3
"""valgrind memcheck over `apache2 -X` (one process, prefork) with the
built mod_cors.so, driven with the hostile requests of
tests/integration/test_800_hostile.py and a set of ordinary CORS requests
(allowed, refused, preflights, error documents, CGI, CORSPreflight
continue, CORSShadow, Require cors-origin), with LogLevel cors:debug so
that the logging paths run too.

Fails when any memcheck error has a mod_cors frame (mod_cors.so, cors_*);
errors inside httpd, APR or libc are counted and shown, not failed on.

  scripts/valgrind-module.py [--limit N]

MOD_CORS_SO names the module (default .libs/mod_cors.so)."""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from harness.env import APACHE_BIN, CorsTestEnv  # noqa: E402
import test_800_hostile as hostile  # noqa: E402

APP = hostile.APP

EXTRA = """
<Location "/hapi/">
    ErrorDocument 404 /errors/404.html
</Location>
<Location "/vg/continue/">
    CORSAllowOrigin %(app)s
    CORSPreflight continue
    CORSUpstreamHeaders keep
</Location>
<Location "/vg/shadow/">
    CORSAllowOrigin %(app)s
    CORSShadow On
</Location>
<Location "/vg/authz/">
    CORSAllowOrigin %(app)s
    Require cors-origin
</Location>
<Location "/cgi/">
    CORSAllowOrigin %(app)s
    CORSAllowCredentials On
</Location>
""" % {"app": APP}


def ordinary():
    """(name, raw request) of everyday CORS traffic."""
    b = hostile.build
    a = APP.encode()
    out = []
    for path in ("/hapi/x.txt", "/hapi/missing.txt", "/vg/continue/x.txt",
                 "/vg/shadow/x.txt", "/vg/authz/x.txt", "/cgi/ok.cgi",
                 "/cgi/acao.cgi", "/cgi/status.cgi?503", "/cgi/fail.cgi"):
        for origin in (a, b"https://evil.example.net", None):
            hdrs = [(b"Origin", origin)] if origin else []
            out.append(("GET %s" % path, b(b"GET", path, hdrs)))
            out.append(("preflight %s" % path, b(b"OPTIONS", path, hdrs + [
                (b"Access-Control-Request-Method", b"PUT"),
                (b"Access-Control-Request-Headers", b"x-foo, content-type")])))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=0,
                    help="send only the first N hostile requests")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind: not installed (Debian package valgrind)")
        return 1
    base = tempfile.mkdtemp(prefix="mod_cors_valgrind_")
    out_dir = os.path.join(ROOT, "build", "valgrind")
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    env = CorsTestEnv(gen_dir=base, mpm="prefork",
                      mod_cors_so=os.environ.get(
                          "MOD_CORS_SO",
                          os.path.join(ROOT, ".libs", "mod_cors.so")))
    env.setup()
    conf = hostile.base_conf(env)
    conf.add(EXTRA)
    conf.doc("vg/continue/x.txt", "x\n")
    conf.doc("vg/shadow/x.txt", "x\n")
    conf.doc("vg/authz/x.txt", "x\n")
    conf.install()
    log = os.path.join(out_dir, "memcheck.%p.log")
    vg = subprocess.Popen(
        ["valgrind", "--tool=memcheck", "--num-callers=40",
         "--log-file=" + log, APACHE_BIN, "-X", "-f", env.httpd_conf],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while not env._port_open():
            if vg.poll() is not None or time.time() > deadline:
                print("valgrind: apache2 -X did not come up")
                print(env.read_log())
                return 1
            time.sleep(0.5)
        todo = [(n, raw) for (n, raw, *_rest) in hostile.cases()]
        if args.limit:
            todo = todo[:args.limit]
        todo += ordinary()
        t0 = time.monotonic()
        answered = 0
        for (name, raw) in todo:
            try:
                hostile.send_raw(env.port, raw, timeout=120)
                answered += 1
            except (OSError, AssertionError, ValueError) as e:
                print("valgrind: %s: %s" % (name, e))
        elapsed = time.monotonic() - t0
    finally:
        vg.send_signal(signal.SIGTERM)
        try:
            vg.wait(120)
        except subprocess.TimeoutExpired:
            vg.kill()
            vg.wait()
    errors, ours = 0, []
    for fn in sorted(os.listdir(out_dir)):
        text = open(os.path.join(out_dir, fn), errors="replace").read()
        for m in re.finditer(r"ERROR SUMMARY: (\d+) errors", text):
            errors += int(m.group(1))
        # one error: a block of "==pid== " lines between blank ones
        for block in re.split(r"\n==\d+== \n", text):
            if re.search(r"(Invalid|uninitialised|Mismatched|overlap|"
                         r"free\(\))", block) \
                    and re.search(r"mod_cors\.so|\bcors_\w+", block):
                ours.append(block)
    print("valgrind: %d requests (%d answered) in %.0f s under memcheck; "
          "%d errors in all, %d with a mod_cors frame; logs in %s"
          % (len(todo), answered, elapsed, errors, len(ours), out_dir))
    for block in ours[:5]:
        print(block)
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    if answered != len(todo):
        return 1
    return 1 if ours else 0


if __name__ == "__main__":
    sys.exit(main())
