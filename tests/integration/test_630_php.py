"""docs/behaviour.md §3/§4: PHP through Debian's php-fpm (started here on a
unix socket with a pool of its own) behind mod_proxy_fcgi, as
conf-examples/php-fpm-site.conf deploys it.  Every MPM."""

import os

import pytest

from harness.client import preflight, request
from harness.conf import CorsConf
from harness.neighbours import (assert_preflight_allowed,
                                assert_preflight_refused,
                                assert_single_headers, example_path,
                                load_modules, mpm_env,
                                php_fpm)  # noqa: F401
from harness.neighbours import _mpm_crash_check  # noqa: F401
from harness.util import assert_allowed

SITE = "https://shop.example.com"
APEX = "https://example.com"
EVIL = "https://example.com.evil.net"
EXPOSE = "X-WP-Total, X-WP-TotalPages, Link"

PHP = {
    # old code that still sets its own CORS headers
    "wp-json/star.php": """<?php
header('Access-Control-Allow-Origin: *');
header('Access-Control-Allow-Methods: *');
header('Access-Control-Allow-Headers: *');
header('Access-Control-Max-Age: 1');
header('Vary: Accept-Encoding');
header('X-WP-Total: 3');
header('Content-Type: application/json');
echo json_encode(['method' => $_SERVER['REQUEST_METHOD'], 'posts' => 3]);
""",
    # a fatal error after headers were set: PHP answers 500
    "wp-json/fatal.php": """<?php
header('Access-Control-Allow-Origin: *');
header('X-WP-Total: 0');
this_function_does_not_exist();
""",
    # an uncaught exception: 500 too
    "wp-json/throw.php": """<?php
throw new RuntimeException('boom');
""",
    # the application's own 404 and 401
    "wp-json/status.php": """<?php
http_response_code((int)($_GET['code'] ?? 200));
header('Access-Control-Allow-Origin: https://stale.example');
header('Access-Control-Allow-Credentials: true');
echo 'status ', http_response_code(), "\\n";
""",
    # too slow for ProxyTimeout: mod_proxy_fcgi answers 504
    "wp-json/slow.php": """<?php
sleep(8);
echo "late\\n";
""",
    # leaves a trace each time PHP runs it
    "wp-json/trace.php": """<?php
file_put_contents(getenv('TRACE_FILE') ?: '/nonexistent',
    $_SERVER['REQUEST_METHOD'] . ' ' . $_SERVER['QUERY_STRING'] . "\\n",
    FILE_APPEND);
header('Access-Control-Allow-Origin: *');
echo "traced\\n";
""",
}


