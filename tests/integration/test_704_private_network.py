"""docs/behaviour.md §4: CORSAllowPrivateNetwork.  An allowed preflight
that asks with Access-Control-Request-Private-Network: true gets
Access-Control-Allow-Private-Network: true and Vary names the request
header; a refused one, a scope without it and an actual request never get
it."""

import pytest

from harness.client import get, preflight
from harness.conf import CorsConf
from harness.util import PREFLIGHT_VARY, assert_refused

APP = "https://app.example.com"
EVIL = "https://evil.example.net"


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
        r = preflight(cors_env, "/pna/x.txt", APP, extra=[self.ACRPN])
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
        r = preflight(cors_env, "/pna/x.txt", APP, extra=extra)
        assert r.status == 204, r
        assert r.count("Access-Control-Allow-Private-Network") == 0
        assert "access-control-request-private-network" in r.vary_tokens()

    # On, refused origin: 403 and no ACAPN
    def test_cors_700_92(self, cors_env):
        r = preflight(cors_env, "/pna/x.txt", EVIL, extra=[self.ACRPN])
        assert r.status == 403
        assert_refused(r, vary=False)

    # Off: no ACAPN even when requested, Vary without the PNA token
    def test_cors_700_93(self, cors_env):
        r = preflight(cors_env, "/nopna/x.txt", APP, extra=[self.ACRPN])
        assert r.status == 204, r
        assert r.count("Access-Control-Allow-Private-Network") == 0
        assert sorted(r.vary_tokens()) == PREFLIGHT_VARY, r.headers

    # an actual request never carries ACAPN
    def test_cors_700_94(self, cors_env):
        r = get(cors_env, "/pna/x.txt", APP, extra=[self.ACRPN])
        assert r.get_all("Access-Control-Allow-Origin") == [APP]
        assert r.count("Access-Control-Allow-Private-Network") == 0
