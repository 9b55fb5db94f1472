"""docs/behaviour.md §4 (and §2's classification): preflights answered by
mod_cors before any handler, allowed and refused, and CORSPreflight
continue."""

import os
import time

import pytest

from harness.client import preflight, request
from harness.conf import CorsConf
from harness.util import PREFLIGHT_VARY, assert_allowed, token_set

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
ANY = object()


def assert_preflight_ok(r, origin=APP, method="PUT", headers=None,
                        max_age="7200", credentials=False, status=204,
                        vary=PREFLIGHT_VARY):
    assert r.status == status, r
    assert r.body == b"", r.body
    assert r.get_all("Access-Control-Allow-Origin") == [origin], r.headers
    assert r.get_all("Access-Control-Allow-Methods") == [method], r.headers
    if headers is None:
        assert r.count("Access-Control-Allow-Headers") == 0, r.headers
    elif headers is ANY:
        assert r.count("Access-Control-Allow-Headers") == 1, r.headers
    else:
        assert r.get_all("Access-Control-Allow-Headers") == [headers], \
            r.headers
    assert r.get_all("Access-Control-Max-Age") == [max_age], r.headers
    if credentials:
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"], \
            r.headers
    else:
        assert r.count("Access-Control-Allow-Credentials") == 0, r.headers
    assert r.count("Access-Control-Expose-Headers") == 0, r.headers
    assert r.count("Vary") == 1, r.headers
    assert sorted(r.vary_tokens()) == sorted(vary), r.headers


def assert_preflight_refused(r, vary=PREFLIGHT_VARY):
    assert r.status == 403, r
    allow = [(n, v) for (n, v) in r.headers
             if n.lower().startswith("access-control-allow-")]
    assert allow == [], r.headers
    assert r.count("Access-Control-Max-Age") == 0, r.headers
    assert r.count("Vary") == 1, r.headers
    assert sorted(r.vary_tokens()) == sorted(vary), r.headers


