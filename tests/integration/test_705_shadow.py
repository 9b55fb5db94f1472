"""docs/behaviour.md §5: CORSShadow On decides, changes nothing, and logs
where its answer differs from the response (CORS0004 at cors:info, the
variable CORS_SHADOW_DIFF): behind a mod_headers recipe and in front of a
real proxied backend."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harness.client import get, preflight
from harness.conf import CorsConf
from harness.env import free_port
from harness.logs import OwnAccessLog, no_line, one_line
from harness.neighbours import load_modules

APP = "https://app.example.com"
EVIL = "https://evil.example.net"


# ---- 9. CORSShadow --------------------------------------------------------

class _Backend(BaseHTTPRequestHandler):
    """/disagree: its own CORS headers, unlike the policy;
    /agree: echoes an allowed Origin exactly as mod_cors would, and
    varies on Origin."""

    def _answer(self):
        origin = self.headers.get("Origin")
        hdrs = [("Content-Type", "text/plain"), ("X-Backend", "1")]
        if self.path.startswith("/disagree"):
            hdrs += [("Access-Control-Allow-Origin", "https://other.test"),
                     ("Access-Control-Allow-Credentials", "true"),
                     ("Vary", "Accept-Encoding")]
            if self.command == "OPTIONS":
                hdrs.append(("Access-Control-Allow-Methods", "GET"))
        elif self.path.startswith("/agree"):
            # varies on Origin for every answer, as mod_cors does
            hdrs.append(("Vary", "Origin"))
            if origin == APP:
                hdrs.append(("Access-Control-Allow-Origin", APP))
        body = b"backend " + self.command.encode() + b"\n"
        self.send_response(200)
        for n, v in hdrs:
            self.send_header(n, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_OPTIONS = do_HEAD = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def backend():
    srv = ThreadingHTTPServer(("127.0.0.1", free_port()), _Backend)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()
    t.join(10)


class TestShadow(OwnAccessLog):
    """CORSShadow On: decide, change nothing, log the difference
    (CORS0004 at cors:info) and set CORS_SHADOW_DIFF."""

    LOG = "access_700_shadow_log"

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env, backend):
        conf = CorsConf(cors_env)
        load_modules(conf, "proxy", "proxy_http")
        conf.add([
            "LogLevel warn cors:info",
            'LogFormat "%r|cors=%{CORS}e|diff=%{CORS_SHADOW_DIFF}e" sh700',
            'CustomLog "%s/%s" sh700' % (cors_env.logs_dir, self.LOG),
        ])
        conf.location("/shadow/", [
            "CORSAllowOrigin %s" % APP,
            "CORSShadow On",
            'Header always set Access-Control-Allow-Origin "*"',
        ])
        conf.location("/shadowok/", [
            "CORSAllowOrigin *",
            "CORSShadow On",
            'Header always set Access-Control-Allow-Origin "*"',
        ])
        conf.location("/sproxy/", [
            "CORSAllowOrigin %s" % APP,
            "CORSAllowMethods PUT",
            "CORSShadow On",
            "ProxyPass http://127.0.0.1:%d/disagree/" % backend,
        ])
        conf.location("/sproxyok/", [
            "CORSAllowOrigin %s" % APP,
            "CORSShadow On",
            "ProxyPass http://127.0.0.1:%d/agree/" % backend,
        ])
        conf.doc("shadow/f.txt", "f\n")
        conf.doc("shadowok/f.txt", "f\n")
        conf.start()

    # recipe says "*", the policy would echo APP: response untouched
    # (no Vary: Origin added either), CORS0004 names the difference
    def test_cors_700_100(self, cors_env):
        r = get(cors_env, "/shadow/f.txt?t700100", APP)
        assert r.status == 200
        assert r.cors_headers() == [("Access-Control-Allow-Origin", "*")], \
            r.headers
        assert r.count("Vary") == 0, r.headers
        ln = one_line(cors_env, "CORS0004", "/shadow/f.txt")
        assert "[cors:info]" in ln, ln
        assert ("Access-Control-Allow-Origin: response has '*', mod_cors "
                "would send '%s'" % APP) in ln, ln
        assert self._line(cors_env, "t700100").endswith(
            "|cors=allowed|diff=1"), self._line(cors_env, "t700100")

    # a refused origin: the recipe's "*" stays; mod_cors would send none
    def test_cors_700_101(self, cors_env):
        r = get(cors_env, "/shadow/f.txt?t700101", EVIL)
        assert r.cors_headers() == [("Access-Control-Allow-Origin", "*")]
        ln = one_line(cors_env, "CORS0004", "/shadow/f.txt")
        assert "response has '*', mod_cors would send '(none)'" in ln, ln
        assert self._line(cors_env, "t700101").endswith(
            "|cors=denied|diff=1")

    # recipe and policy agree: no CORS0004, no CORS_SHADOW_DIFF
    @pytest.mark.parametrize("origin", [APP, EVIL, None])
    def test_cors_700_102(self, cors_env, origin):
        marker = "t700102-%s" % (origin or "none").split("/")[-1]
        r = get(cors_env, "/shadowok/f.txt?" + marker, origin)
        assert r.cors_headers() == [("Access-Control-Allow-Origin", "*")]
        no_line(cors_env, "CORS0004")
        assert self._line(cors_env, marker).endswith("|diff=-")

    # a proxied backend with its own, different CORS headers: every one
    # of them reaches the client unchanged; the log lists each difference
    def test_cors_700_103(self, cors_env):
        r = get(cors_env, "/sproxy/x?t700103", APP)
        assert r.status == 200, r
        assert r.header("X-Backend") == "1"
        assert r.cors_headers() == [
            ("Access-Control-Allow-Origin", "https://other.test"),
            ("Access-Control-Allow-Credentials", "true")], r.headers
        assert r.get_all("Vary") == ["Accept-Encoding"], r.headers
        ln = one_line(cors_env, "CORS0004", "/sproxy/x")
        assert ("Access-Control-Allow-Origin: response has "
                "'https://other.test', mod_cors would send '%s'" % APP) in ln
        assert ("Access-Control-Allow-Credentials: response has 'true', "
                "mod_cors would send '(none)'") in ln, ln
        assert self._line(cors_env, "t700103").endswith(
            "|cors=allowed|diff=1")

    # a preflight in shadow mode reaches the backend, which answers it;
    # mod_cors only logs what it would have answered
    def test_cors_700_104(self, cors_env):
        r = preflight(cors_env, "/sproxy/x?t700104", APP)
        assert r.status == 200, r
        assert r.body == b"backend OPTIONS\n"
        assert r.get_all("Access-Control-Allow-Methods") == ["GET"]
        assert r.count("Access-Control-Max-Age") == 0
        ln = one_line(cors_env, "CORS0004", "/sproxy/x")
        assert ("Access-Control-Allow-Methods: response has 'GET', mod_cors "
                "would send 'PUT'") in ln, ln
        assert ("Access-Control-Max-Age: response has '(none)', mod_cors "
                "would send '7200'") in ln, ln
        assert self._line(cors_env, "t700104").endswith(
            "|cors=preflight-allowed|diff=1")

    # a backend that agrees: no CORS0004, no CORS_SHADOW_DIFF
    @pytest.mark.parametrize("origin", [APP, EVIL, None])
    def test_cors_700_105(self, cors_env, origin):
        marker = "t700105-%s" % (origin or "none").split("/")[-1]
        r = get(cors_env, "/sproxyok/x?" + marker, origin)
        assert r.status == 200, r
        if origin == APP:
            assert r.get_all("Access-Control-Allow-Origin") == [APP]
        else:
            assert r.cors_headers() == []
        no_line(cors_env, "CORS0004")
        assert self._line(cors_env, marker).endswith("|diff=-")
