"""docs/behaviour.md §4: only the preflights mod_cors answers itself skip
authentication and authorization.  A forged preflight (anyone can send an
allowed Origin) under `CORSPreflight continue` is an ordinary request on
its way to a handler: a CGI script (mod_cgid), a proxied backend
(mod_proxy) and PHP-FPM (mod_proxy_fcgi) never run for it without the
credentials their location requires, under `Require valid-user`,
`Require ip`, `<RequireAll>`, `Require all denied` and `<Limit OPTIONS>`,
also when `CORSPreflight continue` comes from an .htaccess under
`AllowOverride FileInfo`.  Under `handle`, mod_cors answers (204 or 403)
without credentials and no handler runs.  Every MPM."""

import os

import pytest

from harness.client import preflight, request
from harness.conf import CorsConf
from harness.neighbours import (backend, load_modules, mpm_env,
                                php_fpm)  # noqa: F401
from harness.neighbours import _mpm_crash_check  # noqa: F401
from harness.util import assert_refused

from test_610_auth import APP, EVIL, GOOD

#: guard -> (configuration lines, status of a request without credentials)
GUARDS = {
    "basic": (["Require valid-user"], 401),
    "ip": (["Require ip 192.0.2.1"], 403),
    "all": (["<RequireAll>", "Require valid-user", "Require ip 127.0.0.1",
             "</RequireAll>"], 401),
    "denied": (["Require all denied"], 403),
    "limit": (["<Limit OPTIONS>", "Require valid-user", "</Limit>"], 401),
}

#: where CORSPreflight comes from: the section, or an .htaccess
MODES = ("handle", "continue", "htaccess")

#: handler -> the file each guarded directory serves
HANDLERS = {"cgi": "run.cgi", "php": "run.php", "proxy": "run"}

CGI = """#!/bin/sh
cat > /dev/null
echo "$REQUEST_METHOD $SCRIPT_NAME" >> "{log}"
printf 'Content-Type: text/plain\\r\\n\\r\\n'
printf 'handler ran %s\\n' "$REQUEST_METHOD"
"""

PHP = """<?php
file_put_contents('{log}',
    $_SERVER['REQUEST_METHOD'] . ' ' . $_SERVER['SCRIPT_NAME'] . "\\n",
    FILE_APPEND);
echo 'handler ran ', $_SERVER['REQUEST_METHOD'], "\\n";
"""


def cases():
    """(handler, mode, guard); a proxied URL is never mapped to a
    directory, so it has no .htaccess."""
    return [(h, m, g) for h in HANDLERS for m in MODES for g in GUARDS
            if not (h == "proxy" and m == "htaccess")]


def url(handler, mode, guard):
    return "/%s/%s/%s/%s" % (handler, mode, guard, HANDLERS[handler])


def forged_preflight(port, path, origin=APP, auth=None):
    return preflight(port, path, origin, "POST", "Content-Type",
                     extra=[("Authorization", auth)] if auth else ())