class TestPhpFpm:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, mpm_env, php_fpm):
        conf = CorsConf(mpm_env)
        load_modules(conf, "proxy", "proxy_fcgi")
        self.__class__.trace = os.path.join(mpm_env.writable_dir,
                                            "php-trace.log")
        conf.add("ProxyTimeout 3")
        conf.add('SetEnv TRACE_FILE "%s"' % self.trace)
        # the deployment example, pointed at this test's php-fpm
        conf.add('Define PHP_FPM_SOCKET "%s"' % php_fpm.sock)
        conf.add('Include "%s"' % example_path("php-fpm-site.conf"))
        for rel, text in PHP.items():
            conf.doc(rel, text)
        conf.start()
        r = request(mpm_env.port, "GET", "/wp-json/star.php")
        assert r.status == 200, "php-fpm not reachable: %r\n%s" % (
            r, php_fpm.read(php_fpm.log))

    # header('Access-Control-Allow-Origin: *') and friends are corrected:
    # one ACAO, the request's origin; PHP's other headers kept
    @pytest.mark.parametrize("origin", [SITE, APEX])
    @pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
    def test_cors_630_01(self, mpm_env, origin, method):
        r = request(mpm_env.port, method, "/wp-json/star.php",
                    [("Origin", origin)],
                    body="{}" if method == "POST" else None)
        assert r.status == 200, r
        assert b'"method":"%s"' % method.encode() in r.body, r.body
        assert_allowed(r, origin, expose=EXPOSE, vary=False)
        assert r.get_all("X-WP-Total") == ["3"]
        assert r.count("Vary") == 1, r.headers
        assert sorted(r.vary_tokens()) == ["accept-encoding", "origin"]
        assert_single_headers(r)

    # a refused origin: PHP's "*" does not survive
    @pytest.mark.parametrize("origin", [EVIL, "null", None])
    def test_cors_630_02(self, mpm_env, origin):
        hdrs = [("Origin", origin)] if origin else []
        r = request(mpm_env.port, "GET", "/wp-json/star.php", hdrs)
        assert r.status == 200, r
        assert r.cors_headers() == [], r.headers
        assert sorted(r.vary_tokens()) == ["accept-encoding", "origin"]

    # a script dying with a fatal error or an uncaught exception: PHP's
    # 500 with mod_cors's headers, PHP's own "*" gone
    @pytest.mark.parametrize("script", ["fatal.php", "throw.php"])
    def test_cors_630_03(self, mpm_env, php_fpm, script):
        r = request(mpm_env.port, "GET", "/wp-json/" + script,
                    [("Origin", SITE)])
        assert r.status == 500, r
        assert_allowed(r, SITE, expose=EXPOSE)
        assert_single_headers(r)
        errors = php_fpm.read(php_fpm.errors)
        assert "PHP Fatal error" in errors, errors

    # the application's own 401/404/409 with stale CORS headers: replaced
    @pytest.mark.parametrize("code", [401, 404, 409])
    def test_cors_630_04(self, mpm_env, code):
        r = request(mpm_env.port, "GET", "/wp-json/status.php?code=%d" % code,
                    [("Origin", SITE)])
        assert r.status == code, r
        assert r.body == b"status %d\n" % code
        assert_allowed(r, SITE, expose=EXPOSE)

    # a script slower than ProxyTimeout: mod_proxy_fcgi's own 504
    def test_cors_630_05(self, mpm_env):
        r = request(mpm_env.port, "GET", "/wp-json/slow.php",
                    [("Origin", SITE)], timeout=60)
        assert r.status == 504, r
        assert_allowed(r, SITE, expose=EXPOSE)
        assert_single_headers(r)

    # a script that does not exist: php-fpm's "File not found." 404
    def test_cors_630_06(self, mpm_env):
        r = request(mpm_env.port, "GET", "/wp-json/missing.php",
                    [("Origin", SITE)])
        assert r.status == 404, r
        assert_allowed(r, SITE, expose=EXPOSE)

    # preflights are answered before PHP runs: no FPM worker is spent
    def test_cors_630_07(self, mpm_env):
        r = preflight(mpm_env, "/wp-json/trace.php?pf_630_07", SITE, "PUT",
                      "X-WP-Nonce, Content-Type")
        assert_preflight_allowed(r, SITE, "PUT", "x-wp-nonce, content-type")
        r = preflight(mpm_env, "/wp-json/trace.php?pf_630_07", EVIL, "PUT")
        assert_preflight_refused(r)
        # the control: an actual request does run PHP
        r = request(mpm_env.port, "GET", "/wp-json/trace.php?get_630_07",
                    [("Origin", SITE)])
        assert r.status == 200 and r.body == b"traced\n", r
        assert_allowed(r, SITE, expose=EXPOSE)
        with open(self.trace) as f:
            ran = f.read()
        assert "get_630_07" in ran and "pf_630_07" not in ran, ran

    # a PHP page outside the CORS location: PHP's headers untouched
    def test_cors_630_08(self, mpm_env):
        r = request(mpm_env.port, "GET", "/outside.php", [("Origin", SITE)])
        assert r.status == 200, r
        assert r.get_all("Access-Control-Allow-Origin") == ["*"], r.headers
        assert "origin" not in r.vary_tokens()

    @pytest.fixture(autouse=True, scope="class")
    def _outside(self, mpm_env, _conf):
        mpm_env.write_file(mpm_env.docroot_path("outside.php"),
                           "<?php header('Access-Control-Allow-Origin: *');"
                           " echo 'out';\n")
