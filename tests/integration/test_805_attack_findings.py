"""Classes of attack found by an independent attack run against 0.1.0,
each a regression test that failed before its fix (docs/behaviour.md §1,
§3, §4):

- a shared cache poisoned under `CORSAllowOrigin *` with
  `CORSUpstreamHeaders keep` (a backend that echoes Origin in its own
  Access-Control-Allow-Origin) or with `CORSDebugHeader On`: mod_cache in
  front, quick handler on and off, evil's answer never served to others;
- a catch-all `CORSAllowOriginMatch` with credentials: every pattern is
  tried against canary origins nobody lists, an error with credentials
  (also when an .htaccess pattern inherits them, then the scope fails
  closed), a warning without;
- `-origin` removals that did nothing under an inherited regex, wildcard
  or `*`: a removal is an exclusion that wins, `Vary: Origin` under `*`
  with exclusions, and DUMP_CORS shows the policy that applies;
- IPv6 origins normalised into forms no browser sends;
- the per-request cost of a section with thousands of removals."""

import os

import pytest

from harness.client import get, get_cached, preflight
from harness.conf import CorsConf
from harness.dump import section
from harness.neighbours import backend, load_modules  # noqa: F401
from harness.util import assert_allowed, assert_no_cors, assert_refused

APP = "https://app.example.com"
EVIL = "https://evil.example.net"


# ---- IPv6 origins as browsers serialise them -------------------------------

class TestIPv6Normalised:
    """A configured IPv6 origin is stored as the URL Standard serialises
    it (what browsers send), whatever spelling the configuration uses;
    other spellings in a request are refused as malformed."""

    MAPPED = "http://[::ffff:7f00:1]"
    COMPAT = "http://[::1:2]"

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/v6/dotted/", [
            "CORSAllowOrigin http://[::ffff:127.0.0.1] http://[::0.1.0.2]"])
        conf.location("/v6/verbatim/", [
            "CORSAllowOrigin %s %s:8080" % (self.MAPPED, self.COMPAT)])
        conf.start()

    # the browser's spelling matches a dotted configuration
    @pytest.mark.parametrize("origin", [MAPPED, COMPAT])
    def test_cors_805_01(self, cors_env, origin):
        r = get(cors_env, "/v6/dotted/x", origin)
        assert_allowed(r, origin)

    # ...and a configuration written as the browser writes it
    @pytest.mark.parametrize("origin", [MAPPED, COMPAT + ":8080"])
    def test_cors_805_02(self, cors_env, origin):
        r = get(cors_env, "/v6/verbatim/x", origin)
        assert_allowed(r, origin)

    # spellings no browser sends are never echoed
    @pytest.mark.parametrize("origin", [
        "http://[::ffff:127.0.0.1]", "http://[::0.1.0.2]",
        "http://[0:0:0:0:0:ffff:7f00:1]", "http://[::FFFF:7f00:1]",
        "http://[0::1:2]"])
    def test_cors_805_03(self, cors_env, origin):
        for path in ("/v6/dotted/x", "/v6/verbatim/x"):
            assert_refused(get(cors_env, path, origin))

    # DUMP_CORS shows the stored (browser) form
    def test_cors_805_04(self, cors_env):
        rc, out = cors_env.check_config(
            '<Location "/v6/">\n'
            "CORSAllowOrigin http://[::ffff:127.0.0.1]:8080 "
            "https://[2001:DB8:0:0:1:0:0:1]\n</Location>\n", dump=True)
        assert rc == 0, out
        body = section(out.splitlines(), '<Location "/v6/">')
        origins = [ln for ln in body if ln.startswith("origins:")]
        assert len(origins) == 1, out
        assert sorted(origins[0][len("origins: "):].split(", ")) == [
            "http://[::ffff:7f00:1]:8080", "https://[2001:db8::1:0:0:1]"], out


# ---- a shared cache under "*" ---------------------------------------------

def cache_hit(r):
    return any(v.startswith("HIT") for v in r.get_all("X-Cache"))


