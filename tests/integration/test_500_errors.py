"""docs/behaviour.md §3: every response in a CORS scope carries the headers
exactly once: 2xx, 3xx, 304, errors raised before the handler, CGI errors,
Apache's own error pages and every kind of ErrorDocument, HEAD."""

import pytest

from harness.client import preflight, request
from harness.conf import CorsConf
from harness.util import assert_allowed, assert_refused

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
AUTH_OK = "Basic YWxpY2U6c2VjcmV0"

# (id, method, path, extra headers, body, expected status, body check)
CASES = [
    ("200", "GET", "/st/file.txt", [], None, 200, b"0123456789"),
    ("206", "GET", "/st/file.txt", [("Range", "bytes=0-3")], None, 206,
     b"0123"),
    ("301", "GET", "/st/moved", [], None, 301, None),
    ("302", "GET", "/st/found", [], None, 302, None),
    ("401", "GET", "/st/auth/file.txt", [], None, 401, None),
    ("200-auth", "GET", "/st/auth/file.txt", [("Authorization", AUTH_OK)],
     None, 200, b"0123456789"),
    ("403", "GET", "/st/denied/file.txt", [], None, 403, None),
    ("404", "GET", "/st/missing.txt", [], None, 404, None),
    ("405-allowmethods", "POST", "/st/am/file.txt", [], b"x", 405, None),
    ("405-rewrite", "GET", "/st/rw405", [], None, 405, None),
    ("413", "POST", "/st/cgi/echo.cgi", [], b"y" * 100, 413, None),
    ("200-cgi", "POST", "/st/cgi/echo.cgi", [], b"y" * 5, 200, b"yyyyy"),
    ("500-exit", "GET", "/st/cgi/fail.cgi", [], None, 500, None),
    ("500-garbage", "GET", "/st/cgi/garbage.cgi", [], None, 500, None),
    ("418-cgi", "GET", "/st/cgi/status.cgi?418", [], None, 418,
     b"cgi status 418"),
    ("503-cgi", "GET", "/st/cgi/status.cgi?503", [], None, 503,
     b"cgi status 503"),
    ("404-ed-text", "GET", "/st/edtext/missing", [], None, 404,
     b"custom text 404"),
    ("404-ed-local", "GET", "/st/edlocal/missing", [], None, 404,
     b"custom 404 page"),
    ("302-ed-redirect", "GET", "/st/edredirect/missing", [], None, 302,
     None),
    ("401-ed-local", "GET", "/st/authed/file.txt", [], None, 401,
     b"custom 404 page"),
    ("403-ed-text", "GET", "/st/denied-ed/file.txt", [], None, 403,
     b"no access text"),
    ("head-200", "HEAD", "/st/file.txt", [], None, 200, None),
    ("head-404", "HEAD", "/st/missing.txt", [], None, 404, None),
    ("head-401", "HEAD", "/st/auth/file.txt", [], None, 401, None),
]


class TestStatuses:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        users = conf.htpasswd("st-users", "alice", "secret")
        conf.add("""Redirect 301 /st/moved /st/file.txt
Redirect 302 /st/found /st/file.txt
ScriptAlias /st/cgi/ "%s/"
""" % cors_env.docroot_path("cgi"))
        conf.location("/st/", [
            "CORSAllowOrigin %s" % APP, "CORSAllowCredentials On",
            "CORSExposeHeaders X-Total-Count"])
        conf.location("/st/auth/", [
            "AuthType Basic", 'AuthName "st"',
            'AuthUserFile "%s"' % users, "Require valid-user"])
        conf.location("/st/denied/", ["Require all denied"])
        conf.location("/st/denied-ed/", [
            "Require all denied", 'ErrorDocument 403 "no access text"'])
        conf.location("/st/authed/", [
            "AuthType Basic", 'AuthName "st"',
            'AuthUserFile "%s"' % users, "Require valid-user",
            "ErrorDocument 401 /errors/404.html"])
        conf.location("/st/am/", ["AllowMethods GET HEAD"])
        conf.location("/st/cgi/echo.cgi", ["LimitRequestBody 10"])
        conf.location("/st/edtext/", ['ErrorDocument 404 "custom text 404"'])
        conf.location("/st/edlocal/", ["ErrorDocument 404 /errors/404.html"])
        conf.location("/st/edredirect/",
                      ["ErrorDocument 404 http://other.example/"])
        conf.directory("st", ["RewriteEngine On",
                              "RewriteRule ^rw405$ - [R=405]"])
        conf.doc("st/file.txt", "0123456789abcdef\n")
        for d in ("auth", "denied", "am", "authed"):
            conf.doc("st/%s/file.txt" % d, "0123456789abcdef\n")
        conf.start()

    def _do(self, env, method, path, extra, body, origin):
        hdrs = ([("Origin", origin)] if origin else []) + list(extra)
        return request(env.port, method, path, hdrs, body=body)

    # an allowed origin: ACAO, ACAC, ACEH and Vary once, whatever the status
    @pytest.mark.parametrize("cid,method,path,extra,body,status,content",
                             CASES, ids=[c[0] for c in CASES])
    def test_cors_500_01(self, cors_env, cid, method, path, extra, body,
                         status, content):
        r = self._do(cors_env, method, path, extra, body, APP)
        assert r.status == status, r
        if content is not None:
            assert r.body.startswith(content) or content in r.body, r.body
        assert_allowed(r, APP, credentials=True, expose="X-Total-Count")

    # a refused origin: the same status, no Access-Control-Allow-*, Vary
    @pytest.mark.parametrize("cid,method,path,extra,body,status,content",
                             CASES, ids=[c[0] for c in CASES])
    def test_cors_500_02(self, cors_env, cid, method, path, extra, body,
                         status, content):
        r = self._do(cors_env, method, path, extra, body, EVIL)
        assert r.status == status, r
        assert_refused(r)

    # no Origin: the same status, no CORS header, Vary: Origin
    @pytest.mark.parametrize("cid,method,path,extra,body,status,content",
                             CASES, ids=[c[0] for c in CASES])
    def test_cors_500_03(self, cors_env, cid, method, path, extra, body,
                         status, content):
        r = self._do(cors_env, method, path, extra, body, None)
        assert r.status == status, r
        assert r.cors_headers() == [], r.headers
        assert r.count("Vary") == 1, r.headers
        assert r.vary_tokens().count("origin") == 1, r.headers

    # 304 Not Modified (If-None-Match with the ETag) keeps the headers
    @pytest.mark.parametrize("origin", [APP, EVIL])
    def test_cors_500_04(self, cors_env, origin):
        r = request(cors_env.port, "GET", "/st/file.txt",
                    [("Origin", origin)])
        etag = r.header("ETag")
        assert etag
        r = request(cors_env.port, "GET", "/st/file.txt",
                    [("Origin", origin), ("If-None-Match", etag)])
        assert r.status == 304, r
        if origin == APP:
            assert_allowed(r, APP, credentials=True, expose="X-Total-Count")
        else:
            assert_refused(r)

    # the redirects keep their Location
    def test_cors_500_05(self, cors_env):
        r = request(cors_env.port, "GET", "/st/edredirect/missing",
                    [("Origin", APP)])
        assert r.header("Location") == "http://other.example/"
        r = request(cors_env.port, "GET", "/st/moved", [("Origin", APP)])
        assert r.header("Location").endswith("/st/file.txt")

    # a 401 keeps its WWW-Authenticate next to the CORS headers
    def test_cors_500_06(self, cors_env):
        r = request(cors_env.port, "GET", "/st/auth/file.txt",
                    [("Origin", APP)])
        assert r.status == 401
        assert r.header("WWW-Authenticate") == 'Basic realm="st"'
        assert_allowed(r, APP, credentials=True, expose="X-Total-Count")


