"""docs/behaviour.md §3: caches.  mod_cache with cache_disk and its quick
handler in the same Apache, and Debian's varnishd (default VCL) in front
of it as a CDN would be: two origins alternating on one URL each get
their own Access-Control-Allow-Origin, a refused origin never gets a
cached one, a request without Origin never poisons the cache; with
mod_deflate, Vary names Accept-Encoding and Origin once each.  Hits are
proven (X-Cache from mod_cache, two ids in X-Varnish), not assumed.
Every MPM."""

import os

import pytest

from harness.client import get_cached, preflight
from harness.conf import CorsConf
from harness.logs import no_line
from harness.neighbours import (Varnish, assert_preflight_allowed,
                                assert_single_headers, load_modules,
                                mpm_env, need)  # noqa: F401
from harness.neighbours import _mpm_crash_check  # noqa: F401
from harness.status import counter_sums
from harness.util import assert_allowed, assert_refused

A = "https://a.example"
B = "https://b.example"
C = "https://c.example"
EVIL = "https://evil.example.net"


def check(r, origin, credentials=False):
    """The answer this origin must get, whether served or cached."""
    assert r.status == 200, r
    assert_single_headers(r)
    if origin in (A, B, C):
        assert_allowed(r, origin, credentials=credentials, expose="X-Id",
                       vary=False)
    else:
        assert_refused(r, vary=False)
    assert r.vary_tokens().count("origin") == 1, r.headers


def mod_cache_hit(r):
    return any(v.startswith("HIT") for v in r.get_all("X-Cache"))


def varnish_hit(r):
    return any(len(v.split()) == 2 for v in r.get_all("X-Varnish"))


def server_conf(env):
    conf = CorsConf(env)
    load_modules(conf, "cache", "cache_disk", "deflate")
    cache_root = env.writable_dir + "/cache"
    conf.add("""
CacheRoot "{root}"
CacheQuickHandler on
CacheHeader on
CacheDirLevels 1
CacheDirLength 1
CacheEnable disk /cached/
CacheEnable disk /cached-gz/
CacheEnable disk /cached-star/
""".format(root=cache_root))
    cors = ["CORSAllowOrigin %s %s %s" % (A, B, C),
            "CORSAllowCredentials On", "CORSExposeHeaders X-Id",
            'Header set Cache-Control "public, max-age=300"']
    for loc in ("/cached/", "/edge/"):
        conf.location(loc, cors)
    for loc in ("/cached-gz/", "/edge-gz/"):
        conf.location(loc, cors + ["SetOutputFilter DEFLATE"])
    for loc in ("/cached-star/", "/edge-star/"):
        conf.location(loc, ["CORSAllowOrigin *",
                            'Header set Cache-Control "public, max-age=300"'])
    text = "".join("line %04d of a compressible text file\n" % i
                   for i in range(200))
    for d in ("cached", "cached-gz", "cached-star", "edge", "edge-gz",
              "edge-star"):
        conf.doc("%s/x.txt" % d, text)
    os.makedirs(cache_root, exist_ok=True)
    os.chmod(cache_root, 0o777)
    return conf


