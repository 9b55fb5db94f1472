"""docs/behaviour.md §5: operability, end to end against a real Apache.

The CORS0002 reason lines and their hints
(hostile values escaped and bounded), CORSDebugHeader and its lenient
preflight answer, the CORS variable (access log, SetEnvIf, expr=),
Require cors-origin, `apache2 -t -D DUMP_CORS`, the dangerous-policy
errors and warnings, CORSAllowPrivateNetwork, the CORSMaxAge warning and
CORSShadow with a mod_headers recipe and a real proxied backend.  The
server-status counters (under prefork and event) are test_710."""

import os
import re
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harness import client
from harness.client import request
from harness.conf import CorsConf
from harness.env import APACHE_BIN, APACHE_MODULES, free_port

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
PREFLIGHT_VARY = ["access-control-request-headers",
                  "access-control-request-method", "origin"]


# ---- helpers ---------------------------------------------------------------

def preflight(env, path, origin=APP, **kw):
    return client.preflight(env, path, origin, **kw)


def get(env, path, origin=None, extra=(), method="GET"):
    hdrs = [("Origin", origin)] if origin is not None else []
    hdrs.extend(extra)
    return request(env.port, method, path, hdrs)


def new_log_bytes(env):
    try:
        with open(env.error_log, "rb") as f:
            f.seek(env.log_mark)
            return f.read()
    except OSError:
        return b""


def tagged_lines(env, tag, timeout=5.0, want=1):
    """The error log lines with tag since the test began (waits a little
    for want of them: a child writes its line before it answers, but a
    busy machine may schedule the write late)."""
    deadline = time.time() + timeout
    while True:
        lines = [ln for ln in env.read_log(env.log_mark).splitlines()
                 if tag in ln]
        if len(lines) >= want or time.time() > deadline:
            return lines
        time.sleep(0.05)


def one_line(env, tag, *needles):
    """The single line with tag that contains every needle."""
    lines = tagged_lines(env, tag)
    hits = [ln for ln in lines if all(n in ln for n in needles)]
    assert len(hits) == 1, "want one %s line with %r, got:\n%s" % (
        tag, needles, "\n".join(lines))
    return hits[0]


def no_line(env, tag, settle=0.3):
    time.sleep(settle)
    lines = tagged_lines(env, tag, timeout=0)
    assert lines == [], "\n".join(lines)


def access_line(env, marker, path=None, timeout=5.0):
    deadline = time.time() + timeout
    path = path or env.access_log
    while True:
        for line in env.read_log(path=path).splitlines():
            if marker in line:
                return line
        if time.time() > deadline:
            return None
        time.sleep(0.05)


class OwnAccessLog:
    """A test class whose configuration writes the access log LOG."""

    LOG = None

    def _line(self, env, marker):
        ln = access_line(env, marker,
                         path=os.path.join(env.logs_dir, self.LOG))
        assert ln is not None, marker
        return ln


def assert_no_allow(r):
    allow = [(n, v) for (n, v) in r.headers
             if n.lower().startswith("access-control-allow-")]
    assert allow == [], r.headers


def load_module_lines(*names):
    out = []
    for n in names:
        out += ["<IfModule !%s_module>" % n,
                "    LoadModule %s_module %s/mod_%s.so" % (n, APACHE_MODULES,
                                                          n),
                "</IfModule>"]
    return out


