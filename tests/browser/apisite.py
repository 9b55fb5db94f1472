"""The Apache the browser suite talks to: ONE configuration for every
scenario, started once per session through the integration harness
(tests/integration/harness: CorsTestEnv, CorsConf).

Origins, all on 127.0.0.1 (one httpd, four ports):

  API      http://127.0.0.1:<env.port>           the main server, mod_cors
                                                 policies under /b/<scope>/
  PAGE     http://127.0.0.1:<page>               an allowed origin
  EVIL     http://127.0.0.1:<evil>               an origin the API refuses
  WILD     http://<name>.test:<wild>             for the wildcard scope:
                                                 app.preview.test and
                                                 deep.app.preview.test match
                                                 http://*.preview.test:<wild>,
                                                 preview.test itself does not

Every page origin serves demo/page (the `make demo` page, copied, with a
demo-config.json that points at this API), so the document the scenarios run
in is the demo's.  Browsers compare origins as scheme://host:port, so the
ports are distinct origins while 127.0.0.1 stays one site (cookies are per
host, not per port, which the credentials scenarios rely on).

A second access log, browser_log, records what each request carried
(Origin, Access-Control-Request-*, Cookie) and mod_cors's verdict, so a test
can count preflights and see what the browser asked for."""

import json
import os
import shutil
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))

from harness.conf import CorsConf  # noqa: E402
from harness.env import free_port  # noqa: E402

DEMO_PAGE = os.path.join(REPO, "demo", "page")

WILD_HOSTS = ["app.preview.test", "deep.app.preview.test", "preview.test"]

ALICE = ("alice", "secret")

# echoes what reached the server; the body is read up to CONTENT_LENGTH
ECHO_CGI = r"""#!/bin/sh
body=$(head -c "${CONTENT_LENGTH:-0}")
printf 'Content-Type: text/plain\r\nCache-Control: no-store\r\n\r\n'
printf 'method=%s ctype=%s x-custom=%s cookie=%s body=%s\n' \
    "$REQUEST_METHOD" "$CONTENT_TYPE" "$HTTP_X_CUSTOM" "$HTTP_COOKIE" "$body"
"""

# a backend that fails and says so in its body
FAIL500_CGI = r"""#!/bin/sh
printf 'Status: 500 Internal Server Error\r\nContent-Type: text/plain\r\n\r\n'
printf 'backend failed: database unavailable\n'
"""

# a script that dies before printing headers: Apache's own 500 page
CRASH_CGI = """#!/bin/sh
exit 3
"""

DOCS = {
    "b/basic/data.json": '{"scope": "basic"}\n',
    "b/api/data.json": '{"scope": "api", "items": [1, 2, 3]}\n',
    "b/api/echo.cgi": ECHO_CGI,
    "b/api/fail500.cgi": FAIL500_CGI,
    "b/api/crash.cgi": CRASH_CGI,
    "b/strict/echo.cgi": ECHO_CGI,
    "b/star/echo.cgi": ECHO_CGI,
    "b/cred-on/echo.cgi": ECHO_CGI,
    "b/cred-off/echo.cgi": ECHO_CGI,
    "b/auth/secret.json": '{"secret": "only for alice"}\n',
    "b/expose/list.json": '["a", "b"]\n',
    "b/noexpose/list.json": '["a", "b"]\n',
    "b/cache/echo.cgi": ECHO_CGI,
    "b/nocache/echo.cgi": ECHO_CGI,
    "b/wild/data.json": '{"scope": "wild"}\n',
    "b/timing/data.json": '{"scope": "timing"}\n',
    "b/notiming/data.json": '{"scope": "notiming"}\n',
    "b/errpages/404.json": '{"error": "no such item", "from": '
                           '"ErrorDocument"}\n',
}

