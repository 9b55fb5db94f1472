"""docs/behaviour.md §3/§4: mod_proxy_http in front of a real backend (a
Python HTTP server on loopback) that sets its own Access-Control-* and
Vary headers; the proxy's own 502/503/504; CORSPreflight continue.
conf-examples/reverse-proxy-app-server.conf is the /app/ deployment.
Every MPM."""

import pytest

from harness import client
from harness.client import preflight
from harness.conf import CorsConf
from harness.neighbours import (BACKEND_ACAO, assert_preflight_allowed,
                                assert_preflight_refused,
                                assert_single_headers, backend, closed_port,
                                example_path, load_modules,
                                mpm_env)  # noqa: F401
from harness.neighbours import _mpm_crash_check  # noqa: F401
from harness.util import PREFLIGHT_VARY, assert_allowed, token_set

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example.net"
EXPOSE = "X-Request-Id, Location"

#: the backend's own CORS headers, exactly as it sends them
BACKEND_CORS = [
    ("Access-Control-Allow-Origin", BACKEND_ACAO),
    ("Access-Control-Allow-Credentials", "true"),
    ("Access-Control-Allow-Methods", "GET, PUT, DELETE"),
    ("Access-Control-Allow-Headers", "X-Backend"),
    ("Access-Control-Expose-Headers", "X-Backend-Secret"),
    ("Access-Control-Max-Age", "999"),
]


def app_get(env, path, origin=APP, method="GET", **kw):
    """client.get with this file's defaults: the app's origin, and time
    for the slow backend."""
    return client.get(env, path, origin, method, timeout=60, **kw)


def assert_backend_vary_merged(r):
    """The backend's Vary tokens kept, Origin merged, one Vary line."""
    assert r.count("Vary") == 1, r.headers
    assert sorted(r.vary_tokens()) == ["accept-encoding", "cookie",
                                       "origin"], r.headers


