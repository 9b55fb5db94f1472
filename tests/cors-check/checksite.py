"""The servers and scenarios that cors-check is proven on, shared by
tests/cors-check (cors-check alone, in `make test`) and
tests/browser/test_browser_cors_check.py (the same scenarios in real
Chromium and Firefox, and cors-check compared with both).

Servers, all on 127.0.0.1, each its own origin:

  mc     Apache with mod_cors (the harness's Apache, its main port)
  rc     Apache with the mod_headers recipes of docs/migration.md and
         bench/conf/recipe.conf, no mod_cors directive (a virtual host)
  o      a second mod_cors origin that redirects lead to (a virtual host)
  w      a deliberately wrong server (wrongserver.py, Python)
  page   the origin of the page that calls fetch() (a virtual host that
         serves pages/index.html and has no CORS at all)
  evil   a second page origin that no policy allows

A scenario is one fetch() from a page origin, with what both browsers do
(`expect`), where the Fetch Standard says otherwise (`spec`), and where
Chromium and Firefox part (`engines`).  tests/browser checks those
expectations against the real browsers; tests/cors-check checks cors-check
against the same expectations without a browser."""

import contextlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
sys.path.insert(0, HERE)

from harness.conf import CorsConf  # noqa: E402
from harness.env import CorsTestEnv, free_port  # noqa: E402
from wrongserver import WrongServer  # noqa: E402

CORS_CHECK = os.environ.get("CORS_CHECK",
                            os.path.join(REPO, "build", "cors-check"))

ALICE = ("alice", "secret")

# Apache sends a CGI's answer chunked or with a Content-Length, depending
# on timing: Scenario.comparable() leaves content-length out for CGIs.
ECHO_CGI = r"""#!/bin/sh
body=$(head -c "${CONTENT_LENGTH:-0}")
printf 'Content-Type: text/plain\r\nCache-Control: no-store\r\n'
printf 'X-Request-Id: 42\r\nX-Hidden: 1\r\n\r\n'
printf 'method=%s ctype=%s body=%s\n' "$REQUEST_METHOD" "$CONTENT_TYPE" "$body"
"""

DOCS = {
    "mc/basic/data.json": '{"scope": "basic"}\n',
    "mc/strict/data.json": '{"scope": "strict"}\n',
    "mc/api/data.json": '{"scope": "api"}\n',
    "mc/api/echo.cgi": ECHO_CGI,
    "mc/cred/data.json": '{"scope": "cred"}\n',
    "mc/star/data.json": '{"scope": "star"}\n',
    "mc/star/echo.cgi": ECHO_CGI,
    "mc/auth/data.json": '{"scope": "auth"}\n',
    "mc/debug/echo.cgi": ECHO_CGI,
    "o/star/data.json": '{"origin": "other", "policy": "*"}\n',
    "o/page/data.json": '{"origin": "other", "policy": "page"}\n',
    "o/null/data.json": '{"origin": "other", "policy": "null"}\n',
    "rc/bench/data.json": '{"recipe": "bench"}\n',
    "rc/bench/echo.cgi": ECHO_CGI,
    "rc/star-cred/data.json": '{"recipe": "star with credentials"}\n',
    "rc/star-cred/echo.cgi": ECHO_CGI,
    "rc/echo-cred/data.json": '{"recipe": "echo any origin"}\n',
    "rc/auth/data.json": '{"recipe": "401 on preflight"}\n',
}