class TestPreflightHandle:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", [
            "CORSAllowOrigin %s" % APP,
            "CORSAllowMethods PUT PATCH DELETE",
            "CORSAllowHeaders X-Requested-With Content-Type",
            "CORSExposeHeaders X-Total-Count",
        ])
        conf.location("/noheaders/", ["CORSAllowOrigin %s" % APP])
        conf.location("/star/", ["CORSAllowOrigin *",
                                 "CORSAllowMethods *",
                                 "CORSAllowHeaders *"])
        conf.location("/auth-listed/", ["CORSAllowOrigin %s" % APP,
                                        "CORSAllowHeaders * Authorization"])
        conf.location("/cgi/", ["CORSAllowOrigin %s" % APP,
                                "CORSAllowMethods PUT"])
        conf.doc("noheaders/x.txt", "x\n")
        conf.doc("star/x.txt", "x\n")
        conf.doc("auth-listed/x.txt", "x\n")
        conf.start()

    # allowed: 204, empty body, the exact preflight headers
    def test_cors_300_01(self, cors_env):
        r = preflight(cors_env, "/api/data.json", APP)
        assert_preflight_ok(r)

    # requested headers are echoed lowercased, only when requested
    @pytest.mark.parametrize("acrh,expected", [
        ("X-Requested-With", "x-requested-with"),
        ("X-Requested-With, Content-Type", "x-requested-with, content-type"),
        ("content-type,x-requested-with", "content-type, x-requested-with"),
        ("CONTENT-TYPE", "content-type"),
    ])
    def test_cors_300_02(self, cors_env, acrh, expected):
        r = preflight(cors_env, "/api/data.json", APP, req_headers=acrh)
        assert_preflight_ok(r, headers=ANY)
        got = r.header("Access-Control-Allow-Headers")
        assert got is not None
        assert got == got.lower(), got
        assert token_set(got) == token_set(expected), got

    # the allowed method is the requested one
    @pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
    def test_cors_300_03(self, cors_env, method):
        r = preflight(cors_env, "/api/data.json", APP, method=method)
        assert_preflight_ok(r, method=method)

    # safelisted methods are always allowed
    @pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
    def test_cors_300_04(self, cors_env, method):
        r = preflight(cors_env, "/api/data.json", APP, method=method)
        assert_preflight_ok(r, method=method)

    # method names are case-sensitive: patch is not PATCH
    @pytest.mark.parametrize("method", ["patch", "put", "Delete", "OPTIONS",
                                        "TRACE"])
    def test_cors_300_05(self, cors_env, method):
        r = preflight(cors_env, "/api/data.json", APP, method=method)
        assert_preflight_refused(r)

    # refused origin: 403, no Access-Control-Allow-*, same Vary
    @pytest.mark.parametrize("origin", [EVIL, "null", APP + "/",
                                        "HTTPS://APP.EXAMPLE.COM"])
    def test_cors_300_06(self, cors_env, origin):
        r = preflight(cors_env, "/api/data.json", origin)
        assert_preflight_refused(r)
        for (n, v) in r.headers:
            assert origin not in v, (n, v)

    # a header not listed is refused, alone or among allowed ones
    @pytest.mark.parametrize("acrh", ["X-Other", "X-Requested-With, X-Other",
                                      "Authorization"])
    def test_cors_300_07(self, cors_env, acrh):
        r = preflight(cors_env, "/api/data.json", APP, req_headers=acrh)
        assert_preflight_refused(r)

    # Accept, Accept-Language, Content-Language are always allowed
    def test_cors_300_08(self, cors_env):
        r = preflight(cors_env, "/noheaders/x.txt", APP, method="GET",
                      req_headers="Accept, Accept-Language, Content-Language")
        assert r.status == 204, r
        assert token_set(r.header("Access-Control-Allow-Headers")) == \
            ["accept", "accept-language", "content-language"]

    # Content-Type must be listed
    def test_cors_300_09(self, cors_env):
        r = preflight(cors_env, "/noheaders/x.txt", APP, method="GET",
                      req_headers="Content-Type")
        assert_preflight_refused(r)
        r = preflight(cors_env, "/api/data.json", APP,
                      req_headers="Content-Type")
        assert_preflight_ok(r, headers="content-type")

    # CORSAllowHeaders *: any header but Authorization; any method with *
    def test_cors_300_10(self, cors_env):
        r = preflight(cors_env, "/star/x.txt", APP, method="patch",
                      req_headers="X-Anything, Content-Type")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == ["*"], r.headers
        assert r.get_all("Access-Control-Allow-Methods") == ["patch"]
        assert token_set(r.header("Access-Control-Allow-Headers")) == \
            ["content-type", "x-anything"]
        assert sorted(r.vary_tokens()) == PREFLIGHT_VARY, r.headers
        r = preflight(cors_env, "/star/x.txt", APP, method="GET",
                      req_headers="Authorization")
        assert r.status == 403, r
        assert r.count("Access-Control-Allow-Origin") == 0, r.headers
        assert r.count("Access-Control-Allow-Headers") == 0, r.headers

    # Authorization is allowed when listed next to *
    def test_cors_300_11(self, cors_env):
        r = preflight(cors_env, "/auth-listed/x.txt", APP, method="GET",
                      req_headers="Authorization, X-Foo")
        assert_preflight_ok(r, method="GET", headers=ANY)
        assert token_set(r.header("Access-Control-Allow-Headers")) == \
            ["authorization", "x-foo"]

    # the * policy still refuses a malformed Origin on a preflight
    @pytest.mark.parametrize("origin", ["https://a.example/",
                                        "HTTPS://A.EXAMPLE",
                                        "https://a.example, https://b"])
    def test_cors_300_12(self, cors_env, origin):
        r = preflight(cors_env, "/star/x.txt", origin, method="GET")
        assert r.status == 403, r
        allow = [(n, v) for (n, v) in r.headers
                 if n.lower().startswith("access-control-allow-")]
        assert allow == [], r.headers

    # a static file location answers the preflight, not with the file
    def test_cors_300_13(self, cors_env):
        r = preflight(cors_env, "/api/data.json", APP)
        assert r.status == 204
        assert b"data" not in r.body
        assert r.count("Content-Length") <= 1
        assert r.get_all("Content-Length") in ([], ["0"])

    # a preflight for a URL that does not exist is answered all the same
    def test_cors_300_14(self, cors_env):
        r = preflight(cors_env, "/api/does-not-exist", APP)
        assert_preflight_ok(r)

    # OPTIONS with Origin but no ACRM is an actual request, not a preflight
    def test_cors_300_15(self, cors_env):
        r = request(cors_env.port, "OPTIONS", "/api/data.json",
                    [("Origin", APP)])
        assert r.status == 200, r
        assert_allowed(r, APP, expose="X-Total-Count")

    # ACRM without Origin is not a preflight: no CORS header, Vary: Origin
    def test_cors_300_16(self, cors_env):
        r = request(cors_env.port, "OPTIONS", "/api/data.json",
                    [("Access-Control-Request-Method", "PUT")])
        assert r.status == 200, r
        assert r.cors_headers() == [], r.headers

    # a preflight that is not OPTIONS is an actual request
    def test_cors_300_17(self, cors_env):
        r = request(cors_env.port, "GET", "/api/data.json",
                    [("Origin", APP),
                     ("Access-Control-Request-Method", "PUT")])
        assert r.status == 200
        assert r.body == b'{"data": [1, 2, 3]}\n'
        assert_allowed(r, APP, expose="X-Total-Count")

    # malformed Access-Control-Request-Headers is refused
    @pytest.mark.parametrize("acrh", ["X-Requested-With;", "x y",
                                      "x-requested-with, (content-type)"])
    def test_cors_300_18(self, cors_env, acrh):
        r = preflight(cors_env, "/api/data.json", APP, req_headers=acrh)
        assert_preflight_refused(r)

    # a malformed Access-Control-Request-Method is refused
    @pytest.mark.parametrize("acrm", ["PU T", "GET, PUT", "PUT,", "(PUT)"])
    def test_cors_300_24(self, cors_env, acrm):
        r = preflight(cors_env, "/api/data.json", APP, method=acrm)
        assert_preflight_refused(r)

    # repeated ACRH lines are one list
    def test_cors_300_19(self, cors_env):
        r = request(cors_env.port, "OPTIONS", "/api/data.json", [
            ("Origin", APP), ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "x-requested-with"),
            ("Access-Control-Request-Headers", "content-type")])
        assert r.status == 204, r
        assert token_set(r.header("Access-Control-Allow-Headers")) == \
            ["content-type", "x-requested-with"]


    # default methods: GET HEAD POST only
    @pytest.mark.parametrize("method,ok", [("GET", True), ("HEAD", True),
                                           ("POST", True), ("PUT", False),
                                           ("DELETE", False)])
    def test_cors_300_22(self, cors_env, method, ok):
        r = preflight(cors_env, "/noheaders/x.txt", APP, method=method)
        if ok:
            assert_preflight_ok(r, method=method)
        else:
            assert_preflight_refused(r)

    # a refused preflight logs its reason at cors:debug
    @pytest.mark.parametrize("tag,origin,method,words", [
        ("origin", EVIL, "PUT", ["evil.example.net"]),
        ("method", APP, "patch", ["patch", "PATCH"]),
        ("header", APP, "PUT", ["x-not-listed"]),
    ])
    def test_cors_300_23(self, cors_env, tag, origin, method, words):
        mark = cors_env.log_size()
        r = preflight(cors_env, "/api/data.json?" + tag, origin,
                      method=method,
                      req_headers="X-Not-Listed" if tag == "header" else None)
        assert r.status == 403
        time.sleep(0.2)
        lines = [ln for ln in cors_env.read_log(mark).splitlines()
                 if "[cors:debug]" in ln]
        assert lines, cors_env.read_log(mark)
        text = "\n".join(lines)
        for w in words:
            assert w in text, text


