"""docs/migration.md: each hand-written recipe and the mod_cors lines that
replace it run side by side in one Apache, with the same requests, and the
difference the guide describes is asserted.  The blocks are read from the
guide itself (<!-- test: recipe-N --> / <!-- test: mod_cors-N --> markers).

Also the conf-examples that need a real backend, which test_900 does not
load: reverse-proxy-app-server.conf in front of a real HTTP application
server (a Python server on loopback that sets its own CORS headers) and
php-fpm-site.conf with Debian's php-fpm through mod_proxy_fcgi."""

import http.server
import os
import re
import shutil
import subprocess
import threading
import time

import pytest

from harness.client import get, preflight
from harness.conf import CorsConf
from harness.env import REPO_ROOT
from harness.util import assert_allowed, assert_refused

GUIDE = os.path.join(REPO_ROOT, "docs", "migration.md")
EXAMPLES = os.path.join(REPO_ROOT, "conf-examples")
APP = "https://app.example.com"
EVIL = "https://evil.example"
PLACEHOLDER_BACKEND = "http://127.0.0.1:8000"
PLACEHOLDER_HTPASSWD = "/etc/apache2/.htpasswd"
PHP_FPM = "/usr/sbin/php-fpm8.2"


def guide_blocks():
    with open(GUIDE, encoding="utf-8") as f:
        text = f.read()
    blocks = dict(re.findall(
        r"<!-- test: (\S+) -->\n```apache\n(.*?)```", text, re.S))
    for n in range(1, 6):
        for kind in ("recipe", "mod_cors"):
            assert "%s-%d" % (kind, n) in blocks, "%s-%d" % (kind, n)
    return blocks


BLOCKS = guide_blocks()


class AppServer(http.server.ThreadingHTTPServer):
    """An application server on loopback, as frameworks ship them: it sets
    its own Access-Control-Allow-Origin: * and remembers each request."""

    daemon_threads = True

    def __init__(self):
        self.seen = []
        super().__init__(("127.0.0.1", 0), AppHandler)
        self.url = "http://127.0.0.1:%d" % self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()


