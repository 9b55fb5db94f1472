"""docs/behaviour.md §2 and §3: classifying actual CORS requests, strict
Origin validation, and the headers of actual responses."""

import pytest

from harness.client import get, request
from harness.conf import CorsConf
from harness.util import (assert_allowed, assert_no_cors, assert_refused,
                          assert_vary_origin, token_set)

APP = "https://app.example.com"
ADMIN = "https://admin.example.com"
EVIL = "https://evil.example.net"


class TestExactOrigins:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", [
            "CORSAllowOrigin %s %s" % (APP, ADMIN),
            "CORSExposeHeaders X-Total-Count X-Request-Id",
        ])
        conf.start()

    # an allowed origin is echoed exactly once, with ACEH and Vary: Origin
    @pytest.mark.parametrize("origin", [APP, ADMIN])
    def test_cors_200_01(self, cors_env, origin):
        r = get(cors_env, "/api/data.json", origin)
        assert r.status == 200
        assert r.body == b'{"data": [1, 2, 3]}\n'
        assert_allowed(r, origin, expose="X-Total-Count, X-Request-Id")

    # allowed POST, PUT, DELETE and HEAD get the same headers
    @pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "HEAD",
                                        "patch"])
    def test_cors_200_02(self, cors_env, method):
        r = get(cors_env, "/api/data.json", APP, method=method,
                body=b"x" if method in ("POST", "PUT") else None)
        assert_allowed(r, APP, expose="X-Total-Count, X-Request-Id")

    # a refused origin: no Access-Control-Allow-*, the normal 200 body,
    # and Vary: Origin (the answer depends on the Origin)
    def test_cors_200_03(self, cors_env):
        r = get(cors_env, "/api/data.json", EVIL)
        assert r.status == 200
        assert r.body == b'{"data": [1, 2, 3]}\n'
        assert_refused(r)
        for (n, v) in r.headers:
            assert "evil" not in v, (n, v)

    # a refused origin gets no Access-Control-* header of any kind
    def test_cors_200_04(self, cors_env):
        r = get(cors_env, "/api/data.json", EVIL)
        assert r.cors_headers() == [], r.headers

    # no Origin: no CORS header, but Vary: Origin
    def test_cors_200_05(self, cors_env):
        r = get(cors_env, "/api/data.json")
        assert r.status == 200
        assert r.cors_headers() == [], r.headers
        assert_vary_origin(r)

    # "null" is refused when not listed
    def test_cors_200_06(self, cors_env):
        r = get(cors_env, "/api/data.json", "null")
        assert r.status == 200
        assert_refused(r)

    # outside the CORS scope nothing is added, not even Vary
    def test_cors_200_07(self, cors_env):
        r = get(cors_env, "/static/file.txt", APP)
        assert r.status == 200
        assert_no_cors(r)

    # an allowed origin on HEAD: headers, no body
    def test_cors_200_08(self, cors_env):
        r = get(cors_env, "/api/data.json", APP, method="HEAD")
        assert r.status == 200
        assert r.body == b""
        assert_allowed(r, APP, expose="X-Total-Count, X-Request-Id")

    # an allowed origin that is a near miss of a listed one is refused
    @pytest.mark.parametrize("origin", [
        "http://app.example.com", "https://app.example.com:8443",
        "https://app.example.co", "https://xapp.example.com",
        "https://app.example.com.evil.net", "https://example.com",
    ])
    def test_cors_200_09(self, cors_env, origin):
        r = get(cors_env, "/api/data.json", origin)
        assert r.status == 200
        assert_refused(r)

    # two Origin header lines, each allowed alone, are refused together
    def test_cors_200_10(self, cors_env):
        r = request(cors_env.port, "GET", "/api/data.json",
                    [("Origin", APP), ("Origin", ADMIN)])
        assert r.status == 200
        assert_refused(r)
        for (n, v) in r.headers:
            assert APP not in v and ADMIN not in v, (n, v)