class TestModCache:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, mpm_env):
        server_conf(mpm_env).start()

    # two origins alternating on one URL: each its own ACAO, served from
    # the cache once stored
    def test_cors_660_01(self, mpm_env):
        url = "/cached/x.txt?t=660_01"
        hits = {A: 0, B: 0}
        for _ in range(4):
            for o in (A, B):
                r = get_cached(mpm_env.port, url, o)
                check(r, o, credentials=True)
                hits[o] += mod_cache_hit(r)
        assert hits[A] >= 2 and hits[B] >= 2, hits

    # a refused origin after an allowed one was cached: no ACAO, ever
    @pytest.mark.parametrize("refused", [EVIL, "null",
                                         "https://A.example"])
    def test_cors_660_02(self, mpm_env, refused):
        url = "/cached/x.txt?t=660_02_%d" % len(refused)
        for _ in range(3):
            check(get_cached(mpm_env.port, url, A), A, credentials=True)
            check(get_cached(mpm_env.port, url, refused), refused)
        r = get_cached(mpm_env.port, url, A)
        assert mod_cache_hit(r), r.headers
        check(r, A, credentials=True)

    # a request without Origin first (cached, no ACAO) never poisons the
    # URL for origins, nor they for it
    def test_cors_660_03(self, mpm_env):
        url = "/cached/x.txt?t=660_03"
        seen_hit = False
        for _ in range(3):
            r = get_cached(mpm_env.port, url)
            check(r, None)
            assert r.cors_headers() == [], r.headers
            seen_hit |= mod_cache_hit(r)
            check(get_cached(mpm_env.port, url, B), B, credentials=True)
            check(get_cached(mpm_env.port, url, C), C, credentials=True)
        assert seen_hit

    # preflights are never served from the cache: each origin its own
    def test_cors_660_04(self, mpm_env):
        for o in (A, B, A, B):
            r = preflight(mpm_env, "/cached/x.txt?t=660_04", o, "GET")
            assert_preflight_allowed(r, o, "GET", credentials=True)

    # the * policy: one cached copy for everyone, "*" for every origin
    def test_cors_660_05(self, mpm_env):
        url = "/cached-star/x.txt?t=660_05"
        hits = 0
        for o in (None, A, EVIL, B, None, "null"):
            r = get_cached(mpm_env.port, url, o)
            assert r.status == 200
            assert r.get_all("Access-Control-Allow-Origin") == ["*"], r
            assert "origin" not in r.vary_tokens(), r.headers
            hits += mod_cache_hit(r)
        assert hits >= 4

    # mod_deflate under the cache: Vary names Accept-Encoding and Origin
    # once each, on one line; gzip and identity variants per origin
    def test_cors_660_06(self, mpm_env):
        url = "/cached-gz/x.txt?t=660_06"
        hits = 0
        for _ in range(3):
            for o in (A, B, EVIL):
                for ae in ("gzip", None):
                    extra = [("Accept-Encoding", ae)] if ae else []
                    r = get_cached(mpm_env.port, url, o, extra)
                    check(r, o, credentials=True)
                    assert r.count("Vary") == 1, r.headers
                    assert sorted(r.vary_tokens()) == ["accept-encoding",
                                                       "origin"], r.headers
                    assert r.get_all("Content-Encoding") == (
                        ["gzip"] if ae else []), r.headers
                    hits += mod_cache_hit(r)
        assert hits >= 6


class TestModCacheHitsUntouched:
    """A hit that mod_cache's quick handler serves is outside mod_cors's
    promise (docs/behaviour.md §3): it keeps the headers stored with the
    response and mod_cors logs and counts nothing for it.  The policy here
    is in a <Directory>, which a hit never reaches: deciding it anyway
    would use the server's policy, which refuses the origin the stored
    response allows."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, mpm_env):
        conf = CorsConf(mpm_env)
        load_modules(conf, "cache", "cache_disk", "status")
        cache_root = mpm_env.writable_dir + "/cache-hits"
        conf.add("""
CacheRoot "{root}"
CacheQuickHandler on
CacheHeader on
CacheEnable disk /dir-cached/
CORSAllowOrigin {a}
<Location "/server-status">
    SetHandler server-status
    Require ip 127.0.0.1
