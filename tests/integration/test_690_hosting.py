"""docs/behaviour.md §1/§6: shared hosting.  A customer's site whose
document root .htaccess is conf-examples/shared-hosting.htaccess, and
subdirectory .htaccess files adding and removing origins with +/- (and
turning CORS off), under three hosting setups: AllowOverride FileInfo,
AllowOverrideList naming only the mod_cors directives, and an
AllowOverride without FileInfo (500, the reason in the error log).
Every MPM."""

import pytest

from harness.client import request
from harness.conf import CorsConf
from harness.neighbours import (assert_preflight_allowed,
                                assert_preflight_refused,
                                assert_single_headers, example_path,
                                mpm_env, preflight_headers)  # noqa: F401
from harness.neighbours import _mpm_crash_check  # noqa: F401
from harness.util import assert_allowed, assert_no_cors, assert_refused

WWW = "https://www.customer.example"
SHOP = "https://shop.customer.example"
PARTNER = "https://partner.example"
EVIL = "https://evil.example.net"

CORS_DIRECTIVES = [
    "CORSAllowOrigin", "CORSAllowOriginMatch", "CORSAllowCredentials",
    "CORSAllowMethods", "CORSAllowHeaders", "CORSExposeHeaders",
    "CORSMaxAge", "CORSAllowPrivateNetwork", "CORSPreflight",
    "CORSPreflightStatus", "CORSUpstreamHeaders", "CORSDebugHeader",
    "CORSShadow"]

#: host -> the hosting company's <Directory> for the customer's docroot
SITES = {
    "fileinfo.test": ["AllowOverride FileInfo"],
    "list.test": ["AllowOverride None",
                  "AllowOverrideList " + " ".join(CORS_DIRECTIVES)],
    "noinfo.test": ["AllowOverride AuthConfig Indexes Limit"],
}

#: the customer's tree below its docroot
TREE = {
    "data.json": '{"site": true}\n',
    "img/logo.txt": "logo\n",
    "api/items.json": '{"items": []}\n',
    # the partner may call the API, the shop may not
    "api/.htaccess": "CORSAllowOrigin +%s -%s\n"
                     "CORSAllowMethods GET POST PUT\n" % (PARTNER, SHOP),
    "api/v2/items.json": '{"v": 2}\n',
    # and v2 is for the partner only, with credentials
    "api/v2/.htaccess": "CORSAllowOrigin %s\nCORSAllowCredentials On\n"
                        % PARTNER,
    "internal/x.json": "{}\n",
    "internal/.htaccess": "CORSAllowOrigin none\n",
    # a non-CORS directive: allowed by FileInfo, not by the list
    "hdr/x.txt": "hdr\n",
    "hdr/.htaccess": "Header set X-Customer yes\n",
}


def get(env, host, path, origin):
    hdrs = [("Host", host)] + ([("Origin", origin)] if origin else [])
    return request(env.port, "GET", path, hdrs)


def options(env, host, path, origin, method, acrh=None):
    return request(env.port, "OPTIONS", path, [("Host", host)]
                   + preflight_headers(origin, method, acrh))


