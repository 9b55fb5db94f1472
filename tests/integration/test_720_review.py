"""Regressions from the pre-release review of mod_cors.c: the fast path
must not skip a section that changes the policy (<Proxy> here), errors
raised while httpd maps the URL are decided with the <Location> policy
(not the server default), `OPTIONS *` is never a preflight, and a `-`
removal under an inherited wildcard leaves CORS on."""

import os

import pytest

from harness.client import get, preflight, request
from harness.conf import CorsConf
from harness.neighbours import load_modules
from harness.util import assert_allowed

A = "https://a.example"
B = "https://b.example"
SYM = "https://sym.example"


class TestFastPathAndProxy:
    """No CORS directive in any section but <Proxy>: without the <Proxy>
    check the fast path would answer every preflight with the server's
    policy."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        load_modules(conf, "proxy", "proxy_http")
        conf.add("CORSAllowOrigin %s" % A)
        # nothing listens on port 9: the proxy answers 503 itself
        conf.add("ProxyPass /be/ http://127.0.0.1:9/")
        conf.add('<Proxy "http://127.0.0.1:9/">\n'
                 "    CORSAllowOrigin %s\n</Proxy>" % B)
        conf.start()

    # a <Proxy> section's policy applies to the preflight as to the
    # request
    def test_cors_720_01(self, cors_env):
        r = preflight(cors_env, "/be/x", B, "GET")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == [B]
        r = preflight(cors_env, "/be/x", A, "GET")
        assert r.status == 403, r
        r = get(cors_env, "/be/x", B)
        assert r.status == 503, r
        assert r.get_all("Access-Control-Allow-Origin") == [B]


class TestFastPathOnly:
    """The server's policy alone: the fast path answers preflights."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add("CORSAllowOrigin %s" % A)
        conf.start()

    # OPTIONS * is no preflight, whatever headers it carries
    def test_cors_720_03(self, cors_env):
        r = preflight(cors_env, "*", A, "GET")
        assert r.count("Access-Control-Allow-Methods") == 0, r.headers
        # while a real preflight takes the fast path
        r = preflight(cors_env, "/anything", A, "GET")
        assert r.status == 204, r


class TestReviewRegressions:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add("CORSAllowOrigin %s" % A)
        conf.directory("nosym", ["Options -FollowSymLinks"])
        conf.location("/nosym/", ["CORSAllowOrigin %s" % SYM])
        conf.location("/wild/", ["CORSAllowOrigin https://*.example.com"])
        conf.location("/wild/minus/",
                      ["CORSAllowOrigin -https://old.example.com"])
        conf.doc("nosym/real/s.txt", "s\n")
        conf.doc("wild/minus/x.txt", "x\n")
        conf.start()
        link = os.path.join(cors_env.htdocs, "nosym", "link")
        if not os.path.lexists(link):
            os.symlink(os.path.join(cors_env.htdocs, "nosym", "real"), link)

    # a 403 raised in the directory walk (a symlink under
    # -FollowSymLinks) is decided with the <Location> policy
    def test_cors_720_02(self, cors_env):
        r = get(cors_env, "/nosym/link/s.txt", SYM)
        assert r.status == 403, r
        assert r.get_all("Access-Control-Allow-Origin") == [SYM], r.headers

    # removing one origin under an inherited wildcard keeps the wildcard
    def test_cors_720_04(self, cors_env):
        assert_allowed(get(cors_env, "/wild/minus/x.txt",
                           "https://new.example.com"),
                       "https://new.example.com")
        r = get(cors_env, "/wild/minus/x.txt", "https://old.example.com")
        assert r.count("Access-Control-Allow-Origin") == 0, r.headers
        assert "origin" in r.vary_tokens(), r.headers