class AppHandler(http.server.BaseHTTPRequestHandler):

    def _answer(self):
        self.server.seen.append((self.command, self.path))
        status = 404 if "missing" in self.path else 200
        body = b'{"app": "%s"}\n' % self.command.encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("X-Request-Id", "req-1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_OPTIONS = _answer

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def app_server():
    srv = AppServer()
    yield srv
    srv.shutdown()
    srv.server_close()


def load_proxy(conf, env, fcgi=False):
    mods = ["proxy", "proxy_http"] + (["proxy_fcgi"] if fcgi else [])
    conf.add(["LoadModule %s_module %s/mod_%s.so" % (m, env.modules_dir, m)
              for m in mods])


# alice:secret
BASIC = "Basic YWxpY2U6c2VjcmV0"


class TestMigration:
    """/rN/ runs recipe N of the guide, /mN/ its mod_cors replacement."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env, app_server):
        conf = CorsConf(cors_env)
        load_proxy(conf, cors_env)
        for n in (1, 2, 3, 5):
            for kind, prefix in (("recipe", "r"), ("mod_cors", "m")):
                body = BLOCKS["%s-%d" % (kind, n)].replace(
                    PLACEHOLDER_BACKEND, app_server.url)
                conf.location("/%s%d/" % (prefix, n), body)
                conf.doc("%s%d/data.json" % (prefix, n), '{"n": %d}\n' % n)
        htpasswd = conf.htpasswd()
        for kind, prefix in (("recipe", "r"), ("mod_cors", "m")):
            conf.directory("%s4" % prefix,
                           ["AllowOverride FileInfo AuthConfig"])
            conf.htaccess("%s4" % prefix, BLOCKS["%s-4" % kind].replace(
                PLACEHOLDER_HTPASSWD, htpasswd))
            conf.doc("%s4/data.json" % prefix, '{"n": 4}\n')
        conf.start()

    # 1: the recipe sends * with credentials (refused by browsers on any
    # credentialed request) and nothing on a 404; mod_cors echoes the
    # origin with credentials on the 200 and the 404
    def test_cors_950_01(self, cors_env):
        r = get(cors_env, "/r1/data.json", APP)
        assert r.status == 200
        assert r.get_all("Access-Control-Allow-Origin") == ["*"]
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"]
        r = get(cors_env, "/r1/missing.json", APP)
        assert r.status == 404
        assert r.count("Access-Control-Allow-Origin") == 0, r.headers

        for path, status in (("/m1/data.json", 200),
                             ("/m1/missing.json", 404)):
            r = get(cors_env, path, APP)
            assert r.status == status
            assert_allowed(r, APP, credentials=True)

    # 1: mod_cors refuses the recipe's combination at configuration time
    def test_cors_950_02(self, cors_env):
        rc, out = CorsConf(cors_env).location("/x/", [
            "CORSAllowOrigin *", "CORSAllowCredentials On"]).check()
        assert rc != 0
        assert "CORSAllowCredentials" in out or "CORSAllowOrigin" in out, out

    # 2: the unescaped regex echoes a look-alike origin, and no response
    # says Vary: Origin; mod_cors refuses it, allows the listed ones, and
    # adds Vary: Origin (also to a request without Origin)
    def test_cors_950_03(self, cors_env):
        evil = "https://stagingxexample.com"
        r = get(cors_env, "/r2/data.json", evil)
        assert r.get_all("Access-Control-Allow-Origin") == [evil]
        assert "origin" not in r.vary_tokens(), r.headers
        assert_refused(get(cors_env, "/m2/data.json", evil))
        for origin in ("https://www.example.com", "https://example.com",
                       "https://staging.example.com"):
            r = get(cors_env, "/r2/data.json", origin)
            assert r.get_all("Access-Control-Allow-Origin") == [origin]
            assert "origin" not in r.vary_tokens(), r.headers
            assert_allowed(get(cors_env, "/m2/data.json", origin), origin)
        r = get(cors_env, "/m2/data.json")
        assert r.count("Access-Control-Allow-Origin") == 0
        assert "origin" in r.vary_tokens(), r.headers

    # 2: an unanchored CORSAllowOriginMatch is refused by apache2 -t
    def test_cors_950_04(self, cors_env):
        rc, out = CorsConf(cors_env).location("/x/", [
            'CORSAllowOriginMatch "example\\.com"']).check()
        assert rc != 0
        assert "CORSAllowOriginMatch" in out, out

    # 3: the recipe hands any origin the user's credentials; mod_cors only
    # the listed ones
    def test_cors_950_05(self, cors_env):
        r = get(cors_env, "/r3/data.json", EVIL)
        assert r.get_all("Access-Control-Allow-Origin") == [EVIL]
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"]
        assert "origin" not in r.vary_tokens(), r.headers
        assert_refused(get(cors_env, "/m3/data.json", EVIL))
        for origin in (APP, "https://admin.example.com"):
            assert_allowed(get(cors_env, "/m3/data.json", origin), origin,
                           credentials=True)

    # 4: behind Basic auth the recipe's preflight gets 401 (mod_rewrite
    # runs after authentication); mod_cors answers it 204, and the actual
    # request still needs its credentials
    def test_cors_950_06(self, cors_env):
        r = preflight(cors_env, "/r4/data.json", APP, "PUT",
                      "authorization, content-type")
        assert r.status == 401, r

        r = preflight(cors_env, "/m4/data.json", APP, "PUT",
                      "authorization, content-type")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == [APP]
        assert r.get_all("Access-Control-Allow-Methods") == ["PUT"]
        assert r.get_all("Access-Control-Allow-Headers") == \
            ["authorization, content-type"]
        r = get(cors_env, "/m4/data.json", APP)
        assert r.status == 401
        assert_allowed(r, APP, credentials=True)
        r = get(cors_env, "/m4/data.json", APP,
                extra=[("Authorization", BASIC)])
        assert r.status == 200
        assert_allowed(r, APP, credentials=True)

    # 5: behind a proxy whose application sets its own header, the recipe
    # sends two Access-Control-Allow-Origin headers and forwards the
    # preflight; mod_cors sends one and answers the preflight itself
    def test_cors_950_07(self, cors_env, app_server):
        r = get(cors_env, "/r5/data.json", APP)
        assert r.status == 200
        assert sorted(r.get_all("Access-Control-Allow-Origin")) == \
            sorted(["*", APP]), r.headers
        app_server.seen.clear()
        preflight(cors_env, "/r5/data.json?pf950", APP, "PUT")
        assert ("OPTIONS", "/data.json?pf950") in app_server.seen

        for path, status in (("/m5/data.json", 200), ("/m5/missing", 404)):
            r = get(cors_env, path, APP)
            assert r.status == status
            assert_allowed(r, APP)
        app_server.seen.clear()
        r = preflight(cors_env, "/m5/data.json?pf950", APP, "PUT",
                      "content-type")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == [APP]
        assert not [s for s in app_server.seen if s[0] == "OPTIONS"]


def example(name):
    return os.path.join(EXAMPLES, name)


NEW_EXAMPLES = ["reverse-proxy-app-server.conf", "php-fpm-site.conf"]


# the examples pass apache2 -t as shipped (default backend addresses)
@pytest.mark.parametrize("name", NEW_EXAMPLES)
def test_cors_950_10(cors_env, name):
    conf = CorsConf(cors_env)
    load_proxy(conf, cors_env, fcgi=True)
    conf.add('Include "%s"' % example(name))
    rc, out = conf.check()
    assert rc == 0, out


# each has the header comment that says when to use it
@pytest.mark.parametrize("name", NEW_EXAMPLES)
def test_cors_950_11(name):
    with open(example(name)) as f:
        head = f.read().split("\n\n", 1)[0]
    assert head.startswith("# %s" % name)
    assert "When to use:" in head


class TestExampleReverseProxy:
    """conf-examples/reverse-proxy-app-server.conf in front of AppServer."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env, app_server):
        conf = CorsConf(cors_env)
        load_proxy(conf, cors_env)
        conf.add("Define APP_SERVER %s" % app_server.url)
        conf.add('Include "%s"' % example("reverse-proxy-app-server.conf"))
        conf.start()

    # the application's own "*" is replaced by the listed origin, once,
    # on its 200 and its 404
    @pytest.mark.parametrize("path,status", [("/app/items", 200),
                                             ("/app/missing", 404)])
    def test_cors_950_20(self, cors_env, path, status):
        for origin in (APP, "https://admin.example.com"):
            r = get(cors_env, path, origin)
            assert r.status == status, r
            assert_allowed(r, origin, credentials=True,
                           expose="X-Request-Id, Location")

    # an unlisted origin gets none of the application's CORS headers
    def test_cors_950_21(self, cors_env):
        r = get(cors_env, "/app/items", EVIL)
        assert r.status == 200
        assert_refused(r)
        assert r.count("Access-Control-Expose-Headers") == 0

    # preflights are answered by Apache and never reach the application
    def test_cors_950_22(self, cors_env, app_server):
        app_server.seen.clear()
        r = preflight(cors_env, "/app/items/7", APP, "PATCH",
                      "authorization, content-type")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Methods") == ["PATCH"]
        assert r.get_all("Access-Control-Allow-Headers") == \
            ["authorization, content-type"]
        assert r.get_all("Access-Control-Max-Age") == ["600"]
        r = preflight(cors_env, "/app/items/7", APP, "PURGE")
        assert r.status == 403
        assert app_server.seen == []


PHP_POSTS = """<?php
file_put_contents('%(log)s', $_SERVER['REQUEST_METHOD'] . "\\n", FILE_APPEND);
header('Access-Control-Allow-Origin: *');
header('Content-Type: application/json');
header('X-WP-Total: 3');
echo json_encode(['method' => $_SERVER['REQUEST_METHOD']]);
"""
PHP_FATAL = "<?php\nundefined_function_950();\n"

FPM_CONF = """[global]
pid = %(dir)s/php-fpm.pid
error_log = %(dir)s/php-fpm.log
daemonize = no
[cors]
user = www-data
group = www-data
listen = %(dir)s/php-fpm.sock
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
pm = static
pm.max_children = 2
"""


@pytest.fixture(scope="class")
def php_fpm(cors_env):
    """Debian's php-fpm with a pool of its own on a socket in the test's
    ServerRoot; stopped by its pid."""
    if not os.path.exists(PHP_FPM):
        pytest.fail("%s missing: install php-fpm (scripts/deps.txt)"
                    % PHP_FPM, pytrace=False)
    d = os.path.join(cors_env.root, "php-fpm")
    os.makedirs(d, exist_ok=True)
    os.chmod(d, 0o755)
    conf = os.path.join(d, "php-fpm.conf")
    with open(conf, "w") as f:
        f.write(FPM_CONF % {"dir": d})
    proc = subprocess.Popen([PHP_FPM, "-F", "-y", conf],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    sock = os.path.join(d, "php-fpm.sock")
    deadline = time.time() + 20
    while not os.path.exists(sock):
        assert proc.poll() is None and time.time() < deadline, \
            "php-fpm did not start: %s" % open(
                os.path.join(d, "php-fpm.log")).read()
        time.sleep(0.05)
    yield sock
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    shutil.rmtree(d, ignore_errors=True)


class TestExamplePhpFpm:
    """conf-examples/php-fpm-site.conf with a real PHP-FPM pool."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env, php_fpm):
        conf = CorsConf(cors_env)
        load_proxy(conf, cors_env, fcgi=True)
        conf.add("Define PHP_FPM_SOCKET %s" % php_fpm)
        conf.add('Include "%s"' % example("php-fpm-site.conf"))
        self.__class__.log = os.path.join(cors_env.writable_dir,
                                          "php-methods.log")
        conf.doc("wp-json/posts.php", PHP_POSTS % {"log": self.log})
        conf.doc("wp-json/fatal.php", PHP_FATAL)
        conf.start()

    def php_methods(self):
        try:
            with open(self.log) as f:
                return f.read().split()
        except OSError:
            return []

    # PHP's own "*" is replaced by the origin that asked, once
    @pytest.mark.parametrize("origin", ["https://example.com",
                                        "https://blog.example.com"])
    def test_cors_950_30(self, cors_env, origin):
        r = get(cors_env, "/wp-json/posts.php", origin)
        assert r.status == 200, r
        assert b'"method":"GET"' in r.body, r.body
        assert_allowed(r, origin,
                       expose="X-WP-Total, X-WP-TotalPages, Link")

    # an unlisted origin gets no CORS header, PHP's "*" included
    def test_cors_950_31(self, cors_env):
        r = get(cors_env, "/wp-json/posts.php", EVIL)
        assert r.status == 200
        assert_refused(r)

    # preflights never start PHP
    def test_cors_950_32(self, cors_env):
        before = self.php_methods()
        r = preflight(cors_env, "/wp-json/posts.php", "https://example.com",
                      "DELETE", "x-wp-nonce, content-type")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Methods") == ["DELETE"]
        assert r.get_all("Access-Control-Allow-Headers") == \
            ["x-wp-nonce, content-type"]
        r = get(cors_env, "/wp-json/posts.php", "https://example.com")
        assert r.status == 200
        assert self.php_methods() == before + ["GET"]

    # PHP's fatal error (500) still carries the headers
    def test_cors_950_33(self, cors_env):
        r = get(cors_env, "/wp-json/fatal.php", "https://blog.example.com")
        assert r.status == 500, r
        assert_allowed(r, "https://blog.example.com",
                       expose="X-WP-Total, X-WP-TotalPages, Link")