CONF = r"""
Listen 127.0.0.1:{page_port}
Listen 127.0.0.1:{evil_port}
Listen 127.0.0.1:{rc_port}
Listen 127.0.0.1:{o_port}

<Directory "{pages}">
    Require all granted
</Directory>
<Directory "{htdocs}">
    Options +ExecCGI
    AddHandler cgi-script .cgi
</Directory>
<VirtualHost 127.0.0.1:{page_port}>
    DocumentRoot "{pages}"
</VirtualHost>
<VirtualHost 127.0.0.1:{evil_port}>
    DocumentRoot "{pages}"
</VirtualHost>

# ---- mc: mod_cors (the main server) -----------------------------------
<Location "/mc/basic/">
    CORSAllowOrigin {page}
</Location>
Redirect 302 /mc/basic/old.json /mc/basic/data.json
<Location "/mc/strict/">
    CORSAllowOrigin {page}
</Location>
<Location "/mc/api/">
    CORSAllowOrigin {page}
    CORSAllowMethods GET POST PUT PATCH DELETE
    CORSAllowHeaders Content-Type X-Custom
    CORSExposeHeaders X-Request-Id
</Location>
<Location "/mc/cred/">
    CORSAllowOrigin {page}
    CORSAllowCredentials On
</Location>
<Location "/mc/star/">
    CORSAllowOrigin *
    CORSAllowMethods *
    CORSAllowHeaders *
    CORSExposeHeaders *
</Location>
<Location "/mc/auth/">
    CORSAllowOrigin {page}
    CORSAllowCredentials On
    CORSAllowHeaders Authorization
    AuthType Basic
    AuthName "cors-check"
    AuthUserFile "{htpasswd}"
    Require valid-user
</Location>
<Location "/mc/debug/">
    CORSAllowOrigin {page}
    CORSDebugHeader On
</Location>

# ---- o: a second mod_cors origin, where redirects lead ------------------
<VirtualHost 127.0.0.1:{o_port}>
    DocumentRoot "{htdocs}"
    <Location "/o/star/">
        CORSAllowOrigin *
    </Location>
    <Location "/o/page/">
        CORSAllowOrigin {page}
    </Location>
    <Location "/o/null/">
        CORSAllowOrigin null
    </Location>
</VirtualHost>

# ---- rc: the mod_headers recipes, no mod_cors directive ------------------
<VirtualHost 127.0.0.1:{rc_port}>
    DocumentRoot "{htdocs}"

    # bench/conf/recipe.conf: an allowlist, preflights answered 204 by
    # mod_rewrite in translate_name
    SetEnvIf Origin "^(http://127\.0\.0\.1:{page_port})$" CORS_ORIGIN=$1
    RewriteEngine On
    RewriteCond %{{REQUEST_URI}} ^/rc/bench/
    RewriteCond %{{REQUEST_METHOD}} =OPTIONS
    RewriteCond %{{ENV:CORS_ORIGIN}} !=""
    RewriteCond %{{HTTP:Access-Control-Request-Method}} !=""
    RewriteRule ^ - [E=CORS_PREFLIGHT:1,R=204,L]
    <Location "/rc/bench/">
        Header always set Access-Control-Allow-Origin "%{{CORS_ORIGIN}}e" env=CORS_ORIGIN
        Header always merge Vary Origin
        Header always set Access-Control-Allow-Methods "GET, POST, PUT" env=CORS_PREFLIGHT
        Header always set Access-Control-Allow-Headers "Content-Type" env=CORS_PREFLIGHT
        Header always set Access-Control-Max-Age "7200" env=CORS_PREFLIGHT
    </Location>

    # docs/migration.md recipe 1: "*" with credentials, nothing on errors
    <Location "/rc/star-cred/">
        Header set Access-Control-Allow-Origin "*"
        Header set Access-Control-Allow-Credentials "true"
        Header set Access-Control-Allow-Methods "GET, POST, PUT, DELETE, OPTIONS"
        Header set Access-Control-Allow-Headers "Content-Type, Authorization"
    </Location>

    # docs/migration.md recipe 3: any origin echoed, with credentials
    <Location "/rc/echo-cred/">
        SetEnvIf Origin "^(.+)$" CORS_ECHO=$1
        Header always set Access-Control-Allow-Origin "%{{CORS_ECHO}}e" env=CORS_ECHO
        Header always set Access-Control-Allow-Credentials "true"
    </Location>
</VirtualHost>

# docs/migration.md recipe 4: preflights answered by RewriteRule in a
# directory, after authentication, so a preflight gets 401
<Directory "{htdocs}/rc/auth">
    AuthType Basic
    AuthName "API"
    AuthUserFile "{htpasswd}"
    Require valid-user
    Header always set Access-Control-Allow-Origin "{page}"
    Header always set Access-Control-Allow-Credentials "true"
    Header always set Access-Control-Allow-Methods "GET, POST, PUT, DELETE, OPTIONS"
    Header always set Access-Control-Allow-Headers "Authorization, Content-Type"
    RewriteEngine On
    RewriteCond %{{REQUEST_METHOD}} OPTIONS
    RewriteRule ^(.*)$ $1 [R=200,L]
</Directory>
"""


