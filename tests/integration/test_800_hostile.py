"""Hostile clients (docs/behaviour.md §2-§4): hundreds of malformed and
adversarial requests sent as raw bytes on fresh sockets.  Whatever they
carry, the server must answer every one of them with one well-formed
response, never crash a worker, never echo a byte of a value that failed
validation and never let a request byte split a response header.

The largest inputs are sent twice: under httpd's default
LimitRequestFieldSize (8190), which refuses them with 400 before mod_cors
runs, and with the limit raised so that they reach mod_cors.  Their times
are printed (run pytest with -s to see them), not asserted: a timing
assertion flakes on a busy 2-core machine."""

import re
import socket
import time

import pytest

from harness.conf import CorsConf

APP = "https://app.example.com"
PR = "https://pr-7.preview.example.net"
WILD_OK = "https://a.b.example.org"
INJECTED = b"x-injected"


def big(n, prefix="https://", suffix=".example.com", fill="a"):
    return prefix + fill * (n - len(prefix) - len(suffix)) + suffix


#: the longest Origin accepted at all (CORS_ORIGIN_MAX_LEN), under the
#: wildcard of /hwild/
BIG_OK = big(1024, suffix=".example.org")

#: path -> the exact origins mod_cors may ever echo there ("*" for star)
ECHOABLE = {
    "/hapi/x.txt": {APP},
    "/hstar/x.txt": {"*"},
    "/hwild/x.txt": {WILD_OK, PR, BIG_OK},
    "/hdebug/x.txt": {APP},
}
PATHS = list(ECHOABLE)

#: statuses a hostile request may get: served, answered preflight, refused
#: preflight, or refused by httpd's own request parser (400, 413, 414, 431)
#: or method handling (405, 501)
OK_STATUSES = {200, 204, 400, 403, 404, 405, 413, 414, 431, 501}

def acrh_tokens(count):
    return ",".join("x-h%d" % i for i in range(count))


# ---- what gets sent --------------------------------------------------------

#: Origin values that must never be echoed (bytes, sent as they are)
HOSTILE_ORIGINS = [
    b"", b" ", b"null ", b"NULL", b"Null", b"*", b"https://", b"https:",
    b"https:/app.example.com", b"//app.example.com", b"app.example.com",
    APP.encode() + b"/", APP.encode() + b"/x",
    APP.encode() + b"?", APP.encode() + b"#", APP.encode() + b":443",
    APP.encode() + b":0", APP.encode() + b":65536", APP.encode() + b":08443",
    APP.encode() + b":-1", APP.encode() + b":", APP.encode() + b":+443",
    b"HTTPS://APP.EXAMPLE.COM", b"https://App.example.com",
    b"Https://app.example.com", b"https://user@app.example.com",
    b"https://app.example.com@evil.net", b"https://app.example.com.evil.net",
    b"https://evilapp.example.com", b"https://app.example.co",
    b"http://app.example.com", b"wss://app.example.com",
    APP.encode() + b", https://evil.net", b"https://evil.net, " +
    APP.encode(), APP.encode() + b" " + APP.encode(),
    APP.encode() + b"," + APP.encode(), APP.encode() + b";evil",
    b"https://app.ex\xc3\xa4mple.com", b"https://app.ex\xe4mple.com",
    b"https://\xff\xfe.example.com", b"https://app.example.com\x7f",
    b"https://app.example.com\x0b", b"https://app.example.com\x0c",
    b"https://app.example.com\x1b[31m", b"https://app%2eexample.com",
    b"https://app.example.com%0d%0aX-Injected:%201",
    b"https://app.example.com\\r\\nX-Injected: 1",
    b"https://[::1", b"https://[::1]]", b"https://[zz]", b"https://::1",
    b"https://a..example.com", b"https://.example.com",
    b"https://example.org", b"https://b.example.org:443",
    b"https://pr-.preview.example.net", b"https://pr-7.preview.example.net/",
    b"https://pr-7.preview.example.net.evil",
    b"https://pr-7.preview.example.net\x00", b"javascript:alert(1)",
    b"data:text/html,x", b"file://", b"about:blank",
    b"https://app.example.com\x00.evil.net",
    b"https://app.example.com\rX-Injected: 1",
    big(1025).encode(), big(4096).encode(), big(8000).encode(),
    ("https://" + "a." * 600 + "example.com").encode(),
    ("https://a.example.com:" + "1" * 50).encode(),
]