LONG_HOST = ("a" * 60 + ".") * 34 + "example.com"
MALFORMED = [
    ("upper", "HTTPS://APP.EXAMPLE.COM"),
    ("mixed-case-host", "https://App.example.com"),
    ("upper-scheme", "Https://app.example.com"),
    ("trailing-slash", "https://app.example.com/"),
    ("path", "https://app.example.com/path"),
    ("query", "https://app.example.com?q"),
    ("fragment", "https://app.example.com#f"),
    ("default-port-https", "https://app.example.com:443"),
    ("default-port-http", "http://localhost:80"),
    ("leading-zero-port", "http://localhost:03000"),
    ("port-0", "http://localhost:0"),
    ("port-65536", "http://localhost:65536"),
    ("port-huge", "http://localhost:4294967297"),
    ("port-empty", "http://localhost:"),
    ("port-sign", "http://localhost:+3000"),
    ("two-values", "https://app.example.com, https://b.example.com"),
    ("two-values-space", "https://app.example.com https://b.example.com"),
    ("inner-space", "https://app .example.com"),
    ("inner-tab", "https://\tapp.example.com"),
    ("control-char", "https://app.example.com\x01"),
    ("2kib", "https://" + LONG_HOST),
    ("userinfo", "https://user@app.example.com"),
    ("userinfo-pw", "https://u:p@app.example.com"),
    ("non-ascii", b"https://\xc3\xa9t\xc3\xa9.example.com"),
    ("non-ascii-latin1", b"https://\xe9.example.com"),
    ("null-trailing-garbage", "null x"),
    ("null-upper", "NULL"),
    ("null-twice", "null, null"),
    ("no-scheme", "app.example.com"),
    ("scheme-relative", "//app.example.com"),
    ("no-slashes", "https:app.example.com"),
    ("empty-host", "https://"),
    ("star", "*"),
    ("broken-ipv6", "http://[::1"),
    ("two-ports", "http://localhost:3000:4000"),
    ("backslash", "https:\\\\app.example.com"),
    ("percent", "https://app%2eexample.com"),
    ("wildcard-literal", "https://*.example.com"),
]


