"""docs/behaviour.md §3: CGI scripts run by mod_cgid: a successful one, one
that exits non-zero (Apache's 500), one that prints its own CORS headers
(replace and keep).  Every MPM."""

import pytest

from harness.client import preflight, request
from harness.conf import CorsConf
from harness.neighbours import (assert_preflight_allowed,
                                assert_single_headers,
                                mpm_env)  # noqa: F401
from harness.neighbours import _mpm_crash_check  # noqa: F401
from harness.util import assert_allowed, assert_refused

APP = "https://app.example.com"
EVIL = "https://evil.example.net"

SCRIPTS = {
    "hello.cgi": """#!/bin/sh
cat > /dev/null
printf 'Content-Type: text/plain\\r\\nX-Script: hello\\r\\n\\r\\n'
printf 'hello %s\\n' "$REQUEST_METHOD"
""",
    # writes to stderr and exits 3 before any header: 500
    "crash.cgi": """#!/bin/sh
echo "crash.cgi: something went wrong" >&2
exit 3
""",
    # its own CORS headers, including preflight-only ones, and a Vary
    "owncors.cgi": """#!/bin/sh
printf 'Content-Type: text/plain\\r\\n'
printf 'Access-Control-Allow-Origin: *\\r\\n'
printf 'Access-Control-Allow-Methods: GET, POST, DELETE\\r\\n'
printf 'Access-Control-Expose-Headers: X-Cgi-Secret\\r\\n'
printf 'Vary: Accept-Language\\r\\n\\r\\n'
printf 'own cors\\n'
""",
    # own CORS headers on an error status it chooses
    "ownerror.cgi": """#!/bin/sh
printf 'Status: 503 Busy\\r\\nContent-Type: text/plain\\r\\n'
printf 'Retry-After: 5\\r\\n'
printf 'Access-Control-Allow-Origin: https://stale.example\\r\\n\\r\\n'
printf 'busy\\n'
""",
}


class TestCgi:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, mpm_env):
        conf = CorsConf(mpm_env)
        for d in ("cgi-app", "cgi-keep"):
            conf.directory(d, ["Options +ExecCGI", "SetHandler cgi-script"])
            for name, text in SCRIPTS.items():
                conf.doc("%s/%s" % (d, name), text, mode=0o755)
        conf.location("/cgi-app/", ["CORSAllowOrigin %s" % APP,
                                    "CORSAllowCredentials On",
                                    "CORSAllowMethods GET POST PUT",
                                    "CORSExposeHeaders X-Script"])
        conf.location("/cgi-keep/", ["CORSAllowOrigin %s" % APP,
                                     "CORSUpstreamHeaders keep"])
        conf.start()

    # a successful script: its answer with the CORS headers
    @pytest.mark.parametrize("method", ["GET", "POST", "PUT"])
    def test_cors_640_01(self, mpm_env, method):
        r = request(mpm_env.port, method, "/cgi-app/hello.cgi",
                    [("Origin", APP)], body="a=1" if method != "GET" else None)
        assert r.status == 200, r
        assert r.body == b"hello %s\n" % method.encode()
        assert_allowed(r, APP, credentials=True, expose="X-Script")
        assert_single_headers(r)

    # a script exiting non-zero before its headers: Apache's 500, with
    # the CORS headers; the error log has the script's stderr
    def test_cors_640_02(self, mpm_env):
        mark = mpm_env.log_size()
        r = request(mpm_env.port, "GET", "/cgi-app/crash.cgi",
                    [("Origin", APP)])
        assert r.status == 500, r
        assert_allowed(r, APP, credentials=True, expose="X-Script")
        assert_single_headers(r)
        log = mpm_env.read_log(mark)
        assert "something went wrong" in log \
            or "End of script output" in log, log[-2000:]

    # and for a refused origin: 500, no Access-Control-Allow-*
    def test_cors_640_03(self, mpm_env):
        r = request(mpm_env.port, "GET", "/cgi-app/crash.cgi",
                    [("Origin", EVIL)])
        assert r.status == 500, r
        assert_refused(r)

    # a script printing its own CORS headers: replaced by mod_cors's,
    # its Vary token kept and merged
    @pytest.mark.parametrize("origin", [APP, EVIL, None])
    def test_cors_640_04(self, mpm_env, origin):
        hdrs = [("Origin", origin)] if origin else []
        r = request(mpm_env.port, "GET", "/cgi-app/owncors.cgi", hdrs)
        assert r.status == 200 and r.body == b"own cors\n", r
        if origin == APP:
            assert_allowed(r, APP, credentials=True, expose="X-Script")
        else:
            assert r.cors_headers() == [], r.headers
        assert r.count("Vary") == 1, r.headers
        assert sorted(r.vary_tokens()) == ["accept-language", "origin"]
        assert_single_headers(r)

    # its own error status with stale CORS headers: status and Retry-After
    # kept, CORS replaced
    def test_cors_640_05(self, mpm_env):
        r = request(mpm_env.port, "GET", "/cgi-app/ownerror.cgi",
                    [("Origin", APP)])
        assert r.status == 503, r
        assert r.get_all("Retry-After") == ["5"]
        assert_allowed(r, APP, credentials=True, expose="X-Script")

    # keep: the script's own CORS headers pass untouched, Vary merged
    def test_cors_640_06(self, mpm_env):
        r = request(mpm_env.port, "GET", "/cgi-keep/owncors.cgi",
                    [("Origin", APP)])
        assert r.status == 200, r
        assert r.cors_headers() == [
            ("Access-Control-Allow-Origin", "*"),
            ("Access-Control-Allow-Methods", "GET, POST, DELETE"),
            ("Access-Control-Expose-Headers", "X-Cgi-Secret")], r.headers
        assert sorted(r.vary_tokens()) == ["accept-language", "origin"]

    # keep, script without CORS headers (and a crashing one): mod_cors's
    @pytest.mark.parametrize("script,status", [("hello.cgi", 200),
                                               ("crash.cgi", 500)])
    def test_cors_640_07(self, mpm_env, script, status):
        r = request(mpm_env.port, "GET", "/cgi-keep/" + script,
                    [("Origin", APP)])
        assert r.status == status, r
        assert_allowed(r, APP)

    # a preflight never runs the script
    def test_cors_640_08(self, mpm_env):
        r = preflight(mpm_env, "/cgi-app/crash.cgi", APP, "PUT")
        assert_preflight_allowed(r, APP, "PUT", credentials=True)