class Site:
    """The harness's Apache (mod_cors, the recipes, the page origins) and
    the wrong server, started together."""

    def __init__(self, env):
        self.env = env
        self.page_port = free_port()
        self.evil_port = free_port()
        self.rc_port = free_port()
        self.o_port = free_port()
        self.pages = os.path.join(env.root, "pages")
        self.wrong = None

    @property
    def page(self):
        return "http://127.0.0.1:%d" % self.page_port

    @property
    def evil(self):
        return "http://127.0.0.1:%d" % self.evil_port

    def base(self, server):
        if server == "w":
            return self.wrong.origin
        return "http://127.0.0.1:%d" % {"mc": self.env.port,
                                        "rc": self.rc_port,
                                        "o": self.o_port}[server]

    def origin(self, name):
        return {"page": self.page, "evil": self.evil}[name]

    def start(self):
        env = self.env
        conf = CorsConf(env)
        htpasswd = conf.htpasswd("cors-check-users", *ALICE)
        conf.add(CONF.format(
            page_port=self.page_port, evil_port=self.evil_port,
            rc_port=self.rc_port, o_port=self.o_port, pages=self.pages,
            htdocs=env.htdocs, htpasswd=htpasswd, page=self.page))
        for rel, text in DOCS.items():
            conf.doc(rel, text, 0o755 if rel.endswith(".cgi") else 0o644)
        env.write_file(os.path.join(self.pages, "index.html"),
                       "<!doctype html><title>cors-check page</title>\n")
        conf.start()
        self.wrong = WrongServer(self.page, self.base("o")).start()
        return self


@contextlib.contextmanager
def serving():
    """The started Site for a session (the fixtures of tests/cors-check and
    tests/browser); afterwards the wrong server is stopped and httpd ended
    through the harness (a crashed child fails the run)."""
    import pytest
    if not os.path.isfile(CORS_CHECK):
        pytest.fail("%s not built (make cors-check)" % CORS_CHECK,
                    pytrace=False)
    env = CorsTestEnv(gen_dir=os.environ.get("CORS_TEST_GEN_DIR"))
    env.require_module().setup()
    site = Site(env)
    try:
        site.start()
        yield site
    finally:
        if site.wrong:
            site.wrong.stop()
        env.finish()


class Scenario:
    """One fetch() from a page, and what the browsers make of it.

    expect     "readable" or "blocked": what both browsers do
    engines    {"chromium": ..., "firefox": ...} where they differ
    spec       the Fetch Standard's verdict where it differs from expect
    status     the status JavaScript sees (when readable)
    readable   the header names JavaScript can read (when readable)
    code       cors-check's failure code (when blocked)
    warning    a text cors-check must warn with
    debug      a text of mod_cors's CORS-Debug header cors-check must show
    """

    def __init__(self, sid, server, path, method="GET", headers=(),
                 body=None, credentials=False, page="page",
                 expect="readable", engines=None, spec=None, status=200,
                 readable=None, code=None, warning=None, debug=None,
                 why=""):
        self.sid = sid
        self.server = server
        self.path = path
        self.method = method
        self.headers = list(headers)
        self.body = body
        self.credentials = credentials
        self.page = page
        self.expect = expect
        self.engines = engines or {}
        self.spec = spec or self.expect_for("chromium")
        self.status = status
        self.readable = readable
        self.code = code
        self.warning = warning
        self.debug = debug
        self.why = why

    def comparable(self, names):
        """Readable header names as compared: sorted, without the ones
        that describe the connection rather than the response (browsers
        send Connection: keep-alive, to which Apache answers with
        Connection and Keep-Alive; curl does not), and without the framing
        of a CGI's answer, chunked or not by timing (see ECHO_CGI)."""
        cgi = ".cgi" in self.path
        return sorted(n for n in names
                      if n not in ("connection", "keep-alive")
                      and not (cgi and n in ("content-length",
                                             "transfer-encoding")))

    def expect_for(self, engine):
        return self.engines.get(engine, self.expect)

    @property
    def browsers_verdict(self):
        """cors-check's default verdict: blocked if either browser blocks."""
        if "blocked" in (self.expect_for("chromium"),
                         self.expect_for("firefox")):
            return "blocked"
        return "readable"

    def url(self, site, tag):
        sep = "&" if "?" in self.path else "?"
        return "%s%s%st=%s" % (site.base(self.server), self.path, sep, tag)

    def fetch_init(self):
        init = {"method": self.method,
                "credentials": "include" if self.credentials
                else "same-origin",
                "cache": "no-store"}
        if self.headers:
            init["headers"] = [list(h) for h in self.headers]
        if self.body is not None:
            init["body"] = self.body
        return init

    def cors_check_args(self, site, tag):
        args = [CORS_CHECK, self.url(site, tag), "--origin",
                site.origin(self.page), "-X", self.method, "--json"]
        for name, value in self.headers:
            args += ["-H", "%s: %s" % (name, value)]
        if self.body is not None:
            args += ["-d", self.body]
        if self.credentials:
            args.append("--credentials")
        return args

    def __repr__(self):
        return self.sid