class TestCachePoisoningUnderStar:
    """mod_cache (disk) in front of a backend that reflects any Origin in
    its own Access-Control-Allow-Origin and sends no Vary, kept by
    `CORSUpstreamHeaders keep` under `CORSAllowOrigin *`; and a static
    file under `*` with `CORSDebugHeader On`.  In both the response
    depends on the Origin, so `Vary: Origin` is merged and the cache keeps
    one variant per Origin: evil's answer is never served to anyone else.
    With mod_cache's quick handler on and off."""

    @pytest.fixture(autouse=True, scope="class", params=["on", "off"])
    def quick(self, request, cors_env, backend):
        conf = CorsConf(cors_env)
        load_modules(conf, "proxy", "proxy_http", "cache", "cache_disk")
        root = os.path.join(cors_env.writable_dir, "cache805-" + request.param)
        os.makedirs(root, exist_ok=True)
        os.chmod(root, 0o777)
        conf.add("""
CacheRoot "{root}"
CacheQuickHandler {quick}
CacheHeader on
CacheDirLevels 1
CacheDirLength 1
CacheEnable disk /keep805/
CacheEnable disk /debug805/
ProxyPass /keep805/ http://127.0.0.1:{port}/
""".format(root=root, quick=request.param, port=backend.port))
        conf.location("/keep805/", ["CORSAllowOrigin *",
                                    "CORSUpstreamHeaders keep"])
        conf.location("/debug805/", [
            "CORSAllowOrigin *", "CORSDebugHeader On",
            'Header set Cache-Control "public, max-age=300"'])
        conf.doc("debug805/x.txt", "debug\n")
        conf.start()
        return request.param

    # the attack: evil first, then the allowed origin and a request without
    # Origin; neither ever gets evil's Access-Control-Allow-Origin, and
    # every answer says Vary: Origin
    def test_cors_805_10(self, cors_env, quick):
        url = "/keep805/x?echo&t=805_10_" + quick
        hits = 0
        for _ in range(3):
            r = get_cached(cors_env, url, EVIL)
            assert r.get_all("Access-Control-Allow-Origin") == [EVIL], r
            assert "origin" in r.vary_tokens(), r.headers
            hits += cache_hit(r)
            r = get_cached(cors_env, url, APP)
            assert r.get_all("Access-Control-Allow-Origin") == [APP], r
            assert "origin" in r.vary_tokens(), r.headers
            hits += cache_hit(r)
            r = get_cached(cors_env, url)
            # the backend reflects nothing: mod_cors's own "*"
            assert r.get_all("Access-Control-Allow-Origin") == ["*"], r
            assert "origin" in r.vary_tokens(), r.headers
            hits += cache_hit(r)
        # proven, not assumed: the variants were served from the cache
        assert hits >= 4, hits

    # the same when the request without Origin comes first
    def test_cors_805_11(self, cors_env, quick):
        url = "/keep805/x?echo&t=805_11_" + quick
        for _ in range(2):
            r = get_cached(cors_env, url)
            assert r.get_all("Access-Control-Allow-Origin") == ["*"], r
            r = get_cached(cors_env, url, EVIL)
            assert r.get_all("Access-Control-Allow-Origin") == [EVIL], r
        r = get_cached(cors_env, url)
        assert cache_hit(r), r.headers
        assert r.get_all("Access-Control-Allow-Origin") == ["*"], r

    # CORS-Debug under "*" names what it saw, so it varies on Origin too:
    # a request without Origin never gets an origin's reason, nor the other
    # way round
    def test_cors_805_12(self, cors_env, quick):
        url = "/debug805/x.txt?t=805_12_" + quick
        hits = 0
        for _ in range(3):
            r = get_cached(cors_env, url, EVIL)
            assert r.get_all("CORS-Debug") == ["allowed"], r.headers
            assert "origin" in r.vary_tokens(), r.headers
            hits += cache_hit(r)
            r = get_cached(cors_env, url)
            assert r.get_all("CORS-Debug") == ["no Origin"], r.headers
            assert "origin" in r.vary_tokens(), r.headers
            hits += cache_hit(r)
        assert hits >= 2, hits
