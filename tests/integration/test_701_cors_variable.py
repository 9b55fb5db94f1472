"""docs/behaviour.md §5: server-side use of the decision.  The CORS
variable on every request in scope (%{CORS}e in the access log, SetEnvIf in
the same scope, mod_headers' expr=reqenv('CORS')) and the authorization
provider Require cors-origin, alone and inside <RequireAll>/<RequireAny>."""

import pytest

from harness.client import get, preflight, request
from harness.conf import CorsConf
from harness.logs import OwnAccessLog
from harness.util import assert_refused

APP = "https://app.example.com"
EVIL = "https://evil.example.net"


# ---- 3. the CORS variable ---------------------------------------------------

class TestCorsVariable(OwnAccessLog):
    """CORS on every request in scope: %{CORS}e, SetEnvIf in the same
    scope, and mod_headers' expr=reqenv('CORS')."""

    LOG = "access_700_log"

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add([
            'LogFormat "%r|cors=%{CORS}e|seen=%{CORS_SEEN}e|'
            'expr=%{CORS_EXPR}e" cors700',
            'CustomLog "%s/%s" cors700' % (cors_env.logs_dir, self.LOG),
        ])
        conf.location("/v/", [
            "CORSAllowOrigin %s" % APP,
            "CORSAllowMethods PUT",
            "SetEnvIf CORS ^denied$ CORS_SEEN=refused",
            "SetEnvIf CORS ^allowed$ CORS_SEEN=ok",
            "SetEnvIf CORS ^no-origin$ CORS_SEEN=none",
            "SetEnvIf CORS ^preflight-allowed$ CORS_SEEN=pre-ok",
            "SetEnvIf CORS ^preflight-denied$ CORS_SEEN=pre-refused",
            "SetEnvIfExpr \"reqenv('CORS') == 'denied'\" CORS_EXPR=denied",
            "Header always set X-CORS-Refused 1 "
            "\"expr=reqenv('CORS') == 'denied'\"",
            'Header always set X-CORS "%{CORS}e"',
        ])
        conf.doc("v/data.json", "{}\n")
        conf.start()

    # each value in the access log, with SetEnvIf's view of it
    @pytest.mark.parametrize("kind,value,seen", [
        ("preflight-ok", "preflight-allowed", "pre-ok"),
        ("preflight-evil", "preflight-denied", "pre-refused"),
        ("preflight-malformed", "preflight-denied", "pre-refused"),
        ("get-ok", "allowed", "ok"),
        ("get-evil", "denied", "refused"),
        ("get-malformed", "denied", "refused"),
        ("get-none", "no-origin", "none"),
        ("post-evil", "denied", "refused"),
    ])
    def test_cors_700_40(self, cors_env, kind, value, seen):
        marker = "t70040-" + kind
        path = "/v/data.json?" + marker
        origin = {"ok": APP, "evil": EVIL, "malformed": APP + "/",
                  "none": None}[kind.split("-")[1]]
        if kind.startswith("preflight"):
            r = preflight(cors_env, path, origin)
            assert r.status == (204 if value == "preflight-allowed" else 403)
        else:
            r = get(cors_env, path, origin,
                    method=kind.split("-")[0].upper())
            assert r.header("X-CORS") == value, r.headers
        ln = self._line(cors_env, marker)
        assert "|cors=%s|" % value in ln, ln
        assert "|seen=%s|" % seen in ln, ln
        exp = "denied" if value == "denied" else "-"
        assert ln.endswith("|expr=%s" % exp), ln

    # expr=reqenv('CORS') == 'denied' sets the header only when refused
    @pytest.mark.parametrize("origin,present", [
        (EVIL, True), (APP + "/", True), (APP, False), (None, False)])
    def test_cors_700_41(self, cors_env, origin, present):
        r = get(cors_env, "/v/data.json", origin)
        assert r.get_all("X-CORS-Refused") == (["1"] if present else []), \
            r.headers

    # a request header named CORS changes nothing: the variable is
    # mod_cors's decision, and reqenv('CORS') reads only that
    def test_cors_700_44(self, cors_env):
        r = get(cors_env, "/v/data.json?t70044", EVIL,
                extra=[("CORS", "allowed")])
        assert r.header("X-CORS") == "denied", r.headers
        assert r.get_all("X-CORS-Refused") == ["1"], r.headers
        ln = self._line(cors_env, "t70044")
        assert "|cors=denied|" in ln and ln.endswith("|expr=denied"), ln

    # outside a CORS scope the variable is not set at all
    def test_cors_700_42(self, cors_env):
        get(cors_env, "/alive.json?t70042", EVIL)
        ln = self._line(cors_env, "t70042")
        assert "|cors=-|" in ln, ln


# ---- 4. Require cors-origin -------------------------------------------------