class TestLongLists:
    """Header and method lists longer than httpd's 64-argument TAKE_ARGV
    limit are not cut short."""

    NAMES = ["X-H%02d" % i for i in range(80)]
    METHODS = ["M%02d" % i for i in range(80)]

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", [
            "CORSAllowOrigin %s" % APP,
            "CORSAllowHeaders " + " ".join(self.NAMES),
            "CORSAllowMethods " + " ".join(self.METHODS),
            "CORSExposeHeaders " + " ".join(self.NAMES)])
        conf.start()

    # the 1st, 64th, 65th and 80th header name of one line are allowed
    @pytest.mark.parametrize("idx", [0, 63, 64, 79])
    def test_cors_300_60(self, cors_env, idx):
        r = preflight(cors_env, "/api/data.json", APP, method="GET",
                      req_headers=self.NAMES[idx])
        assert_preflight_ok(r, method="GET",
                            headers=self.NAMES[idx].lower())

    # the same for methods
    @pytest.mark.parametrize("idx", [0, 63, 64, 79])
    def test_cors_300_61(self, cors_env, idx):
        r = preflight(cors_env, "/api/data.json", APP,
                      method=self.METHODS[idx])
        assert_preflight_ok(r, method=self.METHODS[idx])

    # and all 80 expose headers are sent
    def test_cors_300_62(self, cors_env):
        r = request(cors_env.port, "GET", "/api/data.json", [("Origin", APP)])
        assert_allowed(r, APP, expose=", ".join(self.NAMES))


