"""docs/behaviour.md §1/§6: shared hosting.  A customer's site whose
document root .htaccess is conf-examples/shared-hosting.htaccess, and
subdirectory .htaccess files adding and removing origins with +/- (and
turning CORS off), under three hosting setups: AllowOverride FileInfo,
AllowOverrideList naming only the mod_cors directives, and an
AllowOverride without FileInfo (500, the reason in the error log).
Every MPM."""

import pytest

from harness.client import get, preflight
from harness.conf import CorsConf
from harness.neighbours import (assert_preflight_allowed,
                                assert_preflight_refused,
                                assert_single_headers, example_path,
                                mpm_env)  # noqa: F401
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
            r = get(mpm_env, path, o, host=host)
            assert r.status == 200, r
            assert_allowed(r, o, expose="X-Total-Count")
            assert_single_headers(r)
        for o in (PARTNER, EVIL):
            assert_refused(get(mpm_env, path, o, host=host))

    # api/.htaccess: +partner, -shop, the rest inherited
    @pytest.mark.parametrize("host", ["fileinfo.test", "list.test"])
    def test_cors_690_02(self, mpm_env, host):
        for o in (WWW, PARTNER):
            r = get(mpm_env, "/api/items.json", o, host=host)
            assert r.status == 200, r
            assert_allowed(r, o, expose="X-Total-Count")
        for o in (SHOP, EVIL):
            assert_refused(get(mpm_env, "/api/items.json", o, host=host))

    # preflights: PUT only where api/.htaccess allows it, max-age and
    # headers inherited from the docroot's
    @pytest.mark.parametrize("host", ["fileinfo.test", "list.test"])
    def test_cors_690_03(self, mpm_env, host):
        r = preflight(mpm_env, "/api/items.json", PARTNER, "PUT",
                      "Content-Type", host=host)
        assert_preflight_allowed(r, PARTNER, "PUT", "content-type",
                                 max_age="3600")
        assert_preflight_refused(preflight(mpm_env, "/data.json", WWW, "PUT",
                                           host=host))
        assert_preflight_refused(preflight(mpm_env, "/api/items.json", SHOP,
                                           "GET", host=host))
        r = preflight(mpm_env, "/data.json", SHOP, "POST", host=host)
        assert_preflight_allowed(r, SHOP, "POST", max_age="3600")

    # api/v2/.htaccess replaces the list (no prefix) and adds credentials
    @pytest.mark.parametrize("host", ["fileinfo.test", "list.test"])
    def test_cors_690_04(self, mpm_env, host):
        r = get(mpm_env, "/api/v2/items.json", PARTNER, host=host)
        assert_allowed(r, PARTNER, credentials=True, expose="X-Total-Count")
        assert_refused(get(mpm_env, "/api/v2/items.json", WWW, host=host))

    # internal/.htaccess: none turns CORS off below the docroot's policy
    @pytest.mark.parametrize("host", ["fileinfo.test", "list.test"])
    def test_cors_690_05(self, mpm_env, host):
        r = get(mpm_env, "/internal/x.json", WWW, host=host)
        assert r.status == 200
        assert_no_cors(r)

    # AllowOverrideList names only the CORS directives: the customer's
    # Header line is a 500 there, fine under FileInfo
    def test_cors_690_06(self, mpm_env):
        r = get(mpm_env, "/hdr/x.txt", WWW, host="fileinfo.test")
        assert r.status == 200 and r.get_all("X-Customer") == ["yes"], r
        assert_allowed(r, WWW, expose="X-Total-Count")
        mark = mpm_env.log_size()
        r = get(mpm_env, "/hdr/x.txt", WWW, host="list.test")
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
            r = preflight(mpm_env, path, WWW, "POST", host="noinfo.test")
        else:
            r = get(mpm_env, path, WWW, host="noinfo.test")
        assert r.status == 500, r
        assert r.get_all("Access-Control-Allow-Origin") == [], r.headers
        log = mpm_env.read_log(mark)
        lines = [ln for ln in log.splitlines()
                 if "CORSAllowOrigin not allowed here" in ln]
        assert lines, log[-2000:]
        assert "sites/noinfo.test/.htaccess" in lines[0], lines