#: Origins that are fine to echo where listed (controls); the ones with
#: spaces or tabs around them are too, because HTTP strips that optional
#: whitespace before any module sees the value (RFC 9110 5.5)
GOOD_ORIGINS = [APP.encode(), WILD_OK.encode(), PR.encode(),
                BIG_OK.encode(), b" " + APP.encode(), APP.encode() + b" ",
                APP.encode() + b"\t", b"\t" + APP.encode(),
                b" \t " + PR.encode() + b"\t \t"]

#: CRLF injection: after httpd's parser, the Origin header is APP and the
#: rest is another header line (or the request is refused); either way no
#: response header may be named X-Injected
SPLITTING_ORIGINS = [
    APP.encode() + b"\r\nX-Injected: 1",
    APP.encode() + b"\nX-Injected: 1",
    b"https://evil.net\r\nOrigin: " + APP.encode(),
]

#: Access-Control-Request-Headers values (sent with an allowed Origin)
HOSTILE_ACRH = [
    b"", b",", b",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,", b" " * 100,
    b"x-foo,\tx-bar", b"x-foo x-bar", b"x-foo;x-bar", b"x-foo:1",
    b"x-f\xc3\xb6o", b"x-foo\x00x-bar", b"x-foo\x7f", b"x-foo\x0b",
    b"x-foo\rX-Injected: 1", b"x-foo, X-Injected: 1",
    b"x-foo" + b" " * 5000 + b",x-bar", b"x-foo,\"x-bar\"",
    b"content-type,content-type,content-type", b"AUTHORIZATION",
    b"x-foo" * 1600, acrh_tokens(1000).encode(),
]

#: Access-Control-Request-Method values
HOSTILE_ACRM = [
    b"", b" ", b"PUT ", b" PUT", b"P UT", b"PUT,PATCH", b"PUT\x00",
    b"PUT\rX-Injected: 1", b"P\xc3\x9cT", b"put", b"patch", b"(PUT)",
    b"PUT;", b"\x7f", b"X" * 8000, b"GET\tPOST",
]

#: request lines with odd methods (the Origin is allowed)
ODD_METHODS = [
    b"", b" ", b"get", b"G\x00ET", b"G ET", b"FOO", b"PATCH", b"patch",
    b"CONNECT", b"TRACE", b"PRI", b"OPTIONS", b"options", b"M" * 4000,
    b"GET\x7f", b"\xc3\x9cET", b"DELETE", b"PROPFIND", b"*", b"-",
]


# ---- raw HTTP --------------------------------------------------------------

class Raw:
    """One response as bytes, split and checked for well-formedness."""

    def __init__(self, data, elapsed, pipelined=False):
        self.data = data
        self.elapsed = elapsed
        self.pipelined = pipelined
        self.rest = b""
        head, sep, rest = data.partition(b"\r\n\r\n")
        assert sep, "no end of header block in %r" % data[:300]
        lines = head.split(b"\r\n")
        m = re.match(rb"HTTP/1\.[01] (\d{3})( .*)?$", lines[0])
        assert m, "bad status line %r" % lines[0]
        self.status = int(m.group(1))
        self.headers = []
        for ln in lines[1:]:
            # a bare CR or LF inside the header block means a request byte
            # split a header line
            assert b"\r" not in ln and b"\n" not in ln, \
                "split header line %r" % ln
            name, colon, value = ln.partition(b":")
            assert colon and re.match(rb"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
                                      name), "bad header line %r" % ln
            self.headers.append((name.decode().lower(),
                                 value.strip(b" \t")))
        self.body = self._body(rest)

    def _body(self, rest):
        te = self.get(b"transfer-encoding")
        cl = self.get(b"content-length")
        if self.status in (204, 304):
            assert rest == b"", "bytes after a %d: %r" % (self.status,
                                                         rest[:200])
            return b""
        if te and te[0].lower() == b"chunked":
            body, pos = b"", 0
            while True:
                eol = rest.index(b"\r\n", pos)
                size = int(rest[pos:eol].split(b";")[0], 16)
                pos = eol + 2
                if size == 0:
                    assert rest[pos:] in (b"\r\n", b""), \
                        "bytes after the last chunk: %r" % rest[pos:][:200]
                    return body
                body += rest[pos:pos + size]
                pos += size + 2
        if cl:
            assert len(cl) == 1, "two Content-Length: %r" % cl
            n = int(cl[0])
            if self.pipelined:
                self.rest = rest[n:]
                return rest[:n]
            # a second response after the body would be a split response
            assert len(rest) == n, "%d bytes after headers, Content-Length " \
                "%d: %r" % (len(rest), n, rest[n:n + 200])
        return rest

    def get(self, name):
        name = name.decode().lower() if isinstance(name, bytes) else name
        return [v for (n, v) in self.headers if n == name.lower()]