class TestHandlerNeverRuns:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/cgi/", ["CORSAllowOrigin %s" % APP,
                                "CORSAllowMethods PUT"])
        conf.start()

    # a CGI that would log and answer 500 is not called by a preflight
    @pytest.mark.parametrize("origin,status", [(APP, 204), (EVIL, 403)])
    def test_cors_300_20(self, cors_env, origin, status):
        marker = os.path.join(cors_env.writable_dir, "marker.log")
        if os.path.exists(marker):
            os.unlink(marker)
        r = preflight(cors_env, "/cgi/marker.cgi?pf", origin)
        assert r.status == status, r
        assert r.body == b""
        time.sleep(0.3)
        assert not os.path.exists(marker), open(marker).read()
        # and the script does run for an actual request
        r = request(cors_env.port, "PUT", "/cgi/marker.cgi?put",
                    [("Origin", APP)], body=b"x")
        assert r.status == 500
        assert os.path.exists(marker)
        assert_allowed(r, APP)

    # a failing CGI is not reached either
    def test_cors_300_21(self, cors_env):
        r = preflight(cors_env, "/cgi/fail.cgi", APP)
        assert_preflight_ok(r)


class TestPreflightNull:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", ["CORSAllowOrigin null"])
        conf.start()

    # a listed null origin gets its preflight answered with ACAO null
    def test_cors_300_25(self, cors_env):
        r = preflight(cors_env, "/api/data.json", "null",
                      method="POST", req_headers="Accept")
        assert_preflight_ok(r, origin="null", method="POST",
                            headers="accept")