def run_cors_check(args, timeout=60):
    """(exit status, decoded JSON or None, stdout+stderr)."""
    p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    out = p.stdout.decode("utf-8", "replace")
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    return p.returncode, doc, out + p.stderr.decode("utf-8", "replace")


S = Scenario
JSON = ("Content-Type", "application/json")
CUSTOM = ("X-Custom", "1")
BEARER = ("Authorization", "Bearer x")
STATIC = ["content-length", "content-type", "last-modified"]
CGI = ["cache-control", "content-length", "content-type", "x-request-id"]
WRONG_BASE = ["cache-control", "content-length", "content-type"]

SCENARIOS = [
    # ---- Apache with mod_cors ------------------------------------------
    S("mc-get-allowed", "mc", "/mc/basic/data.json", readable=STATIC),
    S("mc-get-refused-origin", "mc", "/mc/basic/data.json", page="evil",
      expect="blocked", code="acao-missing"),
    S("mc-put-json", "mc", "/mc/api/echo.cgi", "PUT", [JSON], '{"a": 1}',
      readable=CGI),
    S("mc-put-unlisted-header", "mc", "/mc/api/echo.cgi", "PUT",
      [JSON, ("X-Other", "1")], '{}', expect="blocked",
      code="acao-missing"),
    S("mc-delete-not-allowed", "mc", "/mc/strict/data.json", "DELETE",
      expect="blocked", code="acao-missing"),
    S("mc-lowercase-patch", "mc", "/mc/api/echo.cgi", "patch",
      expect="blocked", code="acao-missing",
      why="fetch() keeps 'patch' lowercase; CORSAllowMethods PATCH does "
          "not allow it"),
    S("mc-expose-one", "mc", "/mc/api/echo.cgi",
      readable=CGI),
    S("mc-cred-on", "mc", "/mc/cred/data.json", credentials=True,
      readable=STATIC),
    S("mc-cred-off", "mc", "/mc/basic/data.json", credentials=True,
      expect="blocked", code="acac-not-true"),
    S("mc-star-no-cred", "mc", "/mc/star/echo.cgi", "PUT", [CUSTOM],
      why="CORSExposeHeaders *: every header"),
    S("mc-star-cred", "mc", "/mc/star/data.json", credentials=True,
      expect="blocked", code="acao-star-with-credentials"),
    S("mc-star-authorization", "mc", "/mc/star/data.json", headers=[BEARER],
      expect="blocked", code="acao-missing",
      why="mod_cors: '*' in CORSAllowHeaders never covers Authorization, "
          "so the preflight is refused"),
    # Without credentials: with credentials: 'include', both Chromium and
    # Firefox put up their HTTP authentication prompt for this 401 (the
    # Standard prompts only for requests that are not CORS), and a headless
    # browser waits on it for ever; cors-check warns of it instead.
    S("mc-auth-401-readable", "mc", "/mc/auth/data.json", status=401,
      readable=["content-length", "content-type"]),
    S("mc-auth-preflight-passes", "mc", "/mc/auth/data.json",
      headers=[("Authorization", "Basic YWxpY2U6c2VjcmV0")],
      credentials=True, readable=STATIC),
    S("mc-debug-method", "mc", "/mc/debug/echo.cgi", "PUT",
      expect="blocked", code="method-not-allowed", debug="method PUT",
      why="CORSDebugHeader On: 204 with what the preflight earned, and "
          "the reason in CORS-Debug"),
    S("mc-same-origin-redirect", "mc", "/mc/basic/old.json",
      readable=STATIC),
    S("mc-404-readable", "mc", "/mc/api/missing.json", status=404,
      readable=["content-length", "content-type"]),
    S("mc-post-text-plain", "mc", "/mc/api/echo.cgi", "POST",
      [("Content-Type", "text/plain;charset=UTF-8")], "hello",
      readable=CGI),
    S("mc-accept-language", "mc", "/mc/basic/data.json",
      headers=[("Accept-Language", "de-CH, en;q=0.5")], readable=STATIC),
    S("mc-accept-unsafe-byte", "mc", "/mc/basic/data.json",
      headers=[("Accept", "application/json (v2)")], readable=STATIC,
      why="'(' makes Accept CORS-unsafe: a preflight, which mod_cors "
          "allows (Accept is always allowed)"),
    S("mc-content-type-too-long", "mc", "/mc/basic/data.json", "POST",
      [("Content-Type", "text/plain; x=" + "a" * 120)], "x",
      expect="blocked", code="acao-missing",
      why="a safelisted value longer than 128 bytes needs a preflight"),
    S("mc-range", "mc", "/mc/basic/data.json",
      headers=[("Range", "bytes=0-4")], status=206,
      readable=["content-length", "content-type", "last-modified"],
      why="Range: bytes=0-4 is CORS-safelisted: no preflight"),
    S("mc-suffix-range", "mc", "/mc/basic/data.json",
      headers=[("Range", "bytes=-4")], expect="blocked",
      code="acao-missing",
      why="a suffix range is not safelisted: a preflight"),

    S("mc-content-type-quoted", "mc", "/mc/basic/data.json", "POST",
      [("Content-Type", 'text/plain; charset="utf-8"')], "x",
      expect="blocked", code="acao-missing",
      why="a '\"' is a CORS-unsafe request-header byte: a preflight, "
          "which /mc/basic/ refuses"),

    # ---- the second mod_cors origin, reached by redirects --------------
    S("o-null-not-allowed-directly", "o", "/o/null/data.json",
      expect="blocked", code="acao-missing"),

    # ---- Apache with the mod_headers recipes -----------------------------
    S("rc-bench-get", "rc", "/rc/bench/data.json", readable=STATIC),
    S("rc-bench-refused", "rc", "/rc/bench/data.json", page="evil",
      expect="blocked", code="acao-missing"),
    S("rc-bench-put-json", "rc", "/rc/bench/echo.cgi", "PUT", [JSON], '{}',
      readable=["cache-control", "content-length", "content-type"]),
    S("rc-bench-put-custom", "rc", "/rc/bench/echo.cgi", "PUT",
      [JSON, CUSTOM], '{}', expect="blocked", code="header-not-allowed"),
    S("rc-star-cred-no-cred", "rc", "/rc/star-cred/data.json",
      readable=STATIC),
    S("rc-star-cred-with-cred", "rc", "/rc/star-cred/data.json",
      credentials=True, expect="blocked",
      code="acao-star-with-credentials"),
    S("rc-star-cred-404", "rc", "/rc/star-cred/missing.json",
      expect="blocked", code="acao-missing",
      why="'Header set' without 'always' leaves error responses bare"),
    S("rc-star-cred-put-static", "rc", "/rc/star-cred/data.json", "PUT",
      [JSON], '{}', expect="blocked", code="acao-missing",
      why="the preflight passes (core answers OPTIONS 200), the PUT's "
          "405 carries no CORS header"),
    S("rc-echo-cred", "rc", "/rc/echo-cred/data.json", credentials=True,
      readable=STATIC, warning="Vary: Origin",
      why="any origin is echoed with credentials: readable, and no Vary"),
    S("rc-auth-preflight-401", "rc", "/rc/auth/data.json", "PUT", [JSON],
      '{}', credentials=True, expect="blocked", code="preflight-status"),

    # ---- the wrong server ------------------------------------------------
    S("w-ok", "w", "/w/ok", readable=WRONG_BASE),
    S("w-two-acao", "w", "/w/two-acao", expect="blocked",
      code="acao-multiple"),
    S("w-acao-list", "w", "/w/acao-list", expect="blocked",
      code="acao-mismatch"),
    S("w-acao-space-list", "w", "/w/acao-space-list", expect="blocked",
      code="acao-mismatch"),
    S("w-acao-trailing-slash", "w", "/w/slash", expect="blocked",
      code="acao-mismatch"),
    S("w-acao-uppercase", "w", "/w/upper", expect="blocked",
      code="acao-mismatch"),
    S("w-star", "w", "/w/star", readable=WRONG_BASE),
    S("w-star-cred", "w", "/w/star-cred", credentials=True,
      expect="blocked", code="acao-star-with-credentials"),
    S("w-acac-True", "w", "/w/cred-True", credentials=True,
      expect="blocked", code="acac-not-true"),
    S("w-acac-True-no-cred", "w", "/w/cred-True", readable=WRONG_BASE),
    S("w-acac-missing", "w", "/w/cred-missing", credentials=True,
      expect="blocked", code="acac-not-true"),
    S("w-acac-twice", "w", "/w/cred-two", credentials=True,
      expect="blocked", code="acac-not-true"),
    S("w-acao-null", "w", "/w/null", expect="blocked",
      code="acao-mismatch"),
    S("w-no-vary", "w", "/w/no-vary", readable=WRONG_BASE,
      warning="Vary: Origin",
      why="no Vary: Origin is a cache problem, not a browser failure"),
    S("w-404-with-acao", "w", "/w/404-acao", status=404,
      readable=WRONG_BASE),
    S("w-500-without-acao", "w", "/w/500-no-acao", expect="blocked",
      code="acao-missing"),
    S("w-preflight-401", "w", "/w/pf401", "PUT", [JSON], '{}',
      expect="blocked", code="preflight-status"),
    S("w-preflight-redirect", "w", "/w/pf-redirect", "PUT", [JSON], '{}',
      expect="blocked", code="preflight-redirect"),
    S("w-acah-lacks-one", "w", "/w/pf-no-acah", "PUT", [JSON, CUSTOM],
      '{}', expect="blocked", code="header-not-allowed"),
    S("w-acah-has-it", "w", "/w/pf-no-acah", "PUT", [JSON], '{}',
      readable=WRONG_BASE),
    S("w-acam-missing-put", "w", "/w/pf-no-acam", "PUT", [JSON], '{}',
      expect="blocked", code="method-not-allowed"),
    S("w-acam-missing-post", "w", "/w/pf-no-acam", "POST", [JSON], '{}',
      readable=WRONG_BASE,
      why="POST is safelisted: no Access-Control-Allow-Methods needed"),
    S("w-acam-lowercase-put", "w", "/w/pf-acam-lower", "PUT",
      expect="blocked", code="method-not-allowed",
      why="methods compare case-sensitively: 'put' does not allow PUT"),
    S("w-acam-lowercase-patch", "w", "/w/pf-acam-lower", "patch",
      readable=WRONG_BASE),
    S("w-star-lists-no-cred", "w", "/w/pf-star", "PUT", [CUSTOM],
      readable=WRONG_BASE),
    S("w-star-lists-cred", "w", "/w/pf-star", "PUT", [CUSTOM],
      credentials=True, expect="blocked", code="method-not-allowed",
      why="with credentials '*' is a literal method name"),
    S("w-star-authorization", "w", "/w/pf-star", headers=[BEARER],
      spec="blocked", readable=WRONG_BASE,
      why="shipping browsers let '*' cover Authorization; the Standard "
          "does not"),
    S("w-acah-unparsable", "w", "/w/pf-acah-bad", headers=[CUSTOM],
      expect="blocked", code="acah-invalid"),
    S("w-acah-sloppy-list", "w", "/w/pf-acah-sloppy", "PUT",
      [JSON, CUSTOM], '{}', expect="blocked", code="method-not-allowed"),
    S("w-acah-sloppy-list-post", "w", "/w/pf-acah-sloppy", "POST",
      [JSON, CUSTOM], '{}', readable=WRONG_BASE,
      why="empty elements and spaces in the list are fine"),
    S("w-acah-two-fields", "w", "/w/pf-acah-two", "POST", [JSON, CUSTOM],
      '{}', readable=WRONG_BASE),
    S("w-preflight-star-cred", "w", "/w/pf-star-acao", headers=[CUSTOM],
      credentials=True, expect="blocked",
      code="acao-star-with-credentials"),
    S("w-preflight-no-acac", "w", "/w/pf-no-acac", headers=[CUSTOM],
      credentials=True, expect="blocked", code="acac-not-true"),
    S("w-redirect-no-acao", "w", "/w/redirect-other-no-acao",
      expect="blocked", code="acao-missing",
      why="the redirect itself must pass the CORS check"),
    S("w-redirect-other-star", "w", "/w/redirect-other-star",
      readable=STATIC),
    S("w-redirect-other-page", "w", "/w/redirect-other-page",
      expect="blocked", code="acao-missing",
      why="after a redirect from one other origin to another, Origin is "
          "null, which /o/page/ does not allow"),
    S("w-redirect-other-null", "w", "/w/redirect-other-null",
      readable=STATIC),
    S("w-redirect-same-origin", "w", "/w/redirect-same",
      readable=WRONG_BASE),
    S("w-redirect-to-page", "w", "/w/redirect-to-page", expect="blocked",
      code="acao-missing",
      why="back on the page's own origin the request is still CORS, with "
          "Origin null"),
    S("w-redirect-307-put", "w", "/w/redirect-307", "PUT", [JSON], '{}',
      readable=WRONG_BASE,
      why="a preflighted PUT redirected with 307 is preflighted again at "
          "the new URL"),
    S("w-redirect-303-post", "w", "/w/redirect-303", "POST", [JSON], '{}',
      readable=WRONG_BASE,
      why="303 turns the POST into a GET without Content-Type: no second "
          "preflight"),
    S("w-redirect-drops-authorization", "w", "/w/redirect-localhost-auth",
      headers=[BEARER], readable=WRONG_BASE,
      engines={"firefox": "blocked"}, code="acao-mismatch",
      why="a 307 to another origin drops Authorization: the request there "
          "is simple, with Origin null, which the target allows; Firefox "
          "preflights it again with the page's own origin, which the "
          "target does not allow"),
    S("w-redirect-repreflight-echo", "w", "/w/redirect-localhost-echo",
      headers=[BEARER], readable=WRONG_BASE,
      why="the same, to a target that echoes any Origin: readable in both, "
          "Firefox with one preflight more"),
    S("w-redirect-repreflight-custom", "w", "/w/redirect-localhost-echo",
      headers=[CUSTOM], readable=WRONG_BASE,
      why="X-Custom still needs a preflight after the redirect: Chromium "
          "sends it with Origin null, Firefox with the page's origin"),
    S("w-accept-language-underscore", "w", "/w/pf-no-acah",
      headers=[("Accept-Language", "en_US")], expect="blocked",
      code="header-not-allowed",
      why="'_' is not allowed in a safelisted Accept-Language"),
    S("w-method-mixed-case", "w", "/w/pf-no-acah", "pUt", readable=WRONG_BASE,
      why="fetch() uppercases put in any case: PUT"),
    S("w-expose-list", "w", "/w/expose",
      readable=WRONG_BASE + ["x-a", "x-b"]),
    S("w-expose-star", "w", "/w/expose-star",
      readable=sorted(WRONG_BASE + [
          "access-control-allow-credentials",
          "access-control-allow-origin", "access-control-expose-headers",
          "date", "server", "vary", "x-a", "x-b", "x-c"])),
    S("w-expose-star-cred", "w", "/w/expose-star", credentials=True,
      readable=WRONG_BASE, warning="exposes nothing with credentials",
      why="with credentials '*' exposes only a header named '*'"),
    S("w-expose-unparsable", "w", "/w/expose-bad", readable=WRONG_BASE),
    S("w-expose-set-cookie", "w", "/w/expose-set-cookie",
      readable=WRONG_BASE + ["x-c"]),
]