class TestMalformedOrigins:
    """Values browsers never send are refused and never echoed, even where
    a loose parser would have matched (wildcards, any port, null)."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", [
            "CORSAllowOrigin %s https://*.example.com http://localhost:*"
            % APP,
            "CORSAllowOrigin null",
        ])
        conf.start()

    # the policy allows the well-formed neighbours of the malformed values
    @pytest.mark.parametrize("origin", [
        APP, "https://b.example.com", "http://localhost:3000",
        "http://localhost", "null"])
    def test_cors_200_20(self, cors_env, origin):
        r = get(cors_env, "/api/data.json", origin)
        assert_allowed(r, origin)

    # each malformed value: no ACAO, and the value appears in no header
    @pytest.mark.parametrize("cid,origin", MALFORMED,
                             ids=[c[0] for c in MALFORMED])
    def test_cors_200_21(self, cors_env, cid, origin):
        r = get(cors_env, "/api/data.json", origin)
        # httpd itself refuses control characters with 400, outside the
        # promise (docs/behaviour.md §3); everything else is served as usual
        if cid == "control-char":
            assert r.status in (200, 400)
        else:
            assert r.status == 200
            assert r.body == b'{"data": [1, 2, 3]}\n'
        allow = [(n, v) for (n, v) in r.headers
                 if n.lower().startswith("access-control-allow-")]
        assert allow == [], r.headers
        text = origin.decode("latin-1") if isinstance(origin, bytes) \
            else origin
        if len(text) > 2:
            for (n, v) in r.headers:
                assert text not in v, (n, v)


class TestNullListed:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", ["CORSAllowOrigin null %s" % APP])
        type(self).mark = cors_env.log_size()
        conf.start()
        type(self).startup = (cors_env.last_start_output
                              + cors_env.read_log(self.mark))

    # "null" is echoed when listed
    def test_cors_200_25(self, cors_env):
        r = get(cors_env, "/api/data.json", "null")
        assert_allowed(r, "null")

    # startup warned that any sandboxed page can send null
    def test_cors_200_26(self, cors_env):
        log = self.startup
        assert any("null" in ln and "warn" in ln
                   for ln in log.splitlines()), log[-3000:]


class TestExposeStar:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", ["CORSAllowOrigin %s" % APP,
                                "CORSExposeHeaders *"])
        conf.start()

    # CORSExposeHeaders * without credentials is sent as *
    def test_cors_200_27(self, cors_env):
        r = get(cors_env, "/api/data.json", APP)
        assert_allowed(r, APP, expose="*")


class TestCredentials:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", ["CORSAllowOrigin %s" % APP,
                                "CORSAllowCredentials On"])
        conf.location("/static/", ["CORSAllowOrigin %s" % APP,
                                   "CORSAllowCredentials Off"])
        conf.start()

    # credentials on: ACAC true exactly once, next to the echoed origin
    def test_cors_200_30(self, cors_env):
        r = get(cors_env, "/api/data.json", APP)
        assert r.status == 200
        assert_allowed(r, APP, credentials=True)

    # refused origin: no ACAC either
    def test_cors_200_31(self, cors_env):
        r = get(cors_env, "/api/data.json", EVIL)
        assert_refused(r)
        assert r.count("Access-Control-Allow-Credentials") == 0

    # credentials Off: no ACAC
    def test_cors_200_32(self, cors_env):
        r = get(cors_env, "/static/file.txt", APP)
        assert_allowed(r, APP, credentials=False)


class TestVaryMerge:
    """Vary: Origin is merged into a Vary set by others, never twice."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", ["CORSAllowOrigin %s" % APP,
                                'Header set Vary "Accept-Encoding"'])
        conf.location("/static/", ["CORSAllowOrigin %s" % APP,
                                   'Header set Vary "origin, Accept"'])
        conf.location("/cgi/", ["CORSAllowOrigin %s" % APP])
        conf.add("LoadModule deflate_module %s/mod_deflate.so"
                 % cors_env.modules_dir)
        conf.location("/gz/", ["CORSAllowOrigin %s" % APP,
                               "SetOutputFilter DEFLATE"])
        conf.doc("gz/big.txt", "compress me " * 200)
        conf.start()

    # mod_deflate's Vary: Accept-Encoding and Origin on one line
    @pytest.mark.parametrize("origin", [APP, EVIL, None])
    def test_cors_200_43(self, cors_env, origin):
        r = get(cors_env, "/gz/big.txt", origin,
                extra=[("Accept-Encoding", "gzip")])
        assert r.status == 200
        assert r.header("Content-Encoding") == "gzip", r.headers
        assert r.count("Vary") == 1, r.headers
        assert sorted(r.vary_tokens()) == ["accept-encoding", "origin"], \
            r.headers
        if origin == APP:
            assert_allowed(r, APP)

    # existing Vary: Accept-Encoding + Origin on one line, for an allowed
    # origin, a refused one and no Origin at all
    @pytest.mark.parametrize("origin", [APP, EVIL, None])
    def test_cors_200_40(self, cors_env, origin):
        r = get(cors_env, "/api/data.json", origin)
        assert r.status == 200
        assert r.count("Vary") == 1, r.headers
        assert sorted(r.vary_tokens()) == ["accept-encoding", "origin"], \
            r.headers

    # an existing Vary that already names origin (any case) is not doubled
    @pytest.mark.parametrize("origin", [APP, EVIL, None])
    def test_cors_200_41(self, cors_env, origin):
        r = get(cors_env, "/static/file.txt", origin)
        assert r.count("Vary") == 1, r.headers
        assert sorted(r.vary_tokens()) == ["accept", "origin"], r.headers

    # a CGI's own Vary is merged with Origin
    @pytest.mark.parametrize("origin", [APP, EVIL, None])
    def test_cors_200_42(self, cors_env, origin):
        r = get(cors_env, "/cgi/acao.cgi", origin)
        assert r.count("Vary") == 1, r.headers
        assert sorted(r.vary_tokens()) == ["accept-encoding", "origin"], \
            r.headers


