"""docs/behaviour.md §8: CORSTimingAllowOrigin adds Timing-Allow-Origin,
with Access-Control-Allow-Origin's value, to allowed actual responses;
upstream Timing-Allow-Origin follows CORSUpstreamHeaders; Vary stays
right (a cache never hands one origin's value to another)."""

import pytest

from harness.client import get, preflight
from harness.conf import CorsConf
from harness.util import assert_vary_origin

APP = "https://app.example.com"
EVIL = "https://evil.example.net"
STALE = "https://stale.example"


class TestTimingAllowOrigin:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        on = ["CORSAllowOrigin %s" % APP, "CORSTimingAllowOrigin On"]
        conf.location("/on/", on + ["CORSExposeHeaders X-Id"])
        conf.location("/on/child-off/", ["CORSTimingAllowOrigin Off"])
        conf.location("/off/", ["CORSAllowOrigin %s" % APP])
        conf.location("/any/", ["CORSAllowOrigin *",
                                "CORSTimingAllowOrigin On"])
        conf.location("/cred/", on + ["CORSAllowCredentials On"])
        stale = 'Header always set Timing-Allow-Origin "%s"' % STALE
        stale_acao = ('Header always set Access-Control-Allow-Origin "%s"'
                      % STALE)
        conf.location("/up/replace/", on + [stale])
        conf.location("/up/keep/", on + ["CORSUpstreamHeaders keep", stale,
                                         stale_acao])
        conf.location("/up/keep-no-acao/", on + ["CORSUpstreamHeaders keep",
                                                 stale])
        conf.location("/up/off/", ["CORSAllowOrigin %s" % APP, stale])
        for d in ("on", "on/child-off", "off", "any", "cred", "up/replace",
                  "up/keep", "up/keep-no-acao", "up/off"):
            conf.doc(d + "/f.txt", "timing\n")
        conf.start()

    # an allowed actual response: TAO equals ACAO, once, and Vary: Origin
    @pytest.mark.parametrize("method", ["GET", "HEAD", "POST"])
    def test_cors_230_01(self, cors_env, method):
        r = get(cors_env, "/on/f.txt", APP, method=method)
        assert r.status == 200
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers
        assert r.get_all("Timing-Allow-Origin") == [APP], r.headers
        assert_vary_origin(r)

    # error responses in scope are responses too: a 404 gets it as well
    def test_cors_230_02(self, cors_env):
        r = get(cors_env, "/on/missing.txt", APP)
        assert r.status == 404
        assert r.get_all("Timing-Allow-Origin") == [APP], r.headers

    # a refused origin, a malformed one and no Origin get no TAO
    @pytest.mark.parametrize("origin", [EVIL, "null", "HTTPS://APP.EXAMPLE.COM",
                                        None])
    def test_cors_230_03(self, cors_env, origin):
        r = get(cors_env, "/on/f.txt", origin)
        assert r.status == 200
        assert r.count("Timing-Allow-Origin") == 0, r.headers
        assert r.count("Access-Control-Allow-Origin") == 0, r.headers
        assert_vary_origin(r)

    # a preflight is not a resource fetch: no TAO on its answer
    def test_cors_230_04(self, cors_env):
        r = preflight(cors_env, "/on/f.txt", APP, "GET")
        assert r.status == 204
        assert r.count("Timing-Allow-Origin") == 0, r.headers

    # Off (the default) and Off in a child section: none
    @pytest.mark.parametrize("path", ["/off/f.txt", "/on/child-off/f.txt"])
    def test_cors_230_05(self, cors_env, path):
        r = get(cors_env, path, APP)
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers
        assert r.count("Timing-Allow-Origin") == 0, r.headers

    # "*": TAO "*", with an Origin or without, and no Vary needed
    @pytest.mark.parametrize("origin", [APP, EVIL, None])
    def test_cors_230_06(self, cors_env, origin):
        r = get(cors_env, "/any/f.txt", origin)
        assert r.get_all("Access-Control-Allow-Origin") == ["*"], r.headers
        assert r.get_all("Timing-Allow-Origin") == ["*"], r.headers

    # credentials: the origin, never "*"
    def test_cors_230_07(self, cors_env):
        r = get(cors_env, "/cred/f.txt", APP)
        assert r.get_all("Timing-Allow-Origin") == [APP], r.headers
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"]

    # replace: the generator's TAO gives way to ours, and a refused origin
    # loses it
    def test_cors_230_08(self, cors_env):
        r = get(cors_env, "/up/replace/f.txt", APP)
        assert r.get_all("Timing-Allow-Origin") == [APP], r.headers
        r = get(cors_env, "/up/replace/f.txt", EVIL)
        assert r.count("Timing-Allow-Origin") == 0, r.headers
        r = get(cors_env, "/up/replace/f.txt")
        assert r.count("Timing-Allow-Origin") == 0, r.headers

    # keep, with the generator's ACAO: its TAO stays untouched, Vary merged
    def test_cors_230_09(self, cors_env):
        r = get(cors_env, "/up/keep/f.txt", APP)
        assert r.get_all("Access-Control-Allow-Origin") == [STALE], r.headers
        assert r.get_all("Timing-Allow-Origin") == [STALE], r.headers
        assert_vary_origin(r)

    # keep, without a generator ACAO: mod_cors answers, TAO included
    def test_cors_230_10(self, cors_env):
        r = get(cors_env, "/up/keep-no-acao/f.txt", APP)
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers
        assert r.get_all("Timing-Allow-Origin") == [APP], r.headers

    # CORSTimingAllowOrigin Off: a TAO set by hand is none of mod_cors's
    # business and stays
    def test_cors_230_11(self, cors_env):
        r = get(cors_env, "/up/off/f.txt", EVIL)
        assert r.get_all("Timing-Allow-Origin") == [STALE], r.headers


# DUMP_CORS shows the setting, merged
def test_cors_230_20(cors_env):
    rc, out = cors_env.check_config(
        '<Location "/a/">\nCORSAllowOrigin %s\n'
        'CORSTimingAllowOrigin On\n</Location>\n' % APP, dump=True)
    assert rc == 0, out
    assert "timing-allow-origin: on" in out, out


# a bad value fails the configuration test with the directive and value
def test_cors_230_21(cors_env):
    rc, out = cors_env.check_config("CORSTimingAllowOrigin maybe\n",
                                    dump=True)
    assert rc != 0
    assert "CORSTimingAllowOrigin" in out and "maybe" in out, out