def send_raw(port, raw, timeout=30, pipelined=False):
    t0 = time.monotonic()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(raw)
        chunks = []
        while True:
            try:
                b = s.recv(65536)
            except ConnectionResetError:
                # httpd may reset after answering a request it refused
                # while the client was still sending; what was read counts
                break
            if not b:
                break
            chunks.append(b)
    finally:
        s.close()
    return Raw(b"".join(chunks), time.monotonic() - t0, pipelined)


def build(method, path, headers):
    out = [method + b" " + path.encode() + b" HTTP/1.1",
           b"Host: 127.0.0.1"]
    for n, v in headers:
        out.append(n + b": " + v)
    out.append(b"Connection: close")
    return b"\r\n".join(out) + b"\r\n\r\n"


# ---- the checks every response gets ----------------------------------------

def check(r, path, sent_origin, hostile, what):
    assert r.status in OK_STATUSES, "%s: status %d" % (what, r.status)
    names = [n for (n, _) in r.headers]
    assert INJECTED.decode() not in names, "%s: injected header" % what
    for (n, v) in r.headers:
        if n.startswith("access-control-") or n in ("vary", "cors-debug"):
            assert all(0x20 <= c < 0x7f for c in v), \
                "%s: control or non-ASCII byte in %s: %r" % (what, n, v)
    acao = r.get("access-control-allow-origin")
    assert len(acao) <= 1, "%s: %d ACAO" % (what, len(acao))
    if acao:
        value = acao[0].decode()
        assert value in ECHOABLE[path], \
            "%s: ACAO %r is not a configured origin" % (what, value)
        if hostile and value != "*":
            raise AssertionError("%s: hostile Origin %r echoed as %r"
                                 % (what, sent_origin[:80], value))
    if sent_origin and len(sent_origin) >= 8:
        for (n, v) in r.headers:
            if hostile and v == sent_origin:
                raise AssertionError("%s: %s echoes the hostile Origin"
                                     % (what, n))


def cases():
    """(name, raw request, path, Origin sent, hostile) for every case."""
    out = []
    for path in PATHS:
        for i, o in enumerate(HOSTILE_ORIGINS + GOOD_ORIGINS):
            hostile = o not in GOOD_ORIGINS
            out.append(("origin %d GET %s" % (i, path),
                        build(b"GET", path, [(b"Origin", o)]), path, o,
                        hostile))
            out.append(("origin %d preflight %s" % (i, path),
                        build(b"OPTIONS", path,
                              [(b"Origin", o),
                               (b"Access-Control-Request-Method", b"PUT")]),
                        path, o, hostile))
        for i, o in enumerate(SPLITTING_ORIGINS):
            out.append(("splitting origin %d %s" % (i, path),
                        build(b"GET", path, [(b"Origin", o)]), path, o,
                        False))
        # several Origin headers: httpd joins them, which is malformed
        out.append(("two Origin headers %s" % path,
                    build(b"GET", path, [(b"Origin", APP.encode()),
                                         (b"Origin", b"https://evil.net")]),
                    path, None, True))
        out.append(("two equal Origin headers %s" % path,
                    build(b"OPTIONS", path,
                          [(b"Origin", APP.encode()),
                           (b"Origin", APP.encode()),
                           (b"Access-Control-Request-Method", b"PUT")]),
                    path, None, True))
        out.append(("origin header name in odd case %s" % path,
                    build(b"GET", path, [(b"oRiGiN", b"https://evil.net")]),
                    path, b"https://evil.net", True))
        for i, h in enumerate(HOSTILE_ACRH):
            out.append(("acrh %d %s" % (i, path),
                        build(b"OPTIONS", path,
                              [(b"Origin", APP.encode()),
                               (b"Access-Control-Request-Method", b"PUT"),
                               (b"Access-Control-Request-Headers", h)]),
                        path, APP.encode(), False))
        for i, m in enumerate(HOSTILE_ACRM):
            out.append(("acrm %d %s" % (i, path),
                        build(b"OPTIONS", path,
                              [(b"Origin", APP.encode()),
                               (b"Access-Control-Request-Method", m)]),
                        path, APP.encode(), False))
    for i, m in enumerate(ODD_METHODS):
        out.append(("method %d" % i,
                    build(m, "/hapi/x.txt", [(b"Origin", APP.encode())]),
                    "/hapi/x.txt", APP.encode(), False))
    return out