class TestPreflightOptions:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/s200/", ["CORSAllowOrigin %s" % APP,
                                 "CORSPreflightStatus 200"])
        conf.location("/age600/", ["CORSAllowOrigin %s" % APP,
                                   "CORSMaxAge 600"])
        conf.location("/age0/", ["CORSAllowOrigin %s" % APP,
                                 "CORSMaxAge 0"])
        conf.location("/cred/", ["CORSAllowOrigin %s" % APP,
                                 "CORSAllowCredentials On"])
        conf.location("/pna/", ["CORSAllowOrigin %s" % APP,
                                "CORSAllowPrivateNetwork On"])
        conf.location("/nopna/", ["CORSAllowOrigin %s" % APP])
        for d in ("s200", "age600", "age0", "cred", "pna", "nopna"):
            conf.doc(d + "/x.txt", "x\n")
        conf.start()

    # CORSPreflightStatus 200: status 200, still an empty body
    def test_cors_300_30(self, cors_env):
        r = preflight(cors_env, "/s200/x.txt", APP, method="GET")
        assert_preflight_ok(r, method="GET", status=200)

    # CORSMaxAge 600 and 0 are sent as configured
    @pytest.mark.parametrize("path,age", [("/age600/x.txt", "600"),
                                          ("/age0/x.txt", "0")])
    def test_cors_300_31(self, cors_env, path, age):
        r = preflight(cors_env, path, APP, method="POST")
        assert_preflight_ok(r, method="POST", max_age=age)

    # credentials on: ACAC true on the preflight; not on a refused one
    def test_cors_300_32(self, cors_env):
        r = preflight(cors_env, "/cred/x.txt", APP, method="GET")
        assert_preflight_ok(r, method="GET", credentials=True)
        r = preflight(cors_env, "/cred/x.txt", EVIL, method="GET")
        assert_preflight_refused(r)

    # private network access, when enabled and requested
    def test_cors_300_33(self, cors_env):
        r = preflight(cors_env, "/pna/x.txt", APP, method="GET", extra=[
            ("Access-Control-Request-Private-Network", "true")])
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Private-Network") == \
            ["true"], r.headers
        assert sorted(r.vary_tokens()) == sorted(
            PREFLIGHT_VARY + ["access-control-request-private-network"])

    # enabled but not requested: no ACAPN, the Vary still names ACRPN;
    # a refused preflight carries the same Vary
    def test_cors_300_35(self, cors_env):
        pna_vary = sorted(PREFLIGHT_VARY
                          + ["access-control-request-private-network"])
        r = preflight(cors_env, "/pna/x.txt", APP, method="GET")
        assert r.status == 204, r
        assert r.count("Access-Control-Allow-Private-Network") == 0
        assert sorted(r.vary_tokens()) == pna_vary, r.headers
        r = preflight(cors_env, "/pna/x.txt", EVIL, method="GET",
                      extra=[("Access-Control-Request-Private-Network",
                              "true")])
        assert r.status == 403, r
        assert r.count("Access-Control-Allow-Private-Network") == 0
        assert sorted(r.vary_tokens()) == pna_vary, r.headers

    # private network not enabled: no ACAPN
    def test_cors_300_34(self, cors_env):
        r = preflight(cors_env, "/nopna/x.txt", APP, method="GET", extra=[
            ("Access-Control-Request-Private-Network", "true")])
        assert r.count("Access-Control-Allow-Private-Network") == 0, \
            r.headers