class TestStarStatuses:
    """The "*" policy on error responses: ACAO * exactly once."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/pub/", ["CORSAllowOrigin *"])
        conf.location("/pub/denied/", ["Require all denied"])
        conf.location("/pub/edlocal/", ["ErrorDocument 404 /errors/404.html"])
        conf.doc("pub/file.txt", "pub\n")
        conf.start()

    # 200, 403, 404 and ErrorDocument responses say * once, no Vary Origin
    @pytest.mark.parametrize("path,status", [
        ("/pub/file.txt", 200), ("/pub/denied/x", 403),
        ("/pub/missing", 404), ("/pub/edlocal/missing", 404)])
    @pytest.mark.parametrize("origin", [APP, None])
    def test_cors_500_10(self, cors_env, path, status, origin):
        hdrs = [("Origin", origin)] if origin else []
        r = request(cors_env.port, "GET", path, hdrs)
        assert r.status == status
        assert r.get_all("Access-Control-Allow-Origin") == ["*"], r.headers
        assert "origin" not in r.vary_tokens(), r.headers


class TestProxy:
    """Responses from a mod_proxy backend (this same httpd, /backend/,
    which sets its own CORS headers)."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        mods = cors_env.modules_dir
        conf.add("LoadModule proxy_module %s/mod_proxy.so\n"
                 "LoadModule proxy_http_module %s/mod_proxy_http.so"
                 % (mods, mods))
        backend = "http://127.0.0.1:%d/backend/" % cors_env.port
        conf.add("ProxyPass /px/ %s\nProxyPass /pxkeep/ %s"
                 % (backend, backend))
        conf.location("/backend/", [
            'Header always set Access-Control-Allow-Origin '
            '"https://backend.example"',
            'Header always set Access-Control-Allow-Credentials "true"',
            'Header always set Vary "Accept-Encoding"'])
        conf.location("/px/", ["CORSAllowOrigin %s" % APP,
                               'Header always set '
                               'Access-Control-Allow-Origin "*"'])
        conf.location("/pxkeep/", ["CORSAllowOrigin %s" % APP,
                                   "CORSUpstreamHeaders keep"])
        conf.doc("backend/x.txt", "backend\n")
        conf.start()

    # replace: one ACAO (ours) on proxied 200 and 404, backend's dropped
    @pytest.mark.parametrize("path,status", [("/px/x.txt", 200),
                                             ("/px/missing", 404)])
    def test_cors_500_20(self, cors_env, path, status):
        r = request(cors_env.port, "GET", path, [("Origin", APP)])
        assert r.status == status, r
        assert_allowed(r, APP)
        assert sorted(r.vary_tokens()) == ["accept-encoding", "origin"]

    # keep: the backend's headers stay untouched, Vary: Origin merged
    def test_cors_500_21(self, cors_env):
        r = request(cors_env.port, "GET", "/pxkeep/x.txt", [("Origin", APP)])
        assert r.status == 200, r
        assert r.get_all("Access-Control-Allow-Origin") == \
            ["https://backend.example"], r.headers
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"]
        assert r.count("Vary") == 1, r.headers
        assert sorted(r.vary_tokens()) == ["accept-encoding", "origin"]

    # a preflight is answered by mod_cors; the backend never sees it
    def test_cors_500_22(self, cors_env):
        r = preflight(cors_env, "/px/x.txt?pf_500_22", APP, "GET")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == [APP]
        assert cors_env.access_log_line("/backend/x.txt?pf_500_22",
                                        timeout=0.5) is None