</Location>
""".format(root=cache_root, a=A))
        conf.directory("dir-cached", [
            "CORSAllowOrigin *",
            'Header set Cache-Control "public, max-age=300"'])
        conf.doc("dir-cached/x.txt", "a cached line\n" * 50)
        os.makedirs(cache_root, exist_ok=True)
        os.chmod(cache_root, 0o777)
        conf.start()

    # hits keep the stored "*" and leave no refusal in the log and no
    # count: only the miss was decided (and counted) by mod_cors
    def test_cors_660_07(self, mpm_env):
        url = "/dir-cached/x.txt?t=660_07"
        hits = 0
        before = counter_sums(mpm_env)
        for _ in range(4):
            r = get_cached(mpm_env.port, url, EVIL)
            assert r.status == 200, r
            assert r.get_all("Access-Control-Allow-Origin") == ["*"], r
            hits += mod_cache_hit(r)
        assert hits >= 2
        no_line(mpm_env, "CORS0002")
        after = counter_sums(mpm_env)
        assert after["Refused"] == before["Refused"], (before, after)
        assert after["Allowed"] - before["Allowed"] == 4 - hits, \
            (before, after, hits)


@pytest.fixture(scope="module")
def varnish(request, mpm_env):
    need("varnishd", "varnish")
    v = Varnish(mpm_env.port)
    request.addfinalizer(v.stop)
    return v.start()


class TestVarnish:
    """Debian's varnishd with its built-in VCL in front of Apache; Apache
    itself does not cache /edge*/, so every hit is varnish's."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, mpm_env):
        server_conf(mpm_env).start()

    # two origins alternating: their own ACAO each, from varnish's cache
    def test_cors_660_10(self, mpm_env, varnish):
        url = "/edge/x.txt?t=660_10"
        hits = {A: 0, B: 0}
        for _ in range(4):
            for o in (A, B):
                r = get_cached(varnish.port, url, o)
                check(r, o, credentials=True)
                hits[o] += varnish_hit(r)
        assert hits[A] >= 2 and hits[B] >= 2, hits

    # the CDN classic: A's answer cached, B and a refused origin must not
    # get it; the refused origin's cached answer never grants anything
    def test_cors_660_11(self, mpm_env, varnish):
        url = "/edge/x.txt?t=660_11"
        check(get_cached(varnish.port, url, A), A, credentials=True)
        r = get_cached(varnish.port, url, A)
        assert varnish_hit(r), r.headers
        for _ in range(2):
            check(get_cached(varnish.port, url, EVIL), EVIL)
            check(get_cached(varnish.port, url, B), B, credentials=True)
            check(get_cached(varnish.port, url, "null"), "null")
        r = get_cached(varnish.port, url, EVIL)
        assert varnish_hit(r), r.headers
        check(r, EVIL)

    # no Origin first: cached without ACAO, and origins still get theirs
    def test_cors_660_12(self, mpm_env, varnish):
        url = "/edge/x.txt?t=660_12"
        for _ in range(2):
            r = get_cached(varnish.port, url)
            check(r, None)
            assert r.cors_headers() == [], r.headers
        assert varnish_hit(r), r.headers
        check(get_cached(varnish.port, url, A), A, credentials=True)
        check(get_cached(varnish.port, url, C), C, credentials=True)
        r = get_cached(varnish.port, url)
        assert r.cors_headers() == [], r.headers

    # preflights pass through varnish (OPTIONS is not cached by the
    # default VCL) and each origin gets its own
    def test_cors_660_13(self, mpm_env, varnish):
        for o in (A, B, A):
            r = preflight(varnish, "/edge/x.txt?t=660_13", o, "GET")
            assert_preflight_allowed(r, o, "GET", credentials=True)

    # the * policy: one cached object for everyone
    def test_cors_660_14(self, mpm_env, varnish):
        url = "/edge-star/x.txt?t=660_14"
        hits = 0
        for o in (None, A, EVIL, B):
            r = get_cached(varnish.port, url, o)
            assert r.get_all("Access-Control-Allow-Origin") == ["*"], r
            hits += varnish_hit(r)
        assert hits >= 3

    # mod_deflate behind varnish (which asks for gzip itself and gunzips
    # for clients that do not): Accept-Encoding and Origin once each
    def test_cors_660_15(self, mpm_env, varnish):
        url = "/edge-gz/x.txt?t=660_15"
        for _ in range(2):
            for o in (A, B, EVIL):
                for ae in ("gzip", None):
                    extra = [("Accept-Encoding", ae)] if ae else []
                    r = get_cached(varnish.port, url, o, extra)
                    check(r, o, credentials=True)
                    assert r.count("Vary") == 1, r.headers
                    assert sorted(r.vary_tokens()) == ["accept-encoding",
                                                       "origin"], r.headers
        assert varnish_hit(r), r.headers

    # with credentials (Authorization) the default VCL passes to Apache:
    # still the right answer per origin
    def test_cors_660_16(self, mpm_env, varnish):
        url = "/edge/x.txt?t=660_16"
        for o in (A, B, EVIL):
            r = get_cached(varnish.port, url, o,
                    [("Authorization", "Basic YWxpY2U6c2VjcmV0")])
            check(r, o, credentials=True)
            assert not varnish_hit(r), r.headers