def run_dump(env, text):
    """`apache2 -t -D DUMP_CORS` over the base config + text."""
    env._check_no += 1
    tconf = os.path.join(env.conf_dir, "dump-%d.test.conf" % env._check_no)
    mconf = os.path.join(env.conf_dir, "dump-%d.httpd.conf" % env._check_no)
    env.write_file(tconf, text)
    env.write_file(mconf, env.base_conf(tconf))
    p = subprocess.run([APACHE_BIN, "-t", "-D", "DUMP_CORS", "-f", mconf],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def dump_blocks(out):
    """{header line: [body lines]} for the servers of a DUMP_CORS output,
    each server's body holding its sections as indented lines."""
    blocks, cur = {}, None
    for ln in out.splitlines():
        if ln.startswith("main server ") or ln.startswith("virtual host "):
            cur = ln
            blocks[cur] = []
        elif cur is not None and ln.startswith("  "):
            blocks[cur].append(ln)
    return blocks


def section(lines, header):
    """The lines of one section (from its <...> header to the next line
    at the same or a smaller indent)."""
    for i, ln in enumerate(lines):
        if ln.strip() == header:
            indent = len(ln) - len(ln.lstrip())
            body = []
            for nxt in lines[i + 1:]:
                if len(nxt) - len(nxt.lstrip()) <= indent:
                    break
                body.append(nxt.strip())
            return body
    raise AssertionError("no section %s in:\n%s" % (header,
                                                    "\n".join(lines)))


def policy_fields(body):
    """'name: value' lines of a policy (only the directly listed ones)."""
    out = {}
    for ln in body:
        ln = ln.strip()
        if ln.startswith("<"):
            break
        if ": " in ln:
            k, v = ln.split(": ", 1)
            out[k] = v
    return out


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
        assert_no_allow(r)
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "request refused for /r/data.json" in ln, ln
        assert "origin %s not allowed" % EVIL in ln, ln
        assert "[cors:debug]" in ln, ln

    # exactly one line per refusal; none for allowed or Origin-less
    def test_cors_700_02(self, cors_env):
        assert get(cors_env, "/r/data.json", APP).status == 200
        assert get(cors_env, "/r/data.json").status == 200
        assert preflight(cors_env, "/r/data.json").status == 204
        no_line(cors_env, "CORS0002")
        get(cors_env, "/r/data.json", EVIL)
        preflight(cors_env, "/r/data.json", origin=EVIL)
        lines = tagged_lines(cors_env, "CORS0002", want=2)
        time.sleep(0.3)
        lines = tagged_lines(cors_env, "CORS0002", timeout=0)
        assert len(lines) == 2, "\n".join(lines)
        assert "request refused" in lines[0] and EVIL in lines[0]
        assert "preflight refused" in lines[1] and EVIL in lines[1]

    # patch vs PATCH: fetch() uppercases only six methods
    def test_cors_700_03(self, cors_env):
        r = preflight(cors_env, "/r/data.json", method="patch")
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
        r = preflight(cors_env, "/r/data.json", method=method)
        assert r.status == 403
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "method %s not allowed" % method in ln, ln
        assert "configured: %s" % configured in ln, ln
        assert "does not uppercase %s" % method not in ln, ln
        assert "fetch() sends %s, so this request did not come from " \
            "fetch()" % configured in ln, ln

    # an unlisted method: the configured list is named, no case hint
    def test_cors_700_04(self, cors_env):
        preflight(cors_env, "/r/data.json", method="DELETE")
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
        assert_no_allow(r)
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
        r = preflight(cors_env, "/r/data.json",
                      req_headers="content-type, x-api-key")
        assert r.status == 403
        ln = one_line(cors_env, "CORS0002", "/r/data.json")
        assert "header x-api-key not allowed" in ln, ln
        assert re.search(r"configured: Content-Type, ?X-Requested-With",
                         ln), ln
        assert "(Origin '%s')" % APP in ln, ln

    # Authorization is not covered by CORSAllowHeaders *
    def test_cors_700_12(self, cors_env):
        r = preflight(cors_env, "/rstar/data.json",
                      req_headers="x-anything, authorization")
        assert r.status == 403
        ln = one_line(cors_env, "CORS0002", "/rstar/data.json")
        assert "header authorization not allowed" in ln, ln
        assert "CORSAllowHeaders * never covers Authorization" in ln, ln
        # while any other header is
        r = preflight(cors_env, "/rstar/data.json", req_headers="x-anything")
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
        assert_no_allow(r)
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
        assert_no_allow(r)
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
        r = preflight(cors_env, "/d/data.json",
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
        r = preflight(cors_env, "/d/data.json", method="DELETE",
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
        r = preflight(cors_env, "/d/data.json", method="patch",
                      req_headers="x-api-key, content-type, x-other")
        assert r.status == 204, r
        assert r.count("Access-Control-Allow-Methods") == 0, r.headers
        assert r.get_all("Access-Control-Allow-Headers") == ["content-type"]
        assert r.count("Access-Control-Max-Age") == 0, r.headers
        assert r.header("CORS-Debug").startswith("method patch not allowed")

    # no header earned at all: no Access-Control-Allow-Headers
    def test_cors_700_23(self, cors_env):
        r = preflight(cors_env, "/d/data.json", req_headers="x-api-key")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Methods") == ["PUT"]
        assert r.count("Access-Control-Allow-Headers") == 0, r.headers
        assert r.count("Access-Control-Max-Age") == 0, r.headers

    # the lenient answer keeps credentials when the policy has them
    def test_cors_700_24(self, cors_env):
        r = preflight(cors_env, "/dcred/data.json", method="DELETE")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == [APP]
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"]
        assert r.count("Access-Control-Allow-Methods") == 0, r.headers

    # an allowed preflight is unchanged (Max-Age present), CORS-Debug says
    # allowed
    def test_cors_700_25(self, cors_env):
        r = preflight(cors_env, "/d/data.json", req_headers="content-type")
        assert r.status == 204
        assert r.get_all("Access-Control-Max-Age") == ["600"]
        assert r.get_all("Access-Control-Allow-Headers") == ["content-type"]
        assert r.header("CORS-Debug") == "allowed", r.headers

    # a refused origin is never lenient: 403, nothing allowed
    def test_cors_700_26(self, cors_env):
        r = preflight(cors_env, "/d/data.json", origin=EVIL,
                      req_headers="x-api-key")
        assert r.status == 403, r
        assert_no_allow(r)
        assert r.header("CORS-Debug") == "origin %s not allowed" % EVIL

    # actual request from the http:// twin: reason and hint in CORS-Debug
    def test_cors_700_27(self, cors_env):
        r = get(cors_env, "/d/data.json", "http://app.example.com")
        assert r.status == 200
        assert_no_allow(r)
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
            r = preflight(cors_env, "/d/data.json", origin=origin)
            assert r.status == 403
        assert_no_allow(r)
        dbg = r.header("CORS-Debug")
        assert dbg is not None, r.headers
        assert "malformed" in dbg, dbg
        assert "evil" not in dbg and "App." not in dbg, dbg
        assert origin not in dbg, dbg
        for (n, v) in r.headers:
            assert origin not in v, (n, v)

    # the lenient preflight still counts as refused: CORS=preflight-denied
    def test_cors_700_30(self, cors_env):
        r = preflight(cors_env, "/d/data.json?t70030", method="DELETE")
        assert r.status == 204
        ln = access_line(cors_env, "t70030")
        assert ln is not None and ln.endswith("cors=preflight-denied"), ln

    # Off (the default): no CORS-Debug, strict 403
    def test_cors_700_31(self, cors_env):
        r = preflight(cors_env, "/doff/data.json", req_headers="x-api-key")
        assert r.status == 403
        assert r.count("CORS-Debug") == 0, r.headers
        assert_no_allow(r)
        assert get(cors_env, "/doff/data.json", EVIL).count("CORS-Debug") == 0


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
            r = preflight(cors_env, path, origin=origin)
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
        assert_no_allow(r)

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
        assert preflight(cors_env, "/g/data.json").status == 204
        r = preflight(cors_env, "/g/data.json", origin=EVIL)
        assert r.status == 403
        assert_no_allow(r)


# ---- 5. DUMP_CORS ---------------------------------------------------------

class TestDumpCors:
    """apache2 -t -D DUMP_CORS: every server, virtual host and section
    with a policy, merged; the fast-path note."""

    def _full_conf(self, env):
        d = env.docroot_path("static")
        return "\n".join([
            "CORSAllowOrigin %s" % APP,
            "CORSAllowCredentials On",
            '<Location "/api/">',
            "    CORSAllowOrigin +https://*.example.org",
            '    CORSAllowOriginMatch "^https://pr-[0-9]+\\.preview\\.'
            'example\\.net$"',
            "    CORSAllowMethods GET PUT PATCH",
            "    CORSAllowHeaders Content-Type X-Api-Key",
            "    CORSExposeHeaders X-Request-Id",
            "    CORSMaxAge 600",
            "    CORSPreflight continue",
            "</Location>",
            '<Location "/nocors/">',
            "    Header set X-Nothing 1",
            "</Location>",
            '<Directory "%s">' % d,
            "    CORSAllowOrigin https://cdn.example.com",
            "    CORSAllowCredentials Off",
            '    <Files "*.txt">',
            "        CORSMaxAge 60",
            "    </Files>",
            "</Directory>",
            "<VirtualHost 127.0.0.1:%d>" % env.port,
            "    ServerName vh.test",
            "    CORSAllowOrigin https://vh-app.example.com",
            "    CORSAllowCredentials Off",
            "    CORSPreflightStatus 200",
            "    CORSAllowPrivateNetwork On",
            "</VirtualHost>",
            "<VirtualHost 127.0.0.1:%d>" % env.port,
            "    ServerName shadow.test",
            "    CORSShadow On",
            "    CORSDebugHeader On",
            "</VirtualHost>",
        ]) + "\n"

    @pytest.fixture(scope="class")
    def dump(self, cors_env):
        rc, out, err = run_dump(cors_env, self._full_conf(cors_env))
        assert rc == 0, out + err
        assert "Syntax OK" in err + out
        return out

    # every server and virtual host is listed
    def test_cors_700_60(self, dump):
        blocks = dump_blocks(dump)
        names = list(blocks)
        assert any(n.startswith("main server") for n in names), dump
        assert any(n.startswith("virtual host vh.test") for n in names), dump
        assert any(n.startswith("virtual host shadow.test")
                   for n in names), dump

    # a virtual host is named with the address it listens on, not ":0"
    # (the ServerName has no port; DUMP_VHOSTS shows 127.0.0.1:PORT)
    def test_cors_700_69(self, cors_env, dump):
        heads = [n for n in dump_blocks(dump) if n.startswith("virtual")]
        assert heads, dump
        for n in heads:
            assert ":0 " not in n, n
            assert str(cors_env.port) in n, n

    # the main server's own policy with every field
    def test_cors_700_61(self, dump):
        main = [v for k, v in dump_blocks(dump).items()
                if k.startswith("main server")][0]
        f = policy_fields(main)
        assert f.get("CORS") == "on", main
        assert f.get("origins") == APP, main
        assert f.get("origin patterns") == "none", main
        assert f.get("credentials") == "on", main
        assert f.get("methods") == "GET, HEAD, POST (default)", main
        assert f.get("allow headers") == "none", main
        assert f.get("expose headers") == "none", main
        assert f.get("max-age") == "7200", main
        assert f.get("preflight") == "handle, status 204", main

    # the Location merged over the server: +origin, pattern, methods,
    # headers, expose, max-age, preflight mode, inherited credentials
    def test_cors_700_62(self, dump):
        main = [v for k, v in dump_blocks(dump).items()
                if k.startswith("main server")][0]
        f = policy_fields(section(main, '<Location "/api/">'))
        assert APP in f["origins"] and "https://*.example.org" in \
            f["origins"], f
        assert f["origin patterns"] == \
            "^https://pr-[0-9]+\\.preview\\.example\\.net$", f
        assert f["credentials"] == "on", f
        assert re.sub(r"\s", "", f["methods"]) == "GET,PUT,PATCH", f
        assert re.sub(r"\s", "", f["allow headers"]) == \
            "Content-Type,X-Api-Key", f
        assert f["expose headers"] == "X-Request-Id", f
        assert f["max-age"] == "600", f
        assert f["preflight"].startswith("continue"), f

    # a <Directory> and the <Files> nested in it, each merged
    def test_cors_700_63(self, cors_env, dump):
        main = [v for k, v in dump_blocks(dump).items()
                if k.startswith("main server")][0]
        d = '<Directory "%s/">' % cors_env.docroot_path("static")
        body = section(main, d)
        f = policy_fields(body)
        assert f["origins"] == "https://cdn.example.com", body
        assert f["credentials"] == "off", body
        assert f["max-age"] == "7200", body
        files = policy_fields(section(main, '<Files "*.txt">'))
        assert files["origins"] == "https://cdn.example.com", files
        assert files["max-age"] == "60", files

    # a section without any CORS directive is not listed
    def test_cors_700_64(self, dump):
        assert '"/nocors/"' not in dump, dump

    # virtual hosts: their own policy, flags shown
    def test_cors_700_65(self, dump):
        vh = [v for k, v in dump_blocks(dump).items()
              if k.startswith("virtual host vh.test")][0]
        f = policy_fields(vh)
        assert f["origins"] == "https://vh-app.example.com", vh
        assert f["credentials"] == "off", vh
        assert f["preflight"] == "handle, status 200", vh
        assert f["private network"].startswith("on"), vh
        sh = [v for k, v in dump_blocks(dump).items()
              if k.startswith("virtual host shadow.test")][0]
        f = policy_fields(sh)
        # inherits the main server's origins, adds shadow and debug
        assert f["origins"] == APP, sh
        assert "debug header: on" in f["private network"], sh
        assert "shadow: on" in f["private network"], sh

    # fast path: noted when no section or .htaccess can change the policy
    def test_cors_700_66(self, cors_env):
        rc, out, err = run_dump(cors_env, "CORSAllowOrigin %s\n" % APP)
        assert rc == 0, out + err
        main = [v for k, v in dump_blocks(out).items()
                if k.startswith("main server")][0]
        assert any("no section or .htaccess can change this policy" in ln
                   for ln in main), out

    # no fast-path note when a section sets CORS, or .htaccess may
    @pytest.mark.parametrize("extra", [
        '<Location "/x/">\n    CORSMaxAge 5\n</Location>\n',
        '<Directory "{docroot}">\n    AllowOverride FileInfo\n'
        '</Directory>\n',
        '<Directory "{docroot}">\n    AllowOverrideList CORSAllowOrigin\n'
        '</Directory>\n',
    ])
    def test_cors_700_67(self, cors_env, extra):
        text = "CORSAllowOrigin %s\n" % APP + extra.format(
            docroot=cors_env.htdocs)
        rc, out, err = run_dump(cors_env, text)
        assert rc == 0, out + err
        assert "no section or .htaccess can change" not in out, out

    # without -D DUMP_CORS, -t prints nothing of it
    def test_cors_700_68(self, cors_env):
        rc, out = cors_env.check_config("CORSAllowOrigin %s\n" % APP)
        assert rc == 0, out
        assert "CORS policies" not in out, out


# ---- 6 + 8. dangerous policies ---------------------------------------------

def warnings_of(out):
    return [ln for ln in out.splitlines() if "CORS0001" in ln]


class TestDangerousPolicies:
    """Refused with a clear apache2 -t error, or accepted with a CORS0001
    start-up warning."""

    def _check(self, env, lines):
        return env.check_config("\n".join(lines) + "\n")

    # a wildcard directly over a public suffix with credentials: error,
    # whichever directive comes first
    @pytest.mark.parametrize("pattern,suffix", [
        ("https://*.github.io", "github.io"), ("https://*.co.uk", "co.uk"),
        ("https://*.herokuapp.com", "herokuapp.com"),
    ])
    @pytest.mark.parametrize("order", ["origin-first", "credentials-first"])
    def test_cors_700_70(self, cors_env, pattern, suffix, order):
        lines = ["CORSAllowOrigin %s" % pattern, "CORSAllowCredentials On"]
        if order == "credentials-first":
            lines.reverse()
        rc, out = self._check(cors_env, lines)
        assert rc != 0, out
        assert pattern in out, out
        assert "public suffix" in out, out
        assert "Syntax error" in out, out

    # ... without credentials: accepted with a warning naming the suffix
    @pytest.mark.parametrize("pattern,suffix", [
        ("https://*.github.io", "github.io"), ("https://*.co.uk", "co.uk"),
        ("http://*.blogspot.com", "blogspot.com"),
    ])
    def test_cors_700_71(self, cors_env, pattern, suffix):
        rc, out = self._check(cors_env, ["CORSAllowOrigin %s" % pattern])
        assert rc == 0, out
        w = warnings_of(out)
        assert len(w) == 1, out
        assert "'%s' is a wildcard directly over the public suffix '%s'" % (
            pattern, suffix) in w[0], w

    # *.localhost is the exception; a wildcard under a registrable domain
    # is fine; neither warns, even with credentials
    @pytest.mark.parametrize("pattern", [
        "https://*.localhost", "http://*.localhost:*",
        "https://*.example.co.uk", "https://*.user.github.io",
    ])
    def test_cors_700_72(self, cors_env, pattern):
        rc, out = self._check(cors_env, ["CORSAllowOrigin %s" % pattern,
                                         "CORSAllowCredentials On"])
        assert rc == 0, out
        assert warnings_of(out) == [], out

    # null with credentials: error, both orders
    @pytest.mark.parametrize("order", ["origin-first", "credentials-first"])
    def test_cors_700_73(self, cors_env, order):
        lines = ["CORSAllowOrigin %s null" % APP, "CORSAllowCredentials On"]
        if order == "credentials-first":
            lines.reverse()
        rc, out = self._check(cors_env, lines)
        assert rc != 0, out
        assert "null" in out and "sandboxed" in out, out

    # null alone: a warning
    def test_cors_700_74(self, cors_env):
        rc, out = self._check(cors_env, ["CORSAllowOrigin null"])
        assert rc == 0, out
        w = warnings_of(out)
        assert len(w) == 1, out
        assert "CORSAllowOrigin" in w[0] and "'null' is allowed" in w[0], w
        assert "sandboxed" in w[0], w

    # http:// origins with credentials: a warning, both orders
    @pytest.mark.parametrize("order", ["origin-first", "credentials-first"])
    def test_cors_700_75(self, cors_env, order):
        lines = ["CORSAllowOrigin http://app.example.com",
                 "CORSAllowCredentials On"]
        if order == "credentials-first":
            lines.reverse()
        rc, out = self._check(cors_env, lines)
        assert rc == 0, out
        w = warnings_of(out)
        assert len(w) == 1, out
        assert "'http://app.example.com' is served over plain http" in w[0]

    # ... but not for loopback development origins, nor without credentials
    @pytest.mark.parametrize("lines", [
        ["CORSAllowOrigin http://localhost:3000 http://127.0.0.1:8081 "
         "http://[::1]:8080 http://app.localhost", "CORSAllowCredentials On"],
        ["CORSAllowOrigin http://app.example.com"],
    ])
    def test_cors_700_76(self, cors_env, lines):
        rc, out = self._check(cors_env, lines)
        assert rc == 0, out
        assert warnings_of(out) == [], out

    # http:// origin in a section, credentials inherited from the server:
    # the combination is just as dangerous and is warned about too
    def test_cors_700_77(self, cors_env):
        rc, out = self._check(cors_env, [
            "CORSAllowCredentials On",
            '<Location "/api/">',
            "CORSAllowOrigin http://app.example.com",
            "</Location>"])
        assert rc == 0, out
        w = warnings_of(out)
        assert any("http://app.example.com" in ln and "plain http" in ln
                   for ln in w), out

    # CORSAllowOriginMatch with an unescaped '.' that stands between two
    # host characters is an error (test_100); another bare '.': a warning
    @pytest.mark.parametrize("regex,warns", [
        ("^https://pr-[0-9]+.preview\\.example\\.com$", True),
        ("^https://(www.)?example\\.com$", True),
        ("^https://.*\\.example\\.com$", False),
        ("^https://app\\.example\\.com$", False),
        ("^https://[a-z0-9.-]+\\.example\\.com$", False),
    ])
    def test_cors_700_78(self, cors_env, regex, warns):
        rc, out = self._check(cors_env, ['CORSAllowOriginMatch "%s"' % regex])
        assert rc == 0, out
        w = warnings_of(out)
        if warns:
            assert len(w) == 1, out
            assert "unescaped '.'" in w[0], w
            assert "CORSAllowOriginMatch" in w[0], w
        else:
            assert w == [], out

    # 8. CORSMaxAge above 7200: accepted, warning names every engine's cap
    @pytest.mark.parametrize("value", ["86400", "7201"])
    def test_cors_700_79(self, cors_env, value):
        rc, out = self._check(cors_env, ["CORSAllowOrigin %s" % APP,
                                         "CORSMaxAge %s" % value])
        assert rc == 0, out
        w = warnings_of(out)
        assert len(w) == 1, out
        for text in ("CORSMaxAge", value, "Chromium", "7200", "Firefox",
                     "86400", "Safari", "600"):
            assert text in w[0], (text, w)
        assert re.search(r"Chromium\D+7200", w[0]), w
        assert re.search(r"Firefox\D+86400", w[0]), w
        assert re.search(r"Safari\D+600", w[0]), w

    # 8. 7200 and below: no warning; above 86400: an error
    @pytest.mark.parametrize("value", ["7200", "600", "0"])
    def test_cors_700_80(self, cors_env, value):
        rc, out = self._check(cors_env, ["CORSAllowOrigin %s" % APP,
                                         "CORSMaxAge %s" % value])
        assert rc == 0, out
        assert warnings_of(out) == [], out

    def test_cors_700_81(self, cors_env):
        rc, out = self._check(cors_env, ["CORSMaxAge 86401"])
        assert rc != 0, out
        assert "CORSMaxAge" in out and "86401" in out, out

    # the warnings also reach a real start-up (the error log or the
    # starting command's output), and the server runs
    def test_cors_700_82(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/w/", ["CORSAllowOrigin null https://*.github.io",
                              "CORSMaxAge 86400"])
        conf.start()
        text = cors_env.last_start_output + cors_env.read_log(
            cors_env.log_mark)
        w = warnings_of(text)
        assert any("'null' is allowed" in ln for ln in w), text
        assert any("github.io" in ln for ln in w), text
        assert any("Chromium" in ln for ln in w), text
        r = get(cors_env, "/alive.json")
        assert r.status == 200


# ---- 7. CORSAllowPrivateNetwork ---------------------------------------------

class TestPrivateNetwork:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/pna/", ["CORSAllowOrigin %s" % APP,
                                "CORSAllowMethods PUT",
                                "CORSAllowPrivateNetwork On"])
        conf.location("/nopna/", ["CORSAllowOrigin %s" % APP,
                                  "CORSAllowMethods PUT"])
        conf.doc("pna/x.txt", "x\n")
        conf.doc("nopna/x.txt", "x\n")
        conf.start()

    ACRPN = ("Access-Control-Request-Private-Network", "true")

    # On + requested: ACAPN: true, Vary names the request header
    def test_cors_700_90(self, cors_env):
        r = preflight(cors_env, "/pna/x.txt", extra=[self.ACRPN])
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Private-Network") == ["true"]
        assert r.get_all("Access-Control-Allow-Origin") == [APP]
        assert r.count("Vary") == 1, r.headers
        assert sorted(r.vary_tokens()) == sorted(
            PREFLIGHT_VARY + ["access-control-request-private-network"])

    # On, not requested (or not "true"): no ACAPN, Vary still names it
    @pytest.mark.parametrize("extra", [[], [(
        "Access-Control-Request-Private-Network", "false")]])
    def test_cors_700_91(self, cors_env, extra):
        r = preflight(cors_env, "/pna/x.txt", extra=extra)
        assert r.status == 204, r
        assert r.count("Access-Control-Allow-Private-Network") == 0
        assert "access-control-request-private-network" in r.vary_tokens()

    # On, refused origin: 403 and no ACAPN
    def test_cors_700_92(self, cors_env):
        r = preflight(cors_env, "/pna/x.txt", origin=EVIL, extra=[self.ACRPN])
        assert r.status == 403
        assert_no_allow(r)

    # Off: no ACAPN even when requested, Vary without the PNA token
    def test_cors_700_93(self, cors_env):
        r = preflight(cors_env, "/nopna/x.txt", extra=[self.ACRPN])
        assert r.status == 204, r
        assert r.count("Access-Control-Allow-Private-Network") == 0
        assert sorted(r.vary_tokens()) == PREFLIGHT_VARY, r.headers

    # an actual request never carries ACAPN
    def test_cors_700_94(self, cors_env):
        r = get(cors_env, "/pna/x.txt", APP, extra=[self.ACRPN])
        assert r.get_all("Access-Control-Allow-Origin") == [APP]
        assert r.count("Access-Control-Allow-Private-Network") == 0


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
        conf.add(load_module_lines("proxy", "proxy_http"))
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
        r = preflight(cors_env, "/sproxy/x?t700104")
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