class TestPreflightAuth:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        users = conf.htpasswd("pf-users", "alice", "secret")
        conf.location("/auth/", [
            "CORSAllowOrigin %s" % APP, "CORSAllowMethods PUT",
            "CORSAllowHeaders Content-Type",
            "AuthType Basic", 'AuthName "api"',
            'AuthUserFile "%s"' % users, "Require valid-user"])
        conf.location("/denied/", [
            "CORSAllowOrigin %s" % APP, "Require all denied"])
        conf.location("/ip/", [
            "CORSAllowOrigin %s" % APP, "Require ip 192.0.2.1"])
        for d in ("auth", "denied", "ip"):
            conf.doc(d + "/x.txt", "x\n")
        conf.start()

    # a preflight under Basic auth passes without credentials
    def test_cors_300_40(self, cors_env):
        r = preflight(cors_env, "/auth/x.txt", APP, method="PUT",
                      req_headers="Content-Type")
        assert_preflight_ok(r, method="PUT", headers="content-type")
        assert r.count("WWW-Authenticate") == 0, r.headers

    # the actual request without credentials: 401 with the CORS headers
    def test_cors_300_41(self, cors_env):
        r = request(cors_env.port, "GET", "/auth/x.txt", [("Origin", APP)])
        assert r.status == 401
        assert_allowed(r, APP)

    # with credentials: 200 with the CORS headers
    def test_cors_300_42(self, cors_env):
        r = request(cors_env.port, "GET", "/auth/x.txt", [
            ("Origin", APP), ("Authorization", "Basic YWxpY2U6c2VjcmV0")])
        assert r.status == 200
        assert r.body == b"x\n"
        assert_allowed(r, APP)

    # a refused preflight under auth is mod_cors's 403 (docs/behaviour.md
    # §4), never the 401 of the authentication it skips, and gets no
    # Access-Control-Allow-*
    def test_cors_300_43(self, cors_env):
        r = preflight(cors_env, "/auth/x.txt", EVIL)
        assert r.status == 403, r
        assert r.count("WWW-Authenticate") == 0, r.headers
        allow = [(n, v) for (n, v) in r.headers
                 if n.lower().startswith("access-control-allow-")]
        assert allow == [], r.headers

    # allowed preflights pass Require all denied / Require ip
    @pytest.mark.parametrize("path", ["/denied/x.txt", "/ip/x.txt"])
    def test_cors_300_44(self, cors_env, path):
        r = preflight(cors_env, path, APP, method="GET")
        assert_preflight_ok(r, method="GET")

    # while the actual request is still refused (403, with CORS headers)
    @pytest.mark.parametrize("path", ["/denied/x.txt", "/ip/x.txt"])
    def test_cors_300_45(self, cors_env, path):
        r = request(cors_env.port, "GET", path, [("Origin", APP)])
        assert r.status == 403
        assert b"x\n" != r.body
        assert_allowed(r, APP)

    # a refused preflight under Require all denied: 403, nothing allowed
    def test_cors_300_46(self, cors_env):
        r = preflight(cors_env, "/denied/x.txt", EVIL, method="GET")
        assert r.status == 403
        allow = [(n, v) for (n, v) in r.headers
                 if n.lower().startswith("access-control-allow-")]
        assert allow == [], r.headers


class TestPreflightContinue:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/cgi/", [
            "CORSAllowOrigin %s" % APP, "CORSPreflight continue",
            "CORSAllowMethods PUT", "CORSAllowHeaders X-Requested-With",
            "CORSMaxAge 300"])
        conf.start()

    # the handler answers the preflight and gets the preflight headers
    def test_cors_300_50(self, cors_env):
        r = preflight(cors_env, "/cgi/options.cgi", APP, method="PUT",
                      req_headers="X-Requested-With")
        assert r.status == 200, r
        assert r.body == b"cgi answered OPTIONS\n"
        assert r.get_all("X-Handler") == ["cgi"]
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers
        assert r.get_all("Access-Control-Allow-Methods") == ["PUT"]
        assert r.get_all("Access-Control-Allow-Headers") == \
            ["x-requested-with"]
        assert r.get_all("Access-Control-Max-Age") == ["300"]
        assert r.count("Vary") == 1, r.headers
        assert sorted(r.vary_tokens()) == PREFLIGHT_VARY

    # a refused preflight still reaches the handler, with no ACA-* header
    def test_cors_300_51(self, cors_env):
        r = preflight(cors_env, "/cgi/options.cgi", EVIL)
        assert r.status == 200, r
        assert r.body == b"cgi answered OPTIONS\n"
        allow = [(n, v) for (n, v) in r.headers
                 if n.lower().startswith("access-control-allow-")]
        assert allow == [], r.headers
        assert sorted(r.vary_tokens()) == PREFLIGHT_VARY
