"""HTTP/2 (mod_http2) in cleartext (h2c, prior knowledge) and
over TLS (mod_ssl, a self-signed certificate made here, ALPN h2), both
driven by nghttp: preflights and actual requests carry exactly the CORS
headers HTTP/1.1 gets.  Event and worker; under prefork mod_http2 stays
inactive (its advisory AH10034), which the last test checks."""

import os

import pytest

from harness.client import request
from harness.conf import CorsConf
from harness.neighbours import (free_port, load_modules, make_cert, mpm_env,
                                need, nghttp)  # noqa: F401
from harness.neighbours import _mpm_crash_check  # noqa: F401

A = "https://a.example"
EVIL = "https://evil.example.net"

#: (id, method, path, request headers)
CASES = [
    ("preflight-allowed", "OPTIONS", "/h2/x.txt",
     [("origin", A), ("access-control-request-method", "PUT"),
      ("access-control-request-headers", "Content-Type, X-Trace")]),
    ("preflight-refused-origin", "OPTIONS", "/h2/x.txt",
     [("origin", EVIL), ("access-control-request-method", "PUT")]),
    ("preflight-refused-method", "OPTIONS", "/h2/x.txt",
     [("origin", A), ("access-control-request-method", "DELETE")]),
    ("get-allowed", "GET", "/h2/x.txt", [("origin", A)]),
    ("get-refused", "GET", "/h2/x.txt", [("origin", EVIL)]),
    ("get-no-origin", "GET", "/h2/x.txt", []),
    ("get-404", "GET", "/h2/missing", [("origin", A)]),
    ("cgi-500", "GET", "/h2cgi/fail.cgi", [("origin", A)]),
    ("auth-401", "GET", "/h2auth/x.txt", [("origin", A)]),
    ("auth-preflight", "OPTIONS", "/h2auth/x.txt",
     [("origin", A), ("access-control-request-method", "PUT")]),
    ("star", "GET", "/h2star/x.txt", [("origin", EVIL)]),
]


def cors_view(status, headers):
    """What a browser's CORS check looks at: status, every
    Access-Control-* header with its count, the Vary tokens."""
    acs = sorted((n.lower(), v) for (n, v) in headers
                 if n.lower().startswith("access-control-"))
    vary = []
    for n, v in headers:
        if n.lower() == "vary":
            vary.extend(t.strip().lower() for t in v.split(",") if t.strip())
    return status, acs, sorted(vary)


def h1(env, method, path, hdrs):
    r = request(env.port, method, path, hdrs)
    return cors_view(r.status, r.headers)


@pytest.fixture(scope="module")
def h2_ports(request, mpm_env):
    need("nghttp", "nghttp2-client")
    certs = os.path.join(mpm_env.conf_dir, "tls")
    os.makedirs(certs, exist_ok=True)
    cert, key = make_cert(certs)
    return {"tls": free_port(), "cert": cert, "key": key}


class TestHttp2:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, mpm_env, h2_ports):
        conf = CorsConf(mpm_env)
        load_modules(conf, "http2", "ssl", "socache_shmcb")
        users = conf.htpasswd("h2users", "alice", "secret")
        conf.add("""
Protocols h2c http/1.1
H2Direct on
SSLSessionCache "shmcb:{root}/logs/ssl_scache(512000)"
Listen 127.0.0.1:{tls} https
<VirtualHost 127.0.0.1:{tls}>
    ServerName 127.0.0.1
    Protocols h2 http/1.1
    SSLEngine on
    SSLCertificateFile "{cert}"
    SSLCertificateKeyFile "{key}"
</VirtualHost>
""".format(root=mpm_env.root, **h2_ports))
        cors = ["CORSAllowOrigin %s" % A, "CORSAllowCredentials On",
                "CORSAllowMethods GET PUT",
                "CORSAllowHeaders Content-Type X-Trace",
                "CORSExposeHeaders X-Id", "CORSMaxAge 600"]
        conf.location("/h2/", cors + ['Header always set Vary "Accept"'])
        conf.location("/h2cgi/", cors)
        conf.location("/h2auth/", cors + [
            "AuthType Basic", 'AuthName "h2"',
            'AuthUserFile "%s"' % users, "Require valid-user"])
        conf.location("/h2star/", ["CORSAllowOrigin *"])
        conf.directory("h2cgi", ["Options +ExecCGI",
                                 "SetHandler cgi-script"])
        conf.doc("h2cgi/fail.cgi", "#!/bin/sh\nexit 1\n", mode=0o755)
        for d in ("h2", "h2auth", "h2star"):
            conf.doc("%s/x.txt" % d, "x\n")
        conf.start()

    # h2c: the same status and CORS headers as HTTP/1.1, request by request
    @pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
    def test_cors_670_01(self, mpm_env, case):
        if mpm_env.mpm == "prefork":
            pytest.skip("mod_http2 is inactive under prefork (AH10034)")
        _, method, path, hdrs = case
        expect = h1(mpm_env, method, path, hdrs)
        r = nghttp("http://127.0.0.1:%d%s" % (mpm_env.port, path), method,
                   hdrs)
        assert "recv SETTINGS frame" in r.raw, r.raw[-3000:]
        assert cors_view(r.status, r.headers) == expect, r.raw[-3000:]

    # h2 over TLS (ALPN): the same again
    @pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
    def test_cors_670_02(self, mpm_env, h2_ports, case):
        if mpm_env.mpm == "prefork":
            pytest.skip("mod_http2 is inactive under prefork (AH10034)")
        _, method, path, hdrs = case
        expect = h1(mpm_env, method, path, hdrs)
        r = nghttp("https://127.0.0.1:%d%s" % (h2_ports["tls"], path),
                   method, hdrs)
        assert "The negotiated protocol: h2" in r.raw, r.raw[-3000:]
        assert cors_view(r.status, r.headers) == expect, r.raw[-3000:]

    # the expected values themselves (so that "the same as HTTP/1.1" is
    # not "equally wrong"): an allowed preflight and an allowed GET
    def test_cors_670_03(self, mpm_env):
        status, acs, vary = h1(mpm_env, *CASES[0][1:])
        assert status == 204
        assert acs == sorted([
            ("access-control-allow-origin", A),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-methods", "PUT"),
            ("access-control-allow-headers", "content-type, x-trace"),
            ("access-control-max-age", "600")])
        assert vary == sorted(["origin", "access-control-request-method",
                               "access-control-request-headers"])
        status, acs, vary = h1(mpm_env, *CASES[3][1:])
        assert status == 200
        assert acs == sorted([
            ("access-control-allow-origin", A),
            ("access-control-allow-credentials", "true"),
            ("access-control-expose-headers", "X-Id")])
        assert vary == ["accept", "origin"]

    # under prefork, mod_http2 says it is inactive and HTTP/1.1 over TLS
    # still carries the CORS headers
    def test_cors_670_04(self, mpm_env, h2_ports):
        if mpm_env.mpm != "prefork":
            pytest.skip("prefork only")
        log = mpm_env.read_log()
        assert "AH10034" in log, log[-2000:]