CONF = r"""
# ---- origins: three page ports besides the API's -------------------------
Listen 127.0.0.1:{page}
Listen 127.0.0.1:{evil}
Listen 127.0.0.1:{wild}

LogFormat "%{{local}}p %m %U%q %>s origin=\"%{{Origin}}i\" acrm=\"%{{Access-Control-Request-Method}}i\" acrh=\"%{{Access-Control-Request-Headers}}i\" acrpn=\"%{{Access-Control-Request-Private-Network}}i\" cookie=\"%{{Cookie}}i\" auth=\"%{{Authorization}}i\" cors=%{{CORS}}e" browser
CustomLog "{logs}/browser_log" browser

<Directory "{pages}">
    Require all granted
</Directory>
<Directory "{htdocs}/b">
    Options +ExecCGI
    AddHandler cgi-script .cgi
</Directory>
<VirtualHost 127.0.0.1:{page}>
    DocumentRoot "{pages}"
</VirtualHost>
<VirtualHost 127.0.0.1:{evil}>
    DocumentRoot "{pages}"
</VirtualHost>
<VirtualHost 127.0.0.1:{wild}>
    DocumentRoot "{pages}"
</VirtualHost>

# ---- the API (main server, port {api}) -----------------------------------
# one allowed origin, every other directive at its default
<Location "/b/basic/">
    CORSAllowOrigin {page_origin}
</Location>

# preflighted methods and headers; errors from CGI and Apache
<Location "/b/api/">
    CORSAllowOrigin {page_origin}
    CORSAllowMethods GET POST PUT PATCH
    CORSAllowHeaders Content-Type X-Custom
</Location>
Redirect 302 /b/api/old.json /b/api/data.json

# no Content-Type, no X-Custom: their preflights are refused
<Location "/b/strict/">
    CORSAllowOrigin {page_origin}
    CORSAllowMethods GET POST PUT
</Location>

# every header except Authorization (Fetch Standard)
<Location "/b/star/">
    CORSAllowOrigin {page_origin}
    CORSAllowHeaders *
</Location>

<Location "/b/cred-on/">
    CORSAllowOrigin {page_origin}
    CORSAllowCredentials On
</Location>
<Location "/b/cred-off/">
    CORSAllowOrigin {page_origin}
    CORSAllowCredentials Off
</Location>

# Basic auth; its preflights pass without credentials
<Location "/b/auth/">
    CORSAllowOrigin {page_origin}
    CORSAllowHeaders X-Custom Authorization
    AuthType Basic
    AuthName "browser suite"
    AuthUserFile "{htpasswd}"
    Require valid-user
</Location>

<Location "/b/expose/">
    CORSAllowOrigin {page_origin}
    CORSExposeHeaders X-Total-Count
    Header always set X-Total-Count 42
</Location>
<Location "/b/noexpose/">
    CORSAllowOrigin {page_origin}
    Header always set X-Total-Count 42
</Location>

# a local-URL and a text ErrorDocument; /b/errpages/ has no policy of its
# own: the policy is the one of the URL the browser asked for
<Location "/b/errdoc/">
    CORSAllowOrigin {page_origin}
    ErrorDocument 404 /b/errpages/404.json
    ErrorDocument 410 "this item is gone"
</Location>
Redirect gone /b/errdoc/gone

<Location "/b/cache/">
    CORSAllowOrigin {page_origin}
    CORSAllowMethods PUT
    CORSAllowHeaders X-Custom
    CORSMaxAge 600
</Location>
<Location "/b/nocache/">
    CORSAllowOrigin {page_origin}
    CORSAllowMethods PUT
    CORSAllowHeaders X-Custom
    CORSMaxAge 0
</Location>

<Location "/b/wild/">
    CORSAllowOrigin http://*.preview.test:{wild}
</Location>

# Resource Timing: detailed timings for the allowed origin only
<Location "/b/timing/">
    CORSAllowOrigin {page_origin}
    CORSTimingAllowOrigin On
</Location>
<Location "/b/notiming/">
    CORSAllowOrigin {page_origin}
</Location>
"""


class Site:
    """The started Apache and the URLs of its origins."""

    def __init__(self, env):
        self.env = env
        self.api_port = env.port
        self.page_port = free_port()
        self.evil_port = free_port()
        self.wild_port = free_port()
        self.pages = os.path.join(env.root, "pages")
        self.browser_log = os.path.join(env.logs_dir, "browser_log")

    # origins and URLs
    @property
    def api(self):
        return "http://127.0.0.1:%d" % self.api_port

    @property
    def page_origin(self):
        return "http://127.0.0.1:%d" % self.page_port

    @property
    def evil_origin(self):
        return "http://127.0.0.1:%d" % self.evil_port

    def wild_origin(self, host):
        return "http://%s:%d" % (host, self.wild_port)

    def page(self, origin):
        """The demo page on that origin."""
        return origin + "/index.html"

    def start(self):
        env = self.env
        conf = CorsConf(env)
        htpasswd = conf.htpasswd("browser-users", *ALICE)
        conf.add(CONF.format(
            page=self.page_port, evil=self.evil_port, wild=self.wild_port,
            api=self.api_port, logs=env.logs_dir, pages=self.pages,
            htdocs=env.htdocs, htpasswd=htpasswd,
            page_origin=self.page_origin))
        for rel, text in DOCS.items():
            conf.doc(rel, text, 0o755 if rel.endswith(".cgi") else 0o644)
        self._copy_demo_page()
        conf.start()
        for port in (self.page_port, self.evil_port, self.wild_port):
            self._wait_port(port)
        return self

    @staticmethod
    def _wait_port(port, timeout=10):
        deadline = time.time() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), 0.5).close()
                return
            except OSError as e:
                if time.time() > deadline:
                    raise AssertionError("page port %d does not answer: %s"
                                         % (port, e))
                time.sleep(0.05)

    def _copy_demo_page(self):
        os.makedirs(self.pages, exist_ok=True)
        for name in os.listdir(DEMO_PAGE):
            shutil.copy(os.path.join(DEMO_PAGE, name), self.pages)
        with open(os.path.join(self.pages, "demo-config.json"), "w") as f:
            json.dump({"api_port": self.api_port,
                       "page_port": self.page_port,
                       "refused_port": self.evil_port,
                       "allowed_origins": [self.page_origin],
                       # the scenarios make their own calls
                       "run_on_load": False}, f)
        for d in (self.env.root, self.pages):
            os.chmod(d, 0o755)
        for name in os.listdir(self.pages):
            os.chmod(os.path.join(self.pages, name), 0o644)

    def log_lines(self, marker):
        """browser_log lines of requests whose URL contains marker."""
        try:
            with open(self.browser_log, encoding="utf-8",
                      errors="replace") as f:
                return [ln.rstrip("\n") for ln in f if marker in ln]
        except OSError:
            return []