class TestRequireCorsOrigin:
    """Granted without Origin, with an allowed one or the request's own;
    403 otherwise; composes with RequireAll / RequireAny."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/g/", [
            "CORSAllowOrigin %s" % APP,
            "CORSAllowMethods PUT",
            "Require cors-origin",
        ])
        conf.location("/gall/", [
            "CORSAllowOrigin %s" % APP,
            "<RequireAll>",
            "Require ip 127.0.0.1",
            "Require cors-origin",
            "</RequireAll>",
        ])
        conf.location("/gallno/", [
            "CORSAllowOrigin %s" % APP,
            "<RequireAll>",
            "Require ip 192.0.2.1",
            "Require cors-origin",
            "</RequireAll>",
        ])
        conf.location("/gany/", [
            "CORSAllowOrigin %s" % APP,
            "<RequireAny>",
            "Require cors-origin",
            "Require ip 192.0.2.1",
            "</RequireAny>",
        ])
        conf.location("/gstar/", [
            "CORSAllowOrigin *",
            "Require cors-origin",
        ])
        conf.location("/gcgi/", [
            "CORSAllowOrigin %s" % APP,
            "Require cors-origin",
        ])
        conf.add('ScriptAlias /gcgi/ "%s/"' % cors_env.docroot_path("cgi"))
        for d in ("g", "gall", "gallno", "gany", "gstar"):
            conf.doc("%s/data.json" % d, "{}\n")
        conf.start()

    # granted: no Origin, an allowed one
    @pytest.mark.parametrize("origin", [None, APP])
    def test_cors_700_50(self, cors_env, origin):
        r = get(cors_env, "/g/data.json", origin)
        assert r.status == 200, r
        if origin:
            assert r.get_all("Access-Control-Allow-Origin") == [APP]

    # granted: the request's own origin (a same-origin POST of the site's
    # own form), matched against the Host the browser sent
    @pytest.mark.parametrize("method", ["GET", "POST"])
    def test_cors_700_51(self, cors_env, method):
        own = "http://127.0.0.1:%d" % cors_env.port
        r = request(cors_env.port, method, "/g/data.json",
                    [("Host", "127.0.0.1:%d" % cors_env.port),
                     ("Origin", own)], body="a=1" if method == "POST"
                    else None)
        assert r.status in (200, 405), r  # static file: POST may be 405
        assert r.status != 403, r
        r = request(cors_env.port, method, "/gcgi/ok.cgi",
                    [("Host", "localhost:%d" % cors_env.port),
                     ("Origin", "http://localhost:%d" % cors_env.port)],
                    body="a=1" if method == "POST" else None)
        assert r.status == 200, r
        assert r.body.startswith(b"cgi ok " + method.encode()), r.body

    # denied: another origin, a malformed one, near-misses of the own one
    @pytest.mark.parametrize("origin", [
        EVIL, APP + "/", "null", "http://app.example.com",
        "http://127.0.0.1:%d" % 1, "https://127.0.0.1:{port}",
        "http://localhost:{port}",
    ])
    def test_cors_700_52(self, cors_env, origin):
        origin = origin.format(port=cors_env.port)
        r = request(cors_env.port, "GET", "/g/data.json",
                    [("Host", "127.0.0.1:%d" % cors_env.port),
                     ("Origin", origin)])
        assert r.status == 403, r
        assert_refused(r, vary=False)

    # a refused origin's POST never reaches the handler
    def test_cors_700_53(self, cors_env):
        r = request(cors_env.port, "POST", "/gcgi/ok.cgi",
                    [("Origin", EVIL)], body="x=1")
        assert r.status == 403, r
        assert b"cgi ok" not in r.body
        r = request(cors_env.port, "POST", "/gcgi/ok.cgi",
                    [("Origin", APP)], body="x=1")
        assert r.status == 200, r
        assert r.body.startswith(b"cgi ok POST")

    # RequireAll with Require ip 127.0.0.1
    @pytest.mark.parametrize("origin,status", [
        (None, 200), (APP, 200), (EVIL, 403), ("https://app.example.com:1",
                                              403)])
    def test_cors_700_54(self, cors_env, origin, status):
        assert get(cors_env, "/gall/data.json", origin).status == status

    # RequireAll: an allowed origin does not override a failing ip
    @pytest.mark.parametrize("origin", [None, APP])
    def test_cors_700_55(self, cors_env, origin):
        assert get(cors_env, "/gallno/data.json", origin).status == 403

    # RequireAny: cors-origin alone grants, else denied
    @pytest.mark.parametrize("origin,status", [
        (None, 200), (APP, 200), (EVIL, 403)])
    def test_cors_700_56(self, cors_env, origin, status):
        assert get(cors_env, "/gany/data.json", origin).status == status

    # under "*" every origin counts as allowed
    @pytest.mark.parametrize("origin", [EVIL, APP])
    def test_cors_700_57(self, cors_env, origin):
        r = get(cors_env, "/gstar/data.json", origin)
        assert r.status == 200, r
        assert r.get_all("Access-Control-Allow-Origin") == ["*"]

    # a refused preflight is answered 403 by mod_cors, an allowed one 204
    # (preflights never reach authorization)
    def test_cors_700_58(self, cors_env):
        assert preflight(cors_env, "/g/data.json", APP).status == 204
        r = preflight(cors_env, "/g/data.json", EVIL)
        assert r.status == 403
        assert_refused(r, vary=False)