class TestStarPolicy:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", ["CORSAllowOrigin *",
                                "CORSExposeHeaders X-Total-Count"])
        conf.start()

    # "*" answers * for any Origin, with and without one, without Vary
    @pytest.mark.parametrize("origin", [APP, EVIL, "null", None,
                                        "HTTPS://MALFORMED.example/",
                                        "https://a.example, https://b"])
    def test_cors_200_50(self, cors_env, origin):
        r = get(cors_env, "/api/data.json", origin)
        assert r.status == 200
        assert r.get_all("Access-Control-Allow-Origin") == ["*"], r.headers
        assert r.count("Access-Control-Allow-Credentials") == 0
        assert r.count("Access-Control-Expose-Headers") == 1, r.headers
        assert token_set(r.header("Access-Control-Expose-Headers")) == \
            ["x-total-count"], r.headers
        assert "origin" not in r.vary_tokens(), r.headers

    # "*" echoes nothing: the request's Origin appears in no header
    def test_cors_200_51(self, cors_env):
        r = get(cors_env, "/api/data.json", "https://echo-me.example")
        for (n, v) in r.headers:
            assert "echo-me" not in v, (n, v)

    # requests under "*" count as allowed (the CORS variable)
    @pytest.mark.parametrize("tag,origin", [("valid", APP),
                                            ("malformed", APP + "/")])
    def test_cors_200_53(self, cors_env, tag, origin):
        marker = "cors_200_53_" + tag
        get(cors_env, "/api/data.json?" + marker, origin)
        line = cors_env.access_log_line(marker)
        assert line is not None
        assert line.endswith("cors=allowed"), line

    # HEAD under "*"
    def test_cors_200_52(self, cors_env):
        r = get(cors_env, "/api/data.json", APP, method="HEAD")
        assert r.status == 200
        assert r.get_all("Access-Control-Allow-Origin") == ["*"]


WILDCARD_TABLE = [
    ("https://a.example.com", True),
    ("https://a.b.example.com", True),
    ("https://x-1.y-2.z.example.com", True),
    ("https://example.com", False),
    ("https://evilexample.com", False),
    ("https://a.evilexample.com", False),
    ("http://a.example.com", False),
    ("https://a.example.com:8443", False),
    ("https://a.example.com.evil.net", False),
    ("https://aexample.com", False),
    ("wss://a.example.com", False),
    ("http://localhost", True),
    ("http://localhost:3000", True),
    ("http://localhost:1", True),
    ("http://localhost:65535", True),
    ("https://localhost:3000", False),
    ("http://localhost.evil.net:3000", False),
    ("http://a.localhost:3000", False),
    ("http://127.0.0.1:3000", False),
    ("https://api.dev.test:8443", True),
    ("https://api.dev.test", False),
    ("https://api.dev.test:8444", False),
]


class TestWildcards:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", [
            "CORSAllowOrigin https://*.example.com http://localhost:*",
            "CORSAllowOrigin https://*.dev.test:8443",
        ])
        conf.start()

    # wildcard host and port patterns: which origins match
    @pytest.mark.parametrize("origin,allowed", WILDCARD_TABLE,
                             ids=[o for (o, _) in WILDCARD_TABLE])
    def test_cors_200_60(self, cors_env, origin, allowed):
        r = get(cors_env, "/api/data.json", origin)
        assert r.status == 200
        if allowed:
            assert_allowed(r, origin)
        else:
            assert_refused(r)


class TestWildcardAnyPort:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", ["CORSAllowOrigin https://*.example.org:*"])
        conf.start()

    # a host wildcard with a port wildcard: any subdomain, any port
    @pytest.mark.parametrize("origin,allowed", [
        ("https://a.example.org", True), ("https://a.example.org:8443", True),
        ("https://a.b.example.org:1", True), ("https://example.org", False),
        ("https://example.org:8443", False), ("http://a.example.org", False),
        ("https://a.example.org.evil:8443", False)])
    def test_cors_200_62(self, cors_env, origin, allowed):
        r = get(cors_env, "/api/data.json", origin)
        if allowed:
            assert_allowed(r, origin)
        else:
            assert_refused(r)


