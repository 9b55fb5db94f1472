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
import time

import pytest

from harness.client import get, get_cached, preflight
from harness.conf import CorsConf
from harness.dump import section
from harness.logs import cors_warnings, tagged_lines, warning_family
from harness.neighbours import backend, load_modules  # noqa: F401
from harness.util import assert_allowed, assert_no_cors, assert_refused

PR13 = "https://pr-13.preview.example.com"
PR14 = "https://pr-14.preview.example.com"
PR_RE = r"^https://pr-[0-9]+\.preview\.example\.com$"

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
        conf.add("CacheEnable disk /starminus805/")
        conf.location("/starminus805/", [
            "CORSAllowOrigin * -%s" % EVIL,
            'Header set Cache-Control "public, max-age=300"'])
        conf.doc("starminus805/x.txt", "star minus\n")
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

    # "*" with an exclusion: the "*" answer stored for one origin is never
    # served to the excluded one
    def test_cors_805_13(self, cors_env, quick):
        url = "/starminus805/x.txt?t=805_13_" + quick
        hits = 0
        for _ in range(3):
            for o in (APP, None):
                r = get_cached(cors_env, url, o)
                assert r.get_all("Access-Control-Allow-Origin") == ["*"], r
                assert "origin" in r.vary_tokens(), r.headers
                hits += cache_hit(r)
            r = get_cached(cors_env, url, EVIL)
            assert_refused(r)
            hits += cache_hit(r)
        assert hits >= 4, hits


# ---- removals are exclusions --------------------------------------------

def assert_star(r, vary):
    assert r.get_all("Access-Control-Allow-Origin") == ["*"], r.headers
    assert r.count("Access-Control-Allow-Credentials") == 0, r.headers
    assert ("origin" in r.vary_tokens()) == vary, r.headers


def assert_preflight_status(r, status):
    assert r.status == status, r
    if status == 403:
        assert [n for (n, _) in r.headers
                if n.lower().startswith("access-control-allow-")] == [], r