class TestSharedHosting:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, mpm_env):
        conf = CorsConf(mpm_env)
        with open(example_path("shared-hosting.htaccess")) as f:
            root_htaccess = f.read()
        for host, override in SITES.items():
            rel = "sites/" + host
            root = mpm_env.docroot_path(rel)
            conf.add(['<VirtualHost 127.0.0.1:%d>' % mpm_env.port,
                      "    ServerName %s" % host,
                      '    DocumentRoot "%s"' % root,
                      "</VirtualHost>"])
            conf.directory(rel, override)
            conf.htaccess(rel, root_htaccess)
            for path, text in TREE.items():
                conf.doc("%s/%s" % (rel, path), text)
        conf.start()

    # the docroot .htaccess (the example) applies to the site and to
    # subdirectories without their own
    @pytest.mark.parametrize("host", ["fileinfo.test", "list.test"])
    @pytest.mark.parametrize("path", ["/data.json", "/img/logo.txt"])
    def test_cors_690_01(self, mpm_env, host, path):
        for o in (WWW, SHOP):
            r = get(mpm_env, host, path, o)
            assert r.status == 200, r
            assert_allowed(r, o, expose="X-Total-Count")
            assert_single_headers(r)
        for o in (PARTNER, EVIL):
            assert_refused(get(mpm_env, host, path, o))

    # api/.htaccess: +partner, -shop, the rest inherited
    @pytest.mark.parametrize("host", ["fileinfo.test", "list.test"])
    def test_cors_690_02(self, mpm_env, host):
        for o in (WWW, PARTNER):
            r = get(mpm_env, host, "/api/items.json", o)
            assert r.status == 200, r
            assert_allowed(r, o, expose="X-Total-Count")
        for o in (SHOP, EVIL):
            assert_refused(get(mpm_env, host, "/api/items.json", o))

    # preflights: PUT only where api/.htaccess allows it, max-age and
    # headers inherited from the docroot's
    @pytest.mark.parametrize("host", ["fileinfo.test", "list.test"])
    def test_cors_690_03(self, mpm_env, host):
        r = options(mpm_env, host, "/api/items.json", PARTNER, "PUT",
                    "Content-Type")
        assert_preflight_allowed(r, PARTNER, "PUT", "content-type",
                                 max_age="3600")
        assert_preflight_refused(options(mpm_env, host, "/data.json", WWW,
                                         "PUT"))
        assert_preflight_refused(options(mpm_env, host, "/api/items.json",
                                         SHOP, "GET"))
        r = options(mpm_env, host, "/data.json", SHOP, "POST")
        assert_preflight_allowed(r, SHOP, "POST", max_age="3600")

    # api/v2/.htaccess replaces the list (no prefix) and adds credentials
    @pytest.mark.parametrize("host", ["fileinfo.test", "list.test"])
    def test_cors_690_04(self, mpm_env, host):
        r = get(mpm_env, host, "/api/v2/items.json", PARTNER)
        assert_allowed(r, PARTNER, credentials=True, expose="X-Total-Count")
        assert_refused(get(mpm_env, host, "/api/v2/items.json", WWW))

    # internal/.htaccess: none turns CORS off below the docroot's policy
    @pytest.mark.parametrize("host", ["fileinfo.test", "list.test"])
    def test_cors_690_05(self, mpm_env, host):
        r = get(mpm_env, host, "/internal/x.json", WWW)
        assert r.status == 200
        assert_no_cors(r)

    # AllowOverrideList names only the CORS directives: the customer's
    # Header line is a 500 there, fine under FileInfo
    def test_cors_690_06(self, mpm_env):
        r = get(mpm_env, "fileinfo.test", "/hdr/x.txt", WWW)
        assert r.status == 200 and r.get_all("X-Customer") == ["yes"], r
        assert_allowed(r, WWW, expose="X-Total-Count")
        mark = mpm_env.log_size()
        r = get(mpm_env, "list.test", "/hdr/x.txt", WWW)
        assert r.status == 500, r
        log = mpm_env.read_log(mark)
        assert "Header not allowed here" in log, log[-2000:]

    # AllowOverride without FileInfo: every request under the docroot is
    # the 500 of a forbidden .htaccess directive, preflights included,
    # and the error log names the directive and the file
    @pytest.mark.parametrize("method", ["GET", "OPTIONS"])
    @pytest.mark.parametrize("path", ["/data.json", "/api/items.json"])
    def test_cors_690_07(self, mpm_env, method, path):
        mark = mpm_env.log_size()
        if method == "OPTIONS":
            r = options(mpm_env, "noinfo.test", path, WWW, "POST")
        else:
            r = get(mpm_env, "noinfo.test", path, WWW)
        assert r.status == 500, r
        assert r.get_all("Access-Control-Allow-Origin") == [], r.headers
        log = mpm_env.read_log(mark)
        lines = [ln for ln in log.splitlines()
                 if "CORSAllowOrigin not allowed here" in ln]
        assert lines, log[-2000:]
        assert "sites/noinfo.test/.htaccess" in lines[0], lines