class TestPreflightGuards:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, mpm_env, backend, php_fpm):
        conf = CorsConf(mpm_env)
        load_modules(conf, "proxy", "proxy_http", "proxy_fcgi")
        users = conf.htpasswd("guard-users", "alice", "secret")
        log = os.path.join(mpm_env.writable_dir, "handlers.log")
        self.__class__.log = log
        open(log, "w").close()
        os.chmod(log, 0o666)
        auth = ["AuthType Basic", 'AuthName "api"',
                'AuthUserFile "%s"' % users]
        conf.add('<FilesMatch "\\.php$">\n'
                 '    SetHandler "proxy:unix:%s|fcgi://localhost"\n'
                 '</FilesMatch>' % php_fpm.sock)
        for handler, mode, guard in cases():
            rel = "%s/%s/%s" % (handler, mode, guard)
            body = (["CORSAllowOrigin %s" % APP,
                     "CORSAllowMethods GET POST",
                     "CORSAllowHeaders Content-Type"]
                    + (["CORSPreflight continue"] if mode == "continue"
                       else []) + auth + GUARDS[guard][0])
            if handler == "proxy":
                conf.add("ProxyPass /%s/ http://127.0.0.1:%d/%s/"
                         % (rel, backend.port, rel))
                conf.location("/%s/" % rel, body)
                continue
            if handler == "cgi":
                body += ["Options +ExecCGI", "SetHandler cgi-script"]
                conf.doc(rel + "/run.cgi", CGI.format(log=log), mode=0o755)
            else:
                conf.doc(rel + "/run.php", PHP.format(log=log))
            if mode == "htaccess":
                body.append("AllowOverride FileInfo")
                conf.htaccess(rel, "CORSPreflight continue\n")
            conf.directory(rel, body)
        conf.start()
        # every handler is reachable with the credentials it needs
        r = request(mpm_env.port, "GET", url("php", "continue", "basic"),
                    [("Authorization", GOOD)])
        assert r.status == 200 and r.body == b"handler ran GET\n", \
            "php-fpm not reachable: %r\n%s" % (r, php_fpm.read(php_fpm.log))

    @pytest.fixture(autouse=True)
    def _fresh_traces(self, backend):
        """Each test sees only what its own requests made run (the
        backend serves every MPM's Apache in turn)."""
        for log in (self.log, backend.log):
            open(log, "w").close()

    def handler_ran(self, path, backend, method="OPTIONS"):
        """Whether the CGI, the PHP script or the backend ran a request
        with this method for path."""
        with open(self.log) as f:
            lines = f.read().splitlines() + backend.requests()
        return any(ln.startswith(method + " " + path) for ln in lines)

    # continue (in the section or from an .htaccess): without credentials
    # the guard answers (401 or 403) and the handler never runs
    @pytest.mark.parametrize("handler,mode,guard",
                             [c for c in cases() if c[1] != "handle"])
    def test_cors_615_01(self, mpm_env, backend, handler, mode, guard):
        path = url(handler, mode, guard)
        r = forged_preflight(mpm_env.port, path)
        assert r.status == GUARDS[guard][1], r
        assert b"handler ran" not in r.body, r.body
        assert not self.handler_ran(path, backend), \
            "%s ran a forged preflight without credentials" % handler

    # ... and with them, where a user can pass at all, the handler runs
    # and mod_cors adds the preflight headers to its answer
    @pytest.mark.parametrize("handler,mode,guard",
                             [c for c in cases() if c[1] != "handle"
                              and c[2] in ("basic", "limit")])
    def test_cors_615_02(self, mpm_env, backend, handler, mode, guard):
        path = url(handler, mode, guard)
        r = forged_preflight(mpm_env.port, path, auth=GOOD)
        assert r.status == 200, r
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers
        assert r.get_all("Access-Control-Allow-Methods") == ["POST"]
        assert self.handler_ran(path, backend)

    # handle: an allowed preflight is answered 204 without credentials and
    # without the handler
    @pytest.mark.parametrize("handler,mode,guard",
                             [c for c in cases() if c[1] == "handle"])
    def test_cors_615_03(self, mpm_env, backend, handler, mode, guard):
        path = url(handler, mode, guard)
        r = forged_preflight(mpm_env.port, path)
        assert r.status == 204, r
        assert r.body == b""
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers
        assert r.count("WWW-Authenticate") == 0, r.headers
        assert not self.handler_ran(path, backend)

    # handle: a refused preflight is 403 (never the guard's 401), and no
    # handler runs either
    @pytest.mark.parametrize("handler,mode,guard",
                             [c for c in cases() if c[1] == "handle"])
    def test_cors_615_04(self, mpm_env, backend, handler, mode, guard):
        path = url(handler, mode, guard)
        r = forged_preflight(mpm_env.port, path, origin=EVIL)
        assert r.status == 403, r
        assert r.body == b""
        assert_refused(r)
        assert not self.handler_ran(path, backend)

    # the actual request keeps its guard in every mode
    @pytest.mark.parametrize("handler,mode,guard", cases())
    def test_cors_615_05(self, mpm_env, backend, handler, mode, guard):
        path = url(handler, mode, guard)
        r = request(mpm_env.port, "POST", path, [("Origin", APP)], body="{}")
        if guard == "limit":
            # <Limit OPTIONS> guards nothing else
            assert r.status == 200, r
            assert self.handler_ran(path, backend, "POST")
        else:
            assert r.status == GUARDS[guard][1], r
            assert not self.handler_ran(path, backend, "POST")