def base_conf(env, extra=()):
    conf = CorsConf(env)
    conf.add(list(extra))
    conf.location("/hapi/", ["CORSAllowOrigin %s" % APP,
                             "CORSAllowCredentials On",
                             "CORSAllowMethods PUT PATCH",
                             "CORSAllowHeaders X-Foo Content-Type",
                             "CORSExposeHeaders X-Bar"])
    conf.location("/hstar/", ["CORSAllowOrigin *",
                              "CORSAllowHeaders *"])
    conf.location("/hwild/", [
        "CORSAllowOrigin https://*.example.org",
        r"CORSAllowOriginMatch ^https://pr-[0-9]+\.preview\.example\.net$",
        "CORSAllowMethods *"])
    conf.location("/hdebug/", ["CORSAllowOrigin %s" % APP,
                               "CORSAllowMethods PATCH",
                               "CORSDebugHeader On"])
    for p in PATHS:
        conf.doc(p, "x\n")
    return conf


def run_all(env, todo):
    failures = []
    for (what, raw, path, origin, hostile) in todo:
        try:
            r = send_raw(env.port, raw)
            check(r, path, origin, hostile, what)
        except (AssertionError, OSError, ValueError) as e:
            failures.append("%s: %s" % (what, str(e)[:300]))
    return failures