class TestLocalhostWildcard:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", ["CORSAllowOrigin http://*.localhost"])
        conf.start()

    # *.localhost is allowed (development hosts) and matches subdomains
    @pytest.mark.parametrize("origin,allowed", [
        ("http://app.localhost", True), ("http://a.b.localhost", True),
        ("http://localhost", False), ("https://app.localhost", False),
        ("http://app.localhost:3000", False)])
    def test_cors_200_61(self, cors_env, origin, allowed):
        r = get(cors_env, "/api/data.json", origin)
        if allowed:
            assert_allowed(r, origin)
        else:
            assert_refused(r)


MATCH_TABLE = [
    ("https://pr-1.preview.example.com", True),
    ("https://pr-12345.preview.example.com", True),
    ("https://app.example.com", True),
    ("https://pr-x.preview.example.com", False),
    ("https://pr-1.preview.example.com.evil.net", False),
    ("http://pr-1.preview.example.com", False),
    ("https://pr-1.previewxexample.com", False),
    ("https://xpr-1.preview.example.com", False),
    ("https://pr-1.preview.example.com:8443", False),
]


class TestOriginMatch:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", [
            "CORSAllowOrigin %s" % APP,
            r"CORSAllowOriginMatch ^https://pr-[0-9]+\.preview\.example\.com$",
        ])
        conf.location("/regex-only/", [
            r"CORSAllowOriginMatch ^https://(a|b)\.example\.org$",
        ])
        conf.doc("regex-only/x.txt", "x\n")
        conf.start()

    # CORSAllowOriginMatch next to an exact origin
    @pytest.mark.parametrize("origin,allowed", MATCH_TABLE,
                             ids=[o for (o, _) in MATCH_TABLE])
    def test_cors_200_70(self, cors_env, origin, allowed):
        r = get(cors_env, "/api/data.json", origin)
        if allowed:
            assert_allowed(r, origin)
        else:
            assert_refused(r)

    # a regex alone turns CORS on
    @pytest.mark.parametrize("origin,allowed", [
        ("https://a.example.org", True), ("https://b.example.org", True),
        ("https://c.example.org", False), (APP, False)])
    def test_cors_200_71(self, cors_env, origin, allowed):
        r = get(cors_env, "/regex-only/x.txt", origin)
        if allowed:
            assert_allowed(r, origin)
        else:
            assert_refused(r)

    # malformed origins are refused before the regex sees them
    def test_cors_200_72(self, cors_env):
        r = get(cors_env, "/regex-only/x.txt", "https://a.example.org/")
        assert_refused(r)


def many(n, prefix):
    return ["https://o%05d.%s.example" % (i, prefix) for i in range(n)]


class TestTenThousandOrigins:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", ["CORSAllowOrigin " + " ".join(
            many(10000, "one"))])
        conf.location("/static/", ["CORSAllowOrigin " + o
                                   for o in many(10000, "many")])
        conf.start()

    # 10,000 origins on one line: first, middle, last allowed
    @pytest.mark.parametrize("idx", [0, 5000, 9999])
    def test_cors_200_80(self, cors_env, idx):
        o = many(10000, "one")[idx]
        assert_allowed(get(cors_env, "/api/data.json", o), o)

    # 10,000 origins on 10,000 lines add up
    @pytest.mark.parametrize("idx", [0, 5000, 9999])
    def test_cors_200_81(self, cors_env, idx):
        o = many(10000, "many")[idx]
        assert_allowed(get(cors_env, "/static/file.txt", o), o)

    # one not in the lists is refused
    @pytest.mark.parametrize("path,o", [
        ("/api/data.json", "https://o10000.one.example"),
        ("/static/file.txt", "https://o10000.many.example"),
        ("/api/data.json", "https://o00001.many.example")])
    def test_cors_200_82(self, cors_env, path, o):
        assert_refused(get(cors_env, path, o))


