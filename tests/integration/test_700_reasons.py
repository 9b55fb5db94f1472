"""docs/behaviour.md §5: why a request was refused, told to the
administrator and to the developer.  With LogLevel cors:debug, one CORS0002
line per refusal names the URL, the origin and the reason, with hints, and
hostile values are escaped and bounded; CORSDebugHeader On puts the reason
into CORS-Debug and answers a preflight that failed only on its method or
headers with 204 and the headers it earned."""

import re
import time

import pytest

from harness.client import get, preflight, request
from harness.conf import CorsConf
from harness.logs import no_line, one_line, tagged_lines
from harness.util import PREFLIGHT_VARY, assert_refused

APP = "https://app.example.com"
EVIL = "https://evil.example.net"


def new_log_bytes(env):
    """The error log's bytes since the test began, undecoded."""
    try:
        with open(env.error_log, "rb") as f:
            f.seek(env.log_mark)
            return f.read()
    except OSError:
        return b""


# ---- 1. reasons in the log -----------------------------------------------

class TestReasonLog:
    """LogLevel cors:debug: one CORS0002 line per refusal naming the URL,
    the origin and the reason, with hints; hostile values escaped and
    bounded."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add([
            # let control bytes through httpd's parser so that mod_cors
            # sees them (Strict refuses them with 400 before any module)
            "HttpProtocolOptions Unsafe",
            "LogLevel warn cors:debug",
        ])
        conf.location("/r/", [
            "CORSAllowOrigin %s http://localhost:3000 https://www.shop.test"
            % APP,
            "CORSAllowOrigin http://dev.example.com",
            "CORSAllowMethods PUT PATCH",
            "CORSAllowHeaders Content-Type X-Requested-With",
        ])
        conf.location("/rstar/", [
            "CORSAllowOrigin %s" % APP,
            "CORSAllowMethods PUT",
            "CORSAllowHeaders *",
        ])
        conf.doc("r/data.json", "{}\n")
        conf.doc("rstar/data.json", "{}\n")
        conf.start()

    # a refused origin: one line with URL, origin and reason
    def test_cors_700_01(self, cors_env):
        r = get(cors_env, "/r/data.json", EVIL)
        assert r.status == 200
        assert_refused(r, vary=False)
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "request refused for /r/data.json" in ln, ln
        assert "origin %s not allowed" % EVIL in ln, ln
        assert "[cors:debug]" in ln, ln

    # exactly one line per refusal; none for allowed or Origin-less
    def test_cors_700_02(self, cors_env):
        assert get(cors_env, "/r/data.json", APP).status == 200
        assert get(cors_env, "/r/data.json").status == 200
        assert preflight(cors_env, "/r/data.json", APP).status == 204
        no_line(cors_env, "CORS0002")
        get(cors_env, "/r/data.json", EVIL)
        preflight(cors_env, "/r/data.json", EVIL)
        lines = tagged_lines(cors_env, "CORS0002", want=2)
        time.sleep(0.3)
        lines = tagged_lines(cors_env, "CORS0002", timeout=0)
        assert len(lines) == 2, "\n".join(lines)
        assert "request refused" in lines[0] and EVIL in lines[0]
        assert "preflight refused" in lines[1] and EVIL in lines[1]

    # patch vs PATCH: fetch() uppercases only six methods
    def test_cors_700_03(self, cors_env):
        r = preflight(cors_env, "/r/data.json", APP, method="patch")
        assert r.status == 403
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "preflight refused for /r/data.json" in ln, ln
        assert "method patch not allowed" in ln, ln
        assert "configured: PATCH" in ln, ln
        assert "fetch() does not uppercase patch" in ln, ln
        assert "(Origin '%s')" % APP in ln, ln

    # put vs PUT: fetch() does uppercase put (it normalises DELETE, GET,
    # HEAD, OPTIONS, POST, PUT), so the hint must not claim it does not;
    # a lowercase put means the client is not fetch()
    @pytest.mark.parametrize("method,configured", [("put", "PUT"),
                                                   ("Put", "PUT")])
    def test_cors_700_17(self, cors_env, method, configured):
        r = preflight(cors_env, "/r/data.json", APP, method=method)
        assert r.status == 403
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "method %s not allowed" % method in ln, ln
        assert "configured: %s" % configured in ln, ln
        assert "does not uppercase %s" % method not in ln, ln
        assert "fetch() sends %s, so this request did not come from " \
            "fetch()" % configured in ln, ln

    # an unlisted method: the configured list is named, no case hint
    def test_cors_700_04(self, cors_env):
        preflight(cors_env, "/r/data.json", APP, method="DELETE")
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "method DELETE not allowed" in ln, ln
        assert re.search(r"configured: PUT, ?PATCH", ln), ln
        assert "uppercase" not in ln, ln

    # hint: the scheme differs
    @pytest.mark.parametrize("origin,allowed", [
        ("http://app.example.com", APP),
        ("https://dev.example.com", "http://dev.example.com"),
    ])
    def test_cors_700_05(self, cors_env, origin, allowed):
        get(cors_env, "/r/data.json", origin)
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "origin %s not allowed" % origin in ln, ln
        assert "hint: %s is allowed: the scheme differs" % allowed in ln, ln

    # hint: the port differs (request on a port, allowed on the default)
    def test_cors_700_06(self, cors_env):
        get(cors_env, "/r/data.json", APP + ":8443")
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "origin %s:8443 not allowed" % APP in ln, ln
        assert "hint: %s is allowed: the port differs" % APP in ln, ln

    # hint: the port differs between two non-default ports (the common
    # development case: the dev server moved from :3000 to :3001) and
    # from a non-default port to the default one
    @pytest.mark.parametrize("origin,allowed", [
        ("http://localhost:3001", "http://localhost:3000"),
        ("http://localhost", "http://localhost:3000"),
    ])
    def test_cors_700_07(self, cors_env, origin, allowed):
        get(cors_env, "/r/data.json", origin)
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "origin %s not allowed" % origin in ln, ln
        assert "hint: %s is allowed: the port differs" % allowed in ln, ln

    # hint: www. differs, both ways
    @pytest.mark.parametrize("origin,allowed", [
        ("https://shop.test", "https://www.shop.test"),
        ("https://www.app.example.com", APP),
    ])
    def test_cors_700_08(self, cors_env, origin, allowed):
        get(cors_env, "/r/data.json", origin)
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "hint: %s is allowed: 'www.' differs" % allowed in ln, ln

    # hint: a trailing slash or uppercase (typed by hand), malformed
    @pytest.mark.parametrize("origin", [APP + "/", "https://App.Example.COM",
                                        "HTTPS://APP.EXAMPLE.COM/"])
    def test_cors_700_09(self, cors_env, origin):
        r = get(cors_env, "/r/data.json", origin)
        assert_refused(r, vary=False)
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "malformed Origin" in ln, ln
        assert "(Origin '%s')" % origin in ln, ln
        assert ("hint: %s is allowed, but this Origin is not written as "
                "browsers send it" % APP) in ln, ln

    # no hint for an origin that resembles nothing allowed
    def test_cors_700_10(self, cors_env):
        get(cors_env, "/r/data.json", "https://other.example.org")
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "hint" not in ln, ln

    # a header missing from CORSAllowHeaders, with the configured list
    def test_cors_700_11(self, cors_env):
        r = preflight(cors_env, "/r/data.json", APP,
                      req_headers="content-type, x-api-key")
        assert r.status == 403
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "header x-api-key not allowed" in ln, ln
        assert re.search(r"configured: Content-Type, ?X-Requested-With",
                         ln), ln
        assert "(Origin '%s')" % APP in ln, ln

    # Authorization is not covered by CORSAllowHeaders *
    def test_cors_700_12(self, cors_env):
        r = preflight(cors_env, "/rstar/data.json", APP,
                      req_headers="x-anything, authorization")
        assert r.status == 403
        ln = one_line(cors_env, "CORS0002", "/rstar/data.json")
        assert "header authorization not allowed" in ln, ln
        assert "CORSAllowHeaders * never covers Authorization" in ln, ln
        # while any other header is
        r = preflight(cors_env, "/rstar/data.json", APP,
                      req_headers="x-anything")
        assert r.status == 204

    # hostile bytes in Origin are escaped in the log, never written raw
    # (raw CR, LF and VT never reach a module: httpd answers 400 even
    # under HttpProtocolOptions Unsafe; their literal text is sent instead)
    @pytest.mark.parametrize("raw,escape_re", [
        (b"https://app.example.com\x1b[31mred", rb"\\+x1b\[31mred"),
        (b"https://app.example.com\x7f", rb"\\+x7f"),
        (b"https://app.example.com\x01\x1f", rb"\\+x01\\+x1f"),
        (b"https://\xff\xfe.example.com", rb"https://\\+xff\\+xfe\.example"),
        (b"https://a\\r\\nX-Injected: 1", rb"https://a\\\\+r\\\\+nX-Injected"),
        # httpd's error log leaves quotes as they are (only control bytes
        # and backslashes are escaped); a quote cannot end the line
        (b"https://a\"b.example.com", rb"https://a\\*\"b\.example"),
    ])
    def test_cors_700_13(self, cors_env, raw, escape_re):
        r = request(cors_env.port, "GET", "/r/data.json",
                    [("Origin", raw)])
        # mod_cors must have seen the value (not httpd's parser refusing it)
        assert r.status == 200, r
        assert_refused(r, vary=False)
        lines = tagged_lines(cors_env, "CORS0002")
        assert len(lines) == 1, lines
        log = new_log_bytes(cors_env)
        assert re.search(escape_re, log), log
        for b in (b"\x1b", b"\r", b"\x7f", b"\x01", b"\x1f", b"\xff",
                  b"\xfe"):
            assert b not in log, log
        # (a quote is left as it is: the error log has no quoted fields,
        # httpd itself does not escape quotes there, and escaping them in
        # the module would double every backslash httpd adds)

    # escaped once: httpd already escapes every error log message (unless
    # built with AP_UNSAFE_ERROR_LOG_UNESCAPED), so a module that escapes
    # too doubles every backslash: the administrator reads \\x1b, not \x1b
    @pytest.mark.parametrize("raw,once", [
        (b"https://app.example.com\x1b", b"https://app.example.com\\x1b'"),
        (b"https://\xff.example.com", b"https://\\xff.example.com'"),
    ])
    def test_cors_700_16(self, cors_env, raw, once):
        request(cors_env.port, "GET", "/r/data.json", [("Origin", raw)])
        assert len(tagged_lines(cors_env, "CORS0002")) == 1
        log = new_log_bytes(cors_env)
        assert once in log, log

    # a 1 KiB malformed Origin is quoted truncated, not in full
    def test_cors_700_14(self, cors_env):
        origin = "https://" + "A" * 1100 + ".example.com"
        get(cors_env, "/r/data.json", origin)
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "A" * 129 not in ln, ln
        assert "A" * 100 in ln, ln
        assert "...'" in ln, ln
        assert len(ln) < 800, len(ln)

    # a 1 KiB well-formed but refused Origin is bounded the same way: the
    # log quotes at most 128 bytes of any client value
    def test_cors_700_15(self, cors_env):
        origin = "https://" + "a" * (1024 - len("https://.example.com")) \
            + ".example.com"
        assert len(origin) == 1024
        r = get(cors_env, "/r/data.json", origin)
        assert_refused(r, vary=False)
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "a" * 200 not in ln, ln[:300] + "... (%d bytes)" % len(ln)
        assert len(ln) < 800, len(ln)


# ---- 2. CORSDebugHeader ----------------------------------------------------

class TestDebugHeader:
    """CORSDebugHeader On: CORS-Debug carries the reason (and hint); a
    preflight from an allowed origin failing only on its method or headers
    gets 204 with exactly the headers it earned."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add(["HttpProtocolOptions Unsafe", "LogLevel warn cors:debug"])
        conf.location("/d/", [
            "CORSAllowOrigin %s" % APP,
            "CORSAllowMethods GET POST PUT",
            "CORSAllowHeaders Content-Type",
            "CORSMaxAge 600",
            "CORSDebugHeader On",
        ])
        conf.location("/dcred/", [
            "CORSAllowOrigin %s" % APP,
            "CORSAllowCredentials On",
            "CORSAllowMethods PUT",
            "CORSDebugHeader On",
        ])
        conf.location("/doff/", [
            "CORSAllowOrigin %s" % APP,
            "CORSAllowHeaders Content-Type",
        ])
        for d in ("d", "dcred", "doff"):
            conf.doc("%s/data.json" % d, "{}\n")
        conf.start()

    # a header failure: 204, ACAO, ACAM, only the earned headers, no Max-Age
    def test_cors_700_20(self, cors_env):
        r = preflight(cors_env, "/d/data.json", APP,
                      req_headers="content-type, x-api-key")
        assert r.status == 204, r
        assert r.body == b""
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers
        assert r.get_all("Access-Control-Allow-Methods") == ["PUT"]
        assert r.get_all("Access-Control-Allow-Headers") == ["content-type"]
        assert r.count("Access-Control-Max-Age") == 0, r.headers
        assert r.count("Access-Control-Allow-Credentials") == 0, r.headers
        assert sorted(r.vary_tokens()) == PREFLIGHT_VARY, r.headers
        dbg = r.header("CORS-Debug")
        assert dbg is not None and dbg.startswith(
            "header x-api-key not allowed"), dbg
        assert "configured: Content-Type" in dbg, dbg
        # the reason is the same as the log's
        ln = one_line(cors_env, "CORS0002", "/d/data.json")
        assert dbg in ln, (dbg, ln)

    # a method failure: no Access-Control-Allow-Methods, headers earned
    def test_cors_700_21(self, cors_env):
        r = preflight(cors_env, "/d/data.json", APP, method="DELETE",
                      req_headers="content-type")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == [APP]
        assert r.count("Access-Control-Allow-Methods") == 0, r.headers
        assert r.get_all("Access-Control-Allow-Headers") == ["content-type"]
        assert r.count("Access-Control-Max-Age") == 0, r.headers
        dbg = r.header("CORS-Debug")
        assert dbg.startswith("method DELETE not allowed"), dbg
        assert re.search(r"configured: GET, ?POST, ?PUT", dbg), dbg

    # method and a header fail: the first failure (method) is named, the
    # earned header is still listed, nothing more
    def test_cors_700_22(self, cors_env):
        r = preflight(cors_env, "/d/data.json", APP, method="patch",
                      req_headers="x-api-key, content-type, x-other")
        assert r.status == 204, r
        assert r.count("Access-Control-Allow-Methods") == 0, r.headers
        assert r.get_all("Access-Control-Allow-Headers") == ["content-type"]
        assert r.count("Access-Control-Max-Age") == 0, r.headers
        assert r.header("CORS-Debug").startswith("method patch not allowed")

    # no header earned at all: no Access-Control-Allow-Headers
    def test_cors_700_23(self, cors_env):
        r = preflight(cors_env, "/d/data.json", APP, req_headers="x-api-key")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Methods") == ["PUT"]
        assert r.count("Access-Control-Allow-Headers") == 0, r.headers
        assert r.count("Access-Control-Max-Age") == 0, r.headers

    # the lenient answer keeps credentials when the policy has them
    def test_cors_700_24(self, cors_env):
        r = preflight(cors_env, "/dcred/data.json", APP, method="DELETE")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == [APP]
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"]
        assert r.count("Access-Control-Allow-Methods") == 0, r.headers

    # an allowed preflight is unchanged (Max-Age present), CORS-Debug says
    # allowed
    def test_cors_700_25(self, cors_env):
        r = preflight(cors_env, "/d/data.json", APP,
                      req_headers="content-type")
        assert r.status == 204
        assert r.get_all("Access-Control-Max-Age") == ["600"]
        assert r.get_all("Access-Control-Allow-Headers") == ["content-type"]
        assert r.header("CORS-Debug") == "allowed", r.headers

    # a refused origin is never lenient: 403, nothing allowed
    def test_cors_700_26(self, cors_env):
        r = preflight(cors_env, "/d/data.json", EVIL,
                      req_headers="x-api-key")
        assert r.status == 403, r
        assert_refused(r, vary=False)
        assert r.header("CORS-Debug") == "origin %s not allowed" % EVIL

    # actual request from the http:// twin: reason and hint in CORS-Debug
    def test_cors_700_27(self, cors_env):
        r = get(cors_env, "/d/data.json", "http://app.example.com")
        assert r.status == 200
        assert_refused(r, vary=False)
        assert r.header("CORS-Debug") == (
            "origin http://app.example.com not allowed; hint: "
            "https://app.example.com is allowed: the scheme differs")

    # no Origin: CORS-Debug says so
    def test_cors_700_28(self, cors_env):
        r = get(cors_env, "/d/data.json")
        assert r.header("CORS-Debug") == "no Origin", r.headers

    # a malformed Origin never appears in CORS-Debug (actual and preflight)
    @pytest.mark.parametrize("origin", [
        APP + "/", "https://App.example.com", "https://evil.test<script>",
        "https://evil.test\"x", "https://evil.test, " + APP,
        "https://e\x1bvil.test",
    ])
    @pytest.mark.parametrize("kind", ["actual", "preflight"])
    def test_cors_700_29(self, cors_env, origin, kind):
        if kind == "actual":
            r = get(cors_env, "/d/data.json", origin)
        else:
            r = preflight(cors_env, "/d/data.json", origin)
            assert r.status == 403
        assert_refused(r, vary=False)
        dbg = r.header("CORS-Debug")
        assert dbg is not None, r.headers
        assert "malformed" in dbg, dbg
        assert "evil" not in dbg and "App." not in dbg, dbg
        assert origin not in dbg, dbg
        for (n, v) in r.headers:
            assert origin not in v, (n, v)

    # the lenient preflight still counts as refused: CORS=preflight-denied
    def test_cors_700_30(self, cors_env):
        r = preflight(cors_env, "/d/data.json?t70030", APP, method="DELETE")
        assert r.status == 204
        ln = cors_env.access_log_line("t70030")
        assert ln is not None and ln.endswith("cors=preflight-denied"), ln

    # Off (the default): no CORS-Debug, strict 403
    def test_cors_700_31(self, cors_env):
        r = preflight(cors_env, "/doff/data.json", APP,
                      req_headers="x-api-key")
        assert r.status == 403
        assert r.count("CORS-Debug") == 0, r.headers
        assert_refused(r, vary=False)
        assert get(cors_env, "/doff/data.json", EVIL).count("CORS-Debug") == 0