class TestRemovalsExclude:
    """A `-origin` removal is an exclusion that wins over an inherited
    `CORSAllowOriginMatch`, wildcard or `*`, and over a `*` or wildcard of
    its own section; under `*` with exclusions every answer varies on
    Origin.  Sections nest by URL (<Location> prefixes) and through
    .htaccess."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/ex/star/", ["CORSAllowOrigin *"])
        conf.location("/ex/star/minus/",
                      ["CORSAllowOrigin -%s -null" % EVIL])
        conf.location("/ex/star1/", ["CORSAllowOrigin * -%s" % EVIL])
        conf.location("/ex/re/", ['CORSAllowOriginMatch "%s"' % PR_RE,
                                  "CORSAllowCredentials On"])
        conf.location("/ex/re/minus/", ["CORSAllowOrigin -%s" % PR13])
        conf.location("/ex/wild/", ["CORSAllowOrigin https://*.example.com",
                                    "CORSAllowCredentials On"])
        conf.location("/ex/wild/minus/",
                      ["CORSAllowOrigin -https://old.example.com"])
        conf.location("/ex/wild/minus/again/",
                      ["CORSAllowOrigin +https://old.example.com"])
        conf.directory("exht", ["AllowOverride FileInfo",
                                "CORSAllowOrigin *"])
        conf.htaccess("exht/sub", "CORSAllowOrigin -%s\n" % EVIL)
        conf.doc("exht/sub/x.txt", "x\n")
        conf.start()

    # "*" with an inherited removal: evil gets nothing, everyone else "*",
    # and all of them Vary: Origin (a shared cache must keep them apart)
    @pytest.mark.parametrize("path", ["/ex/star/minus/x", "/ex/star1/x",
                                      "/exht/sub/x.txt"])
    def test_cors_805_20(self, cors_env, path):
        r = get(cors_env, path, EVIL)
        assert_refused(r)
        assert_star(get(cors_env, path, APP), vary=True)
        assert_star(get(cors_env, path), vary=True)

    # ...and evil's preflight is refused, others' answered
    @pytest.mark.parametrize("path", ["/ex/star/minus/x", "/ex/star1/x",
                                      "/exht/sub/x.txt"])
    def test_cors_805_21(self, cors_env, path):
        assert_preflight_status(preflight(cors_env, path, EVIL, "GET"), 403)
        r = preflight(cors_env, path, APP, "GET")
        assert_preflight_status(r, 204)
        assert r.get_all("Access-Control-Allow-Origin") == ["*"], r

    # "-null" excludes the opaque origin that "*" would allow
    def test_cors_805_22(self, cors_env):
        assert_refused(get(cors_env, "/ex/star/minus/x", "null"))
        assert_preflight_status(preflight(cors_env, "/ex/star/minus/x",
                                          "null", "GET"), 403)

    # plain "*" is untouched: one answer for all, no Vary: Origin
    def test_cors_805_23(self, cors_env):
        for o in (EVIL, APP, None):
            assert_star(get(cors_env, "/ex/star/x", o), vary=False)

    # the case: a regex with credentials, pr-13 removed below it
    def test_cors_805_24(self, cors_env):
        assert_refused(get(cors_env, "/ex/re/minus/x", PR13))
        assert_preflight_status(preflight(cors_env, "/ex/re/minus/x", PR13,
                                          "GET"), 403)
        assert_allowed(get(cors_env, "/ex/re/minus/x", PR14), PR14,
                       credentials=True)
        # the parent still allows pr-13
        assert_allowed(get(cors_env, "/ex/re/x", PR13), PR13,
                       credentials=True)

    # an inherited wildcard: the removed host is excluded, and a more
    # specific section that lists it again allows it again
    def test_cors_805_25(self, cors_env):
        old = "https://old.example.com"
        new = "https://new.example.com"
        assert_refused(get(cors_env, "/ex/wild/minus/x", old))
        assert_allowed(get(cors_env, "/ex/wild/minus/x", new), new,
                       credentials=True)
        assert_allowed(get(cors_env, "/ex/wild/minus/again/x", old), old,
                       credentials=True)

    # the debug log says the origin was excluded, not merely unlisted
    def test_cors_805_26(self, cors_env):
        mark = cors_env.log_size()
        get(cors_env, "/ex/re/minus/x?t=805_26", PR13)
        deadline = time.time() + 5
        while time.time() < deadline:
            log = cors_env.read_log(mark)
            if "CORS0002" in log:
                break
            time.sleep(0.05)
        assert "origin %s excluded here" % PR13 in log, log


class TestRemovalsDump:
    """`apache2 -t -D DUMP_CORS` shows the exclusions and the policy that
    results: "*" with an exclusion is on, and a section whose removals
    take away every origin it lists is off."""

    def test_cors_805_30(self, cors_env):
        rc, out = cors_env.check_config('<Location "/d/">\n'
                           "CORSAllowOrigin * -%s -null\n</Location>\n"
                           '<Location "/e/">\n'
                           "CORSAllowOrigin %s -%s\n</Location>\n"
                           '<Location "/w/">\n'
                           "CORSAllowOrigin https://*.example.com "
                           "-https://old.example.com\n</Location>\n"
                           % (EVIL, APP, APP), dump=True)
        assert rc == 0, out
        body = section(out.splitlines(), '<Location "/d/">')
        assert "CORS: on" in body, out
        origins = [ln for ln in body if ln.startswith("origins:")][0]
        assert sorted(origins[len("origins: "):].split(", ")) == [
            "*", "-" + EVIL, "-null"], out
        assert "CORS: off" in section(out.splitlines(), '<Location "/e/">'), out
        body = section(out.splitlines(), '<Location "/w/">')
        assert "CORS: on" in body, out
        assert "-https://old.example.com" in [
            ln for ln in body if ln.startswith("origins:")][0], out

    # the attack run's two cases, nested by URL: each child is shown as it
    # applies, on, with its exclusion listed next to what it inherits
    def test_cors_805_31(self, cors_env):
        rc, out = cors_env.check_config(
            '<Location "/s/">\nCORSAllowOrigin *\n</Location>\n'
            '<Location "/s/m/">\nCORSAllowOrigin -%s\n</Location>\n'
            '<Location "/r/">\nCORSAllowOriginMatch "%s"\n'
            "CORSAllowCredentials On\n</Location>\n"
            '<Location "/r/m/">\nCORSAllowOrigin -%s\n</Location>\n'
            % (EVIL, PR_RE, PR13), dump=True)
        assert rc == 0, out
        body = section(out.splitlines(), '<Location "/s/m/">')
        assert "CORS: on" in body, out
        origins = [ln for ln in body if ln.startswith("origins:")][0]
        assert sorted(origins[len("origins: "):].split(", ")) == [
            "*", "-" + EVIL], out
        body = section(out.splitlines(), '<Location "/r/m/">')
        assert "CORS: on" in body, out
        assert "origins: -" + PR13 in body, out
        assert "origin patterns: " + PR_RE in body, out
        assert "credentials: on" in body, out


# ---- catch-all patterns with credentials ------------------------------------

CATCH_ALL = "^https://[^/]+$"


def loc(path, *lines):
    return '<Location "%s">\n%s\n</Location>\n' % (path, "\n".join(lines))


class TestCatchAllPatterns:
    """Every CORSAllowOriginMatch pattern is tried at configuration time
    against canary origins nobody lists: matching one is an error with
    credentials (in whichever order the two directives come) and a
    warning without, naming the canary; where the two only meet through
    merging the scope fails closed, said at start-up for sections and
    logged once (CORS0003) for .htaccess."""

    # with credentials in the same section: an error naming the canary,
    # whichever directive comes first
    @pytest.mark.parametrize("lines", [
        ['CORSAllowOriginMatch "%s"' % CATCH_ALL, "CORSAllowCredentials On"],
        ["CORSAllowCredentials On", 'CORSAllowOriginMatch "%s"' % CATCH_ALL],
        ["CORSAllowCredentials On", 'CORSAllowOriginMatch "^.*$"'],
        ["CORSAllowCredentials On",
         'CORSAllowOriginMatch "^https?://[0-9.]+(:[0-9]+)?$"'],
    ])
    def test_cors_805_40(self, cors_env, lines):
        rc, out = cors_env.check_config(loc("/c/", *lines))
        assert rc != 0, out
        err = [ln for ln in out.splitlines()
               if "CORSAllow" in ln and "nobody lists" in ln
               and warning_family(ln) is None]
        assert err, out
        assert ("'https://canary.invalid'" in err[0]
                or "'http://192.0.2.1'" in err[0]), err
        assert "CORSAllowCredentials" in err[0], err

    # without credentials: accepted, with a warning naming the canary
    def test_cors_805_41(self, cors_env):
        rc, out = cors_env.check_config(
            loc("/c/", 'CORSAllowOriginMatch "%s"' % CATCH_ALL))
        assert rc == 0, out
        w = [ln for ln in cors_warnings(out, "regex-catch-all")
             if "nobody lists" in ln]
        assert len(w) == 1, out
        assert "CORSAllowOriginMatch" in w[0] and CATCH_ALL in w[0], w
        assert "'https://canary.invalid'" in w[0], w

    # a real allowlist with credentials: no such warning
    def test_cors_805_42(self, cors_env):
        rc, out = cors_env.check_config(
            loc("/c/", 'CORSAllowOriginMatch "%s"' % PR_RE,
                "CORSAllowCredentials On"))
        assert rc == 0, out
        assert not [ln for ln in out.splitlines() if "nobody lists" in ln], \
            out

    # nested sections: credentials from the parent, the catch-all in the
    # child; configtest says the child fails closed and what to do
    def test_cors_805_43(self, cors_env):
        rc, out = cors_env.check_config(
            loc("/n/", "CORSAllowOrigin %s" % APP, "CORSAllowCredentials On")
            + loc("/n/open/", 'CORSAllowOriginMatch "%s"' % CATCH_ALL))
        assert rc == 0, out
        w = cors_warnings(out, "merged-conflict")
        assert len(w) == 1, out
        assert "fails closed" in w[0], w
        assert "canary.invalid" in w[0] and '"/n/open/"' in w[0], w
        assert "CORSAllowOriginMatch" in w[0], w


class TestCatchAllLive:
    """The same at request time: a catch-all pattern under inherited
    credentials (a nested <Location>, an .htaccess) sends no CORS header
    to anyone, evil included, and logs CORS0003 once; an .htaccess with
    both is a broken .htaccess (500)."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/ca/", ["CORSAllowOrigin %s" % APP,
                               "CORSAllowCredentials On"])
        conf.location("/ca/open/", ['CORSAllowOriginMatch "%s"' % CATCH_ALL])
        conf.directory("caht", ["AllowOverride FileInfo",
                                "CORSAllowOrigin %s" % APP,
                                "CORSAllowCredentials On"])
        conf.htaccess("caht/sub", 'CORSAllowOriginMatch "%s"\n' % CATCH_ALL)
        conf.doc("caht/sub/x.txt", "x\n")
        conf.htaccess("caht/both", "CORSAllowCredentials On\n"
                      'CORSAllowOriginMatch "^.*$"\n')
        conf.doc("caht/both/x.txt", "x\n")
        conf.doc("caht/x.txt", "x\n")
        conf.start()

    # evil and the listed origin alike get nothing: the scope fails closed
    @pytest.mark.parametrize("path", ["/ca/open/x", "/caht/sub/x.txt"])
    def test_cors_805_50(self, cors_env, path):
        for o in (EVIL, APP, "https://anyone.example.org"):
            r = get(cors_env, path, o)
            assert_refused(r)
            assert preflight(cors_env, path, o, "GET").status == 403

    # the parent scope is untouched
    def test_cors_805_51(self, cors_env):
        assert_allowed(get(cors_env, "/caht/x.txt", APP), APP,
                       credentials=True)
        assert_refused(get(cors_env, "/caht/x.txt", EVIL))

    # CORS0003 says why, once
    def test_cors_805_52(self, cors_env):
        for _ in range(3):
            get(cors_env, "/caht/sub/x.txt?t=805_52", EVIL)
        lines = [ln for ln in tagged_lines(cors_env, "CORS0003")
                 if "canary.invalid" in ln]
        assert len(lines) <= 1, lines
        # an earlier test of the class may have logged it already
        log = cors_env.read_log()
        assert "CORS0003" in log and "nobody lists" in log, log[-2000:]

    # credentials and the catch-all in one .htaccess: refused like any
    # broken .htaccess, with the reason in the error log
    def test_cors_805_53(self, cors_env):
        r = get(cors_env, "/caht/both/x.txt", EVIL)
        assert r.status == 500, r
        assert_refused(r, vary=False)
        log = cors_env.read_log(cors_env.log_mark)
        assert "nobody lists" in log, log[-2000:]