class TestUpstreamHeaders:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        stale = 'Header %s Access-Control-Allow-Origin "https://stale.example"'
        conf.location("/replace/set/", [
            "CORSAllowOrigin %s" % APP, stale % "set"])
        conf.location("/replace/always/", [
            "CORSAllowOrigin %s" % APP, stale % "always set"])
        conf.location("/replace/both/", [
            "CORSAllowOrigin %s" % APP, stale % "set", stale % "always set",
            'Header always set Access-Control-Expose-Headers "X-Stale"'])
        conf.location("/keep/set/", [
            "CORSAllowOrigin %s" % APP, "CORSUpstreamHeaders keep",
            stale % "set"])
        conf.location("/keep/always/", [
            "CORSAllowOrigin %s" % APP, "CORSUpstreamHeaders keep",
            stale % "always set"])
        conf.location("/keep/none/", [
            "CORSAllowOrigin %s" % APP, "CORSUpstreamHeaders keep"])
        conf.location("/cgi/acao.cgi", ["CORSAllowOrigin %s" % APP])
        conf.location("/cgi/status.cgi", [
            "CORSAllowOrigin %s" % APP, "CORSUpstreamHeaders keep",
            'Header always set Access-Control-Allow-Origin '
            '"https://stale.example"',
            'Header always set Access-Control-Allow-Credentials "true"'])
        conf.location("/cgi/ok.cgi", [
            "CORSAllowOrigin %s" % APP,
            'Header always set Access-Control-Allow-Origin '
            '"https://stale.example"',
            'Header always set Access-Control-Max-Age "5"'])
        for d in ("replace/set", "replace/always", "replace/both",
                  "keep/set", "keep/always", "keep/none"):
            conf.doc(d + "/f.txt", "upstream\n")
        conf.start()

    # replace: one ACAO, the request's origin, whatever mod_headers set
    @pytest.mark.parametrize("where", ["set", "always", "both"])
    def test_cors_200_90(self, cors_env, where):
        r = get(cors_env, "/replace/%s/f.txt" % where, APP)
        assert r.status == 200
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers
        assert r.count("Access-Control-Expose-Headers") == 0, r.headers
        assert_vary_origin(r)

    # replace: a refused origin loses the generator's ACAO too
    @pytest.mark.parametrize("where", ["set", "always", "both"])
    def test_cors_200_91(self, cors_env, where):
        r = get(cors_env, "/replace/%s/f.txt" % where, EVIL)
        assert r.count("Access-Control-Allow-Origin") == 0, r.headers
        assert_refused(r)

    # replace: a CGI's own ACAO and ACAC are replaced
    def test_cors_200_92(self, cors_env):
        r = get(cors_env, "/cgi/acao.cgi", APP)
        assert r.status == 200
        assert_allowed(r, APP)

    # keep: the generator's ACAO stays, alone, and Vary: Origin is merged
    @pytest.mark.parametrize("where", ["set", "always"])
    def test_cors_200_93(self, cors_env, where):
        r = get(cors_env, "/keep/%s/f.txt" % where, APP)
        assert r.status == 200
        assert r.get_all("Access-Control-Allow-Origin") == \
            ["https://stale.example"], r.headers
        assert_vary_origin(r)

    # keep: every generator CORS header stays untouched, Vary merged
    def test_cors_200_95(self, cors_env):
        r = get(cors_env, "/cgi/status.cgi?200", APP)
        assert r.status == 200
        assert r.get_all("Access-Control-Allow-Origin") == \
            ["https://stale.example"], r.headers
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"]
        assert_vary_origin(r)

    # replace: a CGI answer plus Header always set: one ACAO, ours, and
    # no stale Access-Control-* left over
    def test_cors_200_96(self, cors_env):
        r = get(cors_env, "/cgi/ok.cgi", APP)
        assert r.status == 200
        assert_allowed(r, APP)
        r = get(cors_env, "/cgi/ok.cgi", EVIL)
        assert r.cors_headers() == [], r.headers

    # keep: without a generator ACAO mod_cors answers as usual
    def test_cors_200_94(self, cors_env):
        r = get(cors_env, "/keep/none/f.txt", APP)
        assert_allowed(r, APP)