class TestHostileDefaultLimits:
    """httpd's default limits: what is too big never reaches mod_cors."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        base_conf(cors_env).start()

    # at least 500 hostile requests: one well-formed answer each, nothing
    # hostile echoed, no split header, no crashed worker
    def test_cors_800_01(self, cors_env):
        todo = cases()
        assert len(todo) >= 500, len(todo)
        mark = cors_env.log_size()
        failures = run_all(cors_env, todo)
        assert not failures, "%d of %d failed:\n%s" % (
            len(failures), len(todo), "\n".join(failures[:30]))
        assert cors_env.crash_lines(mark) == []
        print("\nhostile: %d requests, all answered, none echoed"
              % len(todo))

    # a request smuggled behind a CRLF CRLF in Origin is just a second,
    # pipelined request: two responses, each judged on its own Origin
    def test_cors_800_04(self, cors_env):
        raw = (b"GET /hapi/x.txt HTTP/1.1\r\nHost: a\r\nOrigin: "
               + APP.encode() + b"\r\n\r\nGET /hapi/x.txt HTTP/1.1\r\n"
               b"Host: a\r\nOrigin: https://evil.net\r\n"
               b"Connection: close\r\n\r\n")
        r1 = send_raw(cors_env.port, raw, pipelined=True)
        r2 = Raw(r1.rest, 0)
        assert (r1.status, r2.status) == (200, 200)
        assert r1.get("access-control-allow-origin") == [APP.encode()]
        assert r2.get("access-control-allow-origin") == []
        assert r2.rest == b""

    # over LimitRequestFieldSize (8190): httpd's 400, before mod_cors
    def test_cors_800_02(self, cors_env):
        mark = cors_env.log_size()
        for value in (big(8200).encode(), big(65536).encode()):
            r = send_raw(cors_env.port, build(
                b"GET", "/hapi/x.txt", [(b"Origin", value)]))
            assert r.status == 400, r.status
            assert r.get("access-control-allow-origin") == []
        r = send_raw(cors_env.port, build(b"OPTIONS", "/hapi/x.txt", [
            (b"Origin", APP.encode()),
            (b"Access-Control-Request-Method", b"PUT"),
            (b"Access-Control-Request-Headers",
             acrh_tokens(10000).encode())]))
        assert r.status == 400, r.status
        assert cors_env.crash_lines(mark) == []

    # the server still answers normally afterwards
    def test_cors_800_03(self, cors_env):
        r = send_raw(cors_env.port, build(b"GET", "/hapi/x.txt",
                                          [(b"Origin", APP.encode())]))
        assert r.status == 200
        assert r.get("access-control-allow-origin") == [APP.encode()]
        assert r.get("access-control-allow-credentials") == [b"true"]


#: LimitRequestFieldSize for the big-input class: 10,000 tokens of ACRH
#: ("x-h9999," is 8 bytes) and 64 KiB Origins fit
BIG_LIMIT = 140000

#: (name, Origin, ACRH) of the largest inputs, timed
BIG_CASES = [
    ("Origin 1 KiB", BIG_OK, None),
    ("Origin 8 KiB", big(8192), None),
    ("Origin 64 KiB", big(65536), None),
    ("Origin 64 KiB of commas", "https://a" + "," * 65527, None),
    ("ACRH 1,000 tokens", APP, acrh_tokens(1000)),
    ("ACRH 10,000 tokens", APP, acrh_tokens(10000)),
    ("ACRH 64 KiB one token", APP, "x" * 65536),
    ("ACRH 64 KiB of commas", APP, "," * 65536),
    ("ACRH 64 KiB of spaces", APP, "x-a" + " " * 65530 + ",x-b"),
    ("ACRH 10,000 allowed tokens", APP, ",".join(["x-foo"] * 10000)),
]


class TestHostileBigInputs:
    """LimitRequestFieldSize raised: 64 KiB values reach mod_cors."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        base_conf(cors_env, ["LimitRequestFieldSize %d" % BIG_LIMIT,
                             "LimitRequestLine %d" % BIG_LIMIT]).start()

    # the largest values: refused, not echoed, answered; times printed
    def test_cors_800_10(self, cors_env):
        mark = cors_env.log_size()
        rows = []
        for (name, origin, acrh) in BIG_CASES:
            for path in ("/hapi/x.txt", "/hstar/x.txt", "/hwild/x.txt"):
                hdrs = [(b"Origin", origin.encode()),
                        (b"Access-Control-Request-Method", b"PUT")]
                if acrh is not None:
                    hdrs.append((b"Access-Control-Request-Headers",
                                 acrh.encode()))
                best = None
                for _ in range(3):
                    r = send_raw(cors_env.port, build(b"OPTIONS", path,
                                                      hdrs))
                    check(r, path, origin.encode(),
                          origin not in (APP, BIG_OK), name)
                    best = r.elapsed if best is None else min(best,
                                                              r.elapsed)
                # every ACRH here is malformed or over the budget
                if acrh is not None:
                    assert r.status == 403, (name, path, r.status)
                    assert r.get("access-control-allow-headers") == []
                if origin not in (APP, BIG_OK):
                    assert r.status == 403, (name, path, r.status)
                rows.append((name, path, r.status, best))
        # and the same as actual requests
        for (name, origin, _) in BIG_CASES[:4]:
            r = send_raw(cors_env.port, build(b"GET", "/hapi/x.txt",
                                              [(b"Origin",
                                                origin.encode())]))
            assert r.status == 200
            assert r.get("access-control-allow-origin") == []
        assert cors_env.crash_lines(mark) == []
        print("\nlargest hostile inputs (best of 3, seconds, whole request "
              "on a fresh connection):")
        for (name, path, status, t) in rows:
            print("  %-28s %-14s %d  %.4f" % (name, path, status, t))
        small = min(t for (n, p, s, t) in rows if n == "Origin 1 KiB")
        largest = max(t for (_, _, _, t) in rows)
        print("  largest/1KiB time ratio: %.1f (input ratio 64)"
              % (largest / small))

    # httpd's limit is ours to set: the 64 KiB Origin still never echoes
    # in a CORS-Debug header either
    def test_cors_800_11(self, cors_env):
        r = send_raw(cors_env.port, build(b"OPTIONS", "/hdebug/x.txt", [
            (b"Origin", big(65536).encode()),
            (b"Access-Control-Request-Method", b"PATCH")]))
        assert r.status == 403
        for (_, v) in r.headers:
            assert len(v) < 2048, v[:100]