class TestReverseProxy:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, mpm_env, backend):
        conf = CorsConf(mpm_env)
        load_modules(conf, "proxy", "proxy_http", "proxy_balancer",
                     "slotmem_shm", "lbmethod_byrequests")
        up = "http://127.0.0.1:%d" % backend.port
        # workers are shared by URL prefix: the slow one must be defined
        # first and be longer, or the example's worker (no timeout) wins
        conf.add("ProxyPass /slowapp/slow/ %s/slow/ timeout=1" % up)
        # the deployment example, pointed at the test backend
        conf.add("Define APP_SERVER %s" % up)
        conf.add('Include "%s"' % example_path(
            "reverse-proxy-app-server.conf"))
        conf.add("""
ProxyPass /keep/ {up}/
ProxyPass /hdr/ {up}/
ProxyPass /cont/ {up}/
ProxyPass /down/ http://127.0.0.1:{closed}/ retry=0
<Proxy balancer://empty>
</Proxy>
ProxyPass /lb/ balancer://empty/
""".format(up=up, closed=closed_port()))
        cors = ["CORSAllowOrigin %s %s" % (APP, ADMIN),
                "CORSAllowCredentials On",
                "CORSExposeHeaders X-Request-Id Location"]
        for loc in ("/slowapp/", "/down/", "/lb/"):
            conf.location(loc, cors)
        conf.location("/keep/", cors + ["CORSUpstreamHeaders keep"])
        # the classic double header: backend CORS + Header always set
        conf.location("/hdr/", cors + [
            'Header always set Access-Control-Allow-Origin "*"'])
        conf.location("/cont/", cors + ["CORSPreflight continue",
                                        "CORSAllowMethods GET PUT",
                                        "CORSAllowHeaders X-Backend"])
        conf.start()

    # replace: exactly one ACAO (mod_cors's), none of the backend's stale
    # Access-Control-* headers, the backend's Vary tokens merged
    @pytest.mark.parametrize("origin", [APP, ADMIN])
    @pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE"])
    def test_cors_620_01(self, mpm_env, backend, origin, method):
        r = app_get(mpm_env, "/app/data", origin, method,
                    body="{}" if method in ("POST", "PUT") else None)
        assert r.status == 200, r
        assert r.body.startswith(b"backend %s /data" % method.encode())
        assert_allowed(r, origin, credentials=True, expose=EXPOSE,
                       vary=False)
        assert_backend_vary_merged(r)
        assert_single_headers(r)
        assert r.get_all("X-Backend") == ["yes"]

    # HEAD through the proxy: the same headers, no body
    def test_cors_620_02(self, mpm_env, backend):
        r = app_get(mpm_env, "/app/data", APP, "HEAD")
        assert r.status == 200 and r.body == b"", r
        assert_allowed(r, APP, credentials=True, expose=EXPOSE, vary=False)
        assert_backend_vary_merged(r)

    # replace, refused origin or no Origin: none of the backend's CORS
    # headers survive, Vary: Origin still merged
    @pytest.mark.parametrize("origin", [EVIL, "null", None])
    def test_cors_620_03(self, mpm_env, backend, origin):
        r = app_get(mpm_env, "/app/data", origin)
        assert r.status == 200, r
        assert r.cors_headers() == [], r.headers
        assert_backend_vary_merged(r)

    # the backend's own 4xx/5xx pass through with mod_cors's headers
    @pytest.mark.parametrize("status", [400, 401, 404, 409, 422, 500, 503])
    def test_cors_620_04(self, mpm_env, backend, status):
        r = app_get(mpm_env, "/app/status/%d" % status)
        assert r.status == status, r
        assert r.body.startswith(b"backend GET /status/%d" % status)
        assert_allowed(r, APP, credentials=True, expose=EXPOSE, vary=False)
        assert_backend_vary_merged(r)
        assert_single_headers(r)

    # the proxy's own errors carry the CORS headers: 502 (the backend
    # answers a bad header or closes; or is too slow: mod_proxy_http
    # answers a read timeout with 502 "Proxy Error", see test_630 for
    # mod_proxy_fcgi's 504), 503 (nothing listens; a balancer without
    # members)
    @pytest.mark.parametrize("path,status", [
        ("/app/garbage", 502), ("/app/close", 502),
        ("/down/data", 503), ("/lb/data", 503),
        ("/slowapp/slow/4", 502)])
    @pytest.mark.parametrize("origin", [APP, EVIL])
    def test_cors_620_05(self, mpm_env, backend, path, status, origin):
        r = app_get(mpm_env, path, origin)
        assert r.status == status, r
        if origin == APP:
            assert_allowed(r, APP, credentials=True, expose=EXPOSE)
        else:
            allow = [h for h in r.cors_headers()
                     if h[0].lower().startswith("access-control-allow-")]
            assert allow == [], r.headers
            assert r.vary_tokens().count("origin") == 1, r.headers
        assert_single_headers(r)

    # keep: the backend's CORS headers pass untouched, Vary merged
    @pytest.mark.parametrize("origin", [APP, EVIL, None])
    def test_cors_620_06(self, mpm_env, backend, origin):
        r = app_get(mpm_env, "/keep/data", origin)
        assert r.status == 200, r
        assert r.cors_headers() == BACKEND_CORS, r.headers
        assert_backend_vary_merged(r)

    # keep, backend without CORS headers: mod_cors answers
    def test_cors_620_07(self, mpm_env, backend):
        r = app_get(mpm_env, "/keep/data?nocors")
        assert r.status == 200, r
        assert_allowed(r, APP, credentials=True, expose=EXPOSE)

    # keep on the backend's errors too
    def test_cors_620_08(self, mpm_env, backend):
        r = app_get(mpm_env, "/keep/status/500")
        assert r.status == 500, r
        assert r.cors_headers() == BACKEND_CORS, r.headers
        assert_backend_vary_merged(r)

    # backend CORS + "Header always set ... *": still one ACAO, mod_cors's
    def test_cors_620_09(self, mpm_env, backend):
        for path in ("/hdr/data", "/hdr/status/404"):
            r = app_get(mpm_env, path)
            assert_allowed(r, APP, credentials=True, expose=EXPOSE,
                           vary=False)
            assert_backend_vary_merged(r)

    # CORSPreflight handle (the example): mod_cors answers, the backend
    # never sees the OPTIONS
    def test_cors_620_10(self, mpm_env, backend):
        before = len(backend.requests())
        r = preflight(mpm_env, "/app/data?pf_620_10", APP, "PATCH",
                      "Content-Type")
        assert_preflight_allowed(r, APP, "PATCH", "content-type",
                                 credentials=True, max_age="600")
        r = preflight(mpm_env, "/app/data?pf_620_10", EVIL, "PATCH")
        assert_preflight_refused(r)
        seen = backend.requests()[before:]
        assert not [ln for ln in seen if "pf_620_10" in ln], seen

    # CORSPreflight continue: the OPTIONS reaches the backend, whose answer
    # is decorated with mod_cors's preflight headers (its own replaced)
    def test_cors_620_11(self, mpm_env, backend):
        r = preflight(mpm_env, "/cont/data?pf_620_11", APP, "PUT", "X-Backend")
        assert r.status == 200, r
        assert r.body.startswith(b"backend OPTIONS /data")
        assert r.get_all("X-Backend") == ["yes"]
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers
        assert r.get_all("Access-Control-Allow-Methods") == ["PUT"]
        assert r.get_all("Access-Control-Allow-Headers") == ["x-backend"]
        assert r.get_all("Access-Control-Max-Age") == ["7200"]
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"]
        assert r.count("Access-Control-Expose-Headers") == 0, r.headers
        assert r.count("Vary") == 1, r.headers
        assert sorted(r.vary_tokens()) == sorted(
            PREFLIGHT_VARY + ["accept-encoding", "cookie"]), r.headers
        assert_single_headers(r)
        assert [ln for ln in backend.requests()
                if ln.startswith("OPTIONS /data?pf_620_11")], \
            backend.requests()

    # continue, refused preflight: the backend answers, no ACA-* survives
    def test_cors_620_12(self, mpm_env, backend):
        r = preflight(mpm_env, "/cont/data?pf_620_12", APP, "DELETE")
        assert r.status == 200, r
        assert r.body.startswith(b"backend OPTIONS /data")
        assert r.cors_headers() == [], r.headers
        assert sorted(r.vary_tokens()) == sorted(
            PREFLIGHT_VARY + ["accept-encoding", "cookie"]), r.headers

    # the Origin header reaches the backend unchanged (mod_cors does not
    # strip it), and ACEH lists what the example exposes
    def test_cors_620_13(self, mpm_env, backend):
        r = app_get(mpm_env, "/app/data?origin_620_13", ADMIN)
        assert token_set(r.header("Access-Control-Expose-Headers")) == \
            token_set(EXPOSE)
        line = [ln for ln in backend.requests() if "origin_620_13" in ln]
        assert line and line[-1].endswith("origin=%s" % ADMIN), line