class TestLiveContexts:
    """A policy set in each kind of section applies to requests in it."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add("CORSAllowOrigin https://server.example")
        conf.directory("ctx/dir", ["CORSAllowOrigin https://dir.example"])
        conf.location("/ctx/loc/", ["CORSAllowOrigin https://loc.example"])
        conf.files("files.json", ["CORSAllowOrigin https://files.example"])
        conf.add('<If "%{QUERY_STRING} == \'if\'">\n'
                 'CORSAllowOrigin https://if.example\n</If>')
        for d in ("ctx/dir", "ctx/loc", "ctx/other"):
            conf.doc(d + "/x.txt", "x\n")
        conf.doc("ctx/other/files.json", "{}\n")
        conf.start()

    # each section's policy applies inside it (and only its own)
    @pytest.mark.parametrize("path,origin,other", [
        ("/ctx/other/x.txt", "https://server.example", "https://dir.example"),
        ("/ctx/dir/x.txt", "https://dir.example", "https://server.example"),
        ("/ctx/loc/x.txt", "https://loc.example", "https://server.example"),
        ("/ctx/other/files.json", "https://files.example",
         "https://server.example"),
        ("/ctx/other/x.txt?if", "https://if.example",
         "https://server.example"),
    ])
    def test_cors_200_85(self, cors_env, path, origin, other):
        r = get(cors_env, path, origin)
        assert r.status == 200
        assert_allowed(r, origin)
        assert_refused(get(cors_env, path, other))


class TestVirtualHost:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.vhost("default.test", [])
        conf.vhost("cors.test", ["CORSAllowOrigin %s" % APP])
        conf.start()

    # the policy of a <VirtualHost> applies to its requests only
    def test_cors_200_86(self, cors_env):
        r = get(cors_env, "/alive.json", APP, host="cors.test")
        assert r.status == 200
        assert_allowed(r, APP)
        r = get(cors_env, "/alive.json", APP,
                host="default.test")
        assert r.status == 200
        assert_no_cors(r)


class TestCorsVariable:
    """The CORS variable: logged with %{CORS}e, usable in SetEnvIf."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", [
            "CORSAllowOrigin %s" % APP,
            "CORSAllowMethods GET PUT",
            "SetEnvIf CORS ^denied$ cors_denied",
            "SetEnvIf CORS ^allowed$ cors_allowed",
            "Header always set X-Denied 1 env=cors_denied",
            "Header always set X-Allowed 1 env=cors_allowed",
        ])
        conf.start()

    # each kind of request logs its value of CORS
    @pytest.mark.parametrize("tag,method,headers,value", [
        ("pfa", "OPTIONS", [("Origin", APP),
                            ("Access-Control-Request-Method", "PUT")],
         "preflight-allowed"),
        ("pfd", "OPTIONS", [("Origin", EVIL),
                            ("Access-Control-Request-Method", "PUT")],
         "preflight-denied"),
        ("pfm", "OPTIONS", [("Origin", APP),
                            ("Access-Control-Request-Method", "DELETE")],
         "preflight-denied"),
        ("act", "GET", [("Origin", APP)], "allowed"),
        ("den", "GET", [("Origin", EVIL)], "denied"),
        ("mal", "GET", [("Origin", APP + "/")], "denied"),
        ("non", "GET", [], "no-origin"),
    ])
    def test_cors_200_97(self, cors_env, tag, method, headers, value):
        marker = "cors_200_97_" + tag
        request(cors_env.port, method, "/api/data.json?" + marker, headers)
        line = cors_env.access_log_line(marker)
        assert line is not None
        assert line.endswith("cors=" + value), line

    # SetEnvIf in the same scope sees CORS=denied / allowed
    def test_cors_200_98(self, cors_env):
        r = get(cors_env, "/api/data.json", EVIL)
        assert r.get_all("X-Denied") == ["1"], r.headers
        assert r.count("X-Allowed") == 0, r.headers
        r = get(cors_env, "/api/data.json", APP)
        assert r.get_all("X-Allowed") == ["1"], r.headers
        assert r.count("X-Denied") == 0, r.headers
