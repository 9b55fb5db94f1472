"""docs/behaviour.md §1 and §6: every invalid value fails `apache2 -t` with
the directive's name, the value and what is wrong (a hint where one helps);
valid values, including unusual ones, pass."""

import re

import pytest

from harness.client import request
from harness.conf import CorsConf
from harness.logs import cors_warnings
from harness.util import assert_allowed, suggestion_re


def log_escape(s):
    """s as httpd's error log prints it (ap_escape_logitem: backslash,
    double quote, control and non-ASCII bytes escaped)."""
    out = []
    for b in s.encode("utf-8"):
        c = chr(b)
        if c in '\\"':
            out.append("\\" + c)
        elif b < 0x20 or b >= 0x7f:
            out.append("\\x%02x" % b)
        else:
            out.append(c)
    return "".join(out)


def check(env, text):
    conf = CorsConf(env)
    conf.add(text)
    return conf.check()


def assert_config_error(env, text, must_contain=(), suggestions=(),
                        any_of=()):
    rc, out = check(env, text)
    assert rc != 0, "apache2 -t accepted:\n%s\n--\n%s" % (text, out)
    assert "Syntax OK" not in out, out
    for s in must_contain:
        assert s in out or log_escape(s) in out, \
            "%r not in error output:\n%s" % (s, out)
    for s in suggestions:
        assert suggestion_re(s).search(out), \
            "suggestion %r not in error output:\n%s" % (s, out)
    for alternatives in any_of:
        low = out.lower()
        assert any(a.lower() in low for a in alternatives), \
            "none of %r in error output:\n%s" % (alternatives, out)
    return out


# (id, configuration, substrings the message must carry,
#  values it must suggest, groups of which one must be present)
ORIGIN_ERRORS = [
    # trailing slash: names the value and suggests the origin without it
    ("slash", "CORSAllowOrigin https://app.example.com/",
     ["CORSAllowOrigin", "https://app.example.com/"],
     ["https://app.example.com"], []),
    # a path
    ("path", "CORSAllowOrigin https://app.example.com/api/v1",
     ["CORSAllowOrigin", "https://app.example.com/api/v1"],
     ["https://app.example.com"], []),
    # a query
    ("query", "CORSAllowOrigin https://app.example.com?x=1",
     ["CORSAllowOrigin", "https://app.example.com?x=1"],
     ["https://app.example.com"], []),
    # a fragment
    ("fragment", "CORSAllowOrigin https://app.example.com#top",
     ["CORSAllowOrigin", "https://app.example.com#top"],
     ["https://app.example.com"], []),
    # userinfo
    ("userinfo", "CORSAllowOrigin https://user@a.example",
     ["CORSAllowOrigin", "https://user@a.example"],
     ["https://a.example"], []),
    # userinfo with a password and a port
    ("userinfo-port", "CORSAllowOrigin https://u:pw@a.example:8443",
     ["CORSAllowOrigin", "https://u:pw@a.example:8443"],
     ["https://a.example:8443"], []),
    # a non-ASCII host must be given in punycode
    ("non-ascii", "CORSAllowOrigin https://b\u00fccher.example",
     ["CORSAllowOrigin", "b\u00fccher.example"], [],
     [("ASCII", "punycode")]),
    # a wildcard over a bare top-level label
    ("bare-tld", "CORSAllowOrigin https://*.com",
     ["CORSAllowOrigin", "https://*.com"], [], []),
    # no scheme at all: https:// is proposed
    ("no-scheme", "CORSAllowOrigin app.example.com",
     ["CORSAllowOrigin: 'app.example.com' is not an origin: it has no "
      "scheme; did you mean 'https://app.example.com'?"], [], []),
    # a wildcard without its scheme
    ("no-scheme-wildcard", "CORSAllowOrigin *.example.com",
     ["CORSAllowOrigin: '*.example.com' is not an origin: it has no scheme; "
      "did you mean 'https://*.example.com'?"],
     ["https://*.example.com"], []),
    # values separated by commas: the message CORSAllowHeaders gives
    ("comma", "CORSAllowOrigin https://a.example.com, https://b.example.com",
     ["CORSAllowOrigin: 'https://a.example.com,' is not a single origin; "
      "list the values separated by spaces, not commas"], [], []),
    ("comma-no-space",
     "CORSAllowOrigin https://a.example.com,https://b.example.com",
     ["CORSAllowOrigin: 'https://a.example.com,https://b.example.com' is not "
      "a single origin; list the values separated by spaces, not commas"],
     [], []),
    # port out of range
    ("port-65536", "CORSAllowOrigin https://a.example:65536",
     ["CORSAllowOrigin", "https://a.example:65536"], [], []),
    # port 0
    ("port-0", "CORSAllowOrigin https://a.example:0",
     ["CORSAllowOrigin", "https://a.example:0"], [], []),
    # a port that is not a number
    ("port-alpha", "CORSAllowOrigin https://a.example:http",
     ["CORSAllowOrigin", "https://a.example:http"], [], []),
    # scheme without host
    ("no-host", "CORSAllowOrigin https://",
     ["CORSAllowOrigin", "https://"], [], []),
]


class TestOriginErrors:

    # each malformed CORSAllowOrigin value fails with name, value and hint
    @pytest.mark.parametrize("cid,text,contains,suggest,any_of",
                             ORIGIN_ERRORS, ids=[c[0] for c in ORIGIN_ERRORS])
    def test_cors_100_01(self, cors_env, cid, text, contains, suggest,
                         any_of):
        assert_config_error(cors_env, text, contains, suggest, any_of)

    # the same errors inside a <Location> section
    def test_cors_100_02(self, cors_env):
        assert_config_error(cors_env, """<Location /api/>
    CORSAllowOrigin https://app.example.com/
</Location>""", ["CORSAllowOrigin", "https://app.example.com/"],
            ["https://app.example.com"])

    # several bad values in one line: the message names all of them
    def test_cors_100_03(self, cors_env):
        assert_config_error(
            cors_env, "CORSAllowOrigin https://ok.example https://a.example/"
            " https://b.example/path https://u@c.example",
            ["CORSAllowOrigin", "https://a.example/",
             "https://b.example/path", "https://u@c.example"])


CREDENTIAL_ERRORS = [
    # "*" then credentials in the same section
    ("star-then-cred", "CORSAllowOrigin *\nCORSAllowCredentials On",
     ["CORSAllow"], [("credential",)]),
    # credentials then "*" in the same section
    ("cred-then-star", "CORSAllowCredentials On\nCORSAllowOrigin *",
     ["CORSAllow"], [("credential",)]),
    # same two inside a <Location>, both orders
    ("loc-star-then-cred", "<Location /api/>\nCORSAllowOrigin *\n"
     "CORSAllowCredentials On\n</Location>", ["CORSAllow"], [("credential",)]),
    ("loc-cred-then-star", "<Location /api/>\nCORSAllowCredentials On\n"
     "CORSAllowOrigin *\n</Location>", ["CORSAllow"], [("credential",)]),
    # null with credentials, both orders
    ("null-then-cred", "CORSAllowOrigin null\nCORSAllowCredentials On",
     ["null"], [("credential",)]),
    ("cred-then-null", "CORSAllowCredentials On\nCORSAllowOrigin null",
     ["null"], [("credential",)]),
    # CORSExposeHeaders * with credentials, both orders
    ("aceh-star-then-cred", "CORSAllowOrigin https://a.example\n"
     "CORSExposeHeaders *\nCORSAllowCredentials On",
     ["CORSExposeHeaders"], [("credential",)]),
    ("cred-then-aceh-star", "CORSAllowOrigin https://a.example\n"
     "CORSAllowCredentials On\nCORSExposeHeaders *",
     ["CORSExposeHeaders"], [("credential",)]),
    # wildcard over a public suffix with credentials, both orders
    ("co-uk-then-cred", "CORSAllowOrigin https://*.co.uk\n"
     "CORSAllowCredentials On", ["https://*.co.uk"], [("credential",)]),
    ("cred-then-co-uk", "CORSAllowCredentials On\n"
     "CORSAllowOrigin https://*.co.uk", ["https://*.co.uk"],
     [("credential",)]),
    ("cred-then-github-io", "CORSAllowCredentials On\n"
     "CORSAllowOrigin https://*.github.io", ["https://*.github.io"],
     [("credential",)]),
]


class TestCredentialCombinations:

    # combinations no browser accepts fail at configuration time
    @pytest.mark.parametrize("cid,text,contains,any_of", CREDENTIAL_ERRORS,
                             ids=[c[0] for c in CREDENTIAL_ERRORS])
    def test_cors_100_10(self, cors_env, cid, text, contains, any_of):
        assert_config_error(cors_env, text, contains, (), any_of)

    # the same directives without credentials are fine
    @pytest.mark.parametrize("text", [
        "CORSAllowOrigin *",
        "CORSAllowOrigin null",
        "CORSAllowOrigin https://a.example\nCORSExposeHeaders *",
        "CORSAllowOrigin https://a.example\nCORSAllowCredentials On",
        "CORSAllowOrigin *\nCORSAllowCredentials Off",
    ])
    def test_cors_100_11(self, cors_env, text):
        rc, out = check(cors_env, text)
        assert rc == 0, out


class TestPublicSuffixWarning:
    """A wildcard over a public suffix without credentials starts, with a
    start-up warning."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", ["CORSAllowOrigin https://*.co.uk"])
        rc, out = conf.check()
        type(self).check_out = out
        type(self).check_rc = rc
        mark = cors_env.log_size()
        conf.start()
        type(self).start_out = (cors_env.last_start_output
                                + cors_env.read_log(mark))

    # apache2 -t passes
    def test_cors_100_20(self, cors_env):
        assert self.check_rc == 0, self.check_out

    # a warning naming the pattern is logged at start-up (or by -t)
    def test_cors_100_21(self, cors_env):
        text = self.check_out + self.start_out
        lines = [ln for ln in text.splitlines() if "*.co.uk" in ln]
        assert lines, text
        assert any("warn" in ln.lower() for ln in lines), lines

    # and the wildcard works: a host under co.uk is allowed
    def test_cors_100_22(self, cors_env):
        r = request(cors_env.port, "GET", "/api/data.json",
                    [("Origin", "https://shop.co.uk")])
        assert r.status == 200
        assert_allowed(r, "https://shop.co.uk")


MATCH_ERRORS = [
    # unanchored: the message explains the risk
    ("unanchored", r"CORSAllowOriginMatch example\.com",
     ["CORSAllowOriginMatch", r"example\.com"],
     [("anchor", "https://example.com.evil.net")]),
    # anchored at the start only
    ("no-dollar", r"CORSAllowOriginMatch ^https://a\.example\.com",
     ["CORSAllowOriginMatch", r"^https://a\.example\.com"],
     [("anchor", "$")]),
    # anchored at the end only
    ("no-caret", r"CORSAllowOriginMatch https://a\.example\.com$",
     ["CORSAllowOriginMatch", r"https://a\.example\.com$"],
     [("anchor", "^")]),
    # not a regex at all
    ("invalid", r"CORSAllowOriginMatch ^(https://a\.example\.com$",
     ["CORSAllowOriginMatch", r"^(https://a\.example\.com$"], []),
    # another invalid one
    ("invalid-class", r"CORSAllowOriginMatch ^https://[a-\.example$",
     ["CORSAllowOriginMatch", r"^https://[a-\.example$"], []),
    # a '.' between host characters matches a look-alike domain: refused,
    # showing the escaped pattern and the forms of a literal dot
    ("host-dot", r"CORSAllowOriginMatch ^https://app.example.com$",
     ["CORSAllowOriginMatch: '^https://app.example.com$' has a '.' between "
      "two host characters, which matches any character: 'app.example' "
      "also matches 'appxexample', a domain anyone can register; write "
      "'^https://app[.]example[.]com$' (a literal dot is '[.]', or '.' "
      "after a backslash; for any one character on purpose, write a class "
      "such as '[a-z0-9-]')"], []),
    ("host-dot-ipv4", r"CORSAllowOriginMatch ^http://127.0.0.1:[0-9]+$",
     ["CORSAllowOriginMatch", "'^http://127[.]0[.]0[.]1:[0-9]+$'"], []),
]

VALUE_ERRORS = [
    ("maxage-neg", "CORSAllowOrigin https://a.example\nCORSMaxAge -1",
     ["CORSMaxAge", "-1"], []),
    ("maxage-big", "CORSAllowOrigin https://a.example\nCORSMaxAge 86401",
     ["CORSMaxAge", "86401"], []),
    ("maxage-alpha", "CORSAllowOrigin https://a.example\nCORSMaxAge abc",
     ["CORSMaxAge", "abc"], []),
    ("maxage-trailing", "CORSAllowOrigin https://a.example\nCORSMaxAge 60s",
     ["CORSMaxAge", "60s"], []),
    ("status-201", "CORSPreflightStatus 201",
     ["CORSPreflightStatus", "201"], [("204",), ("200",)]),
    ("preflight-foo", "CORSPreflight foo",
     ["CORSPreflight", "foo"], [("handle",), ("continue",)]),
    ("upstream-foo", "CORSUpstreamHeaders foo",
     ["CORSUpstreamHeaders", "foo"], [("replace",), ("keep",)]),
    # fetch() uppercases DELETE, GET, HEAD, OPTIONS, POST and PUT: a
    # lowercase spelling of those can never match a browser's preflight
    ("methods-lowercase", "CORSAllowMethods get put Delete",
     ["CORSAllowMethods: 'get' can never match: fetch() sends this method "
      "as 'GET' (it uppercases DELETE, GET, HEAD, OPTIONS, POST and PUT, "
      "and no other); write 'GET'", "'put'", "write 'PUT'", "'Delete'",
      "write 'DELETE'"], []),
    ("method-comma", "CORSAllowMethods GET,POST",
     ["CORSAllowMethods", "GET,POST"], []),
    ("method-space", 'CORSAllowMethods "BAD METHOD"',
     ["CORSAllowMethods", "BAD METHOD"], []),
    ("methods-several", 'CORSAllowMethods GET "A B" PUT,PATCH',
     ["CORSAllowMethods", "A B", "PUT,PATCH"], []),
    ("header-comma", "CORSAllowHeaders Content-Type, X-Foo",
     ["CORSAllowHeaders: 'Content-Type,' is not a single header name; list "
      "the values separated by spaces, not commas"], []),
    ("header-colon", "CORSAllowHeaders X-Ok X-Bad:",
     ["CORSAllowHeaders", "X-Bad:"], []),
    ("header-space", 'CORSAllowHeaders "X Bad"',
     ["CORSAllowHeaders", "X Bad"], []),
    ("headers-several", 'CORSAllowHeaders "X Bad" X-Ok X(y)',
     ["CORSAllowHeaders", "X Bad", "X(y)"], []),
    ("expose-bad", 'CORSExposeHeaders X-Ok "X/Bad" "a b"',
     ["CORSExposeHeaders", "X/Bad", "a b"], []),
    ("credentials-maybe", "CORSAllowCredentials maybe",
     ["CORSAllowCredentials"], []),
    ("private-network-maybe", "CORSAllowPrivateNetwork maybe",
     ["CORSAllowPrivateNetwork"], []),
    ("origin-empty", "CORSAllowOrigin", ["CORSAllowOrigin"], []),
]


class TestMethodWarnings:
    """A method name in no registry is accepted with a start-up warning that
    proposes the registered name one edit away."""

    # PSOT: a CORS0045 warning naming the directive, the value and POST
    def test_cors_100_35(self, cors_env):
        rc, out = check(cors_env, "CORSAllowOrigin https://a.example\n"
                        "CORSAllowMethods PUT PSOT")
        assert rc == 0, out
        w = cors_warnings(out)
        assert len(w) == 1, out
        assert "CORS0045: CORSAllowMethods: 'PSOT' is no method that httpd or the " \
            "HTTP method registry knows; did you mean 'POST'?" in w[0], w

    # registered methods, WebDAV's and a page's own lowercase patch: quiet
    def test_cors_100_36(self, cors_env):
        rc, out = check(cors_env, "CORSAllowOrigin https://a.example\n"
                        "CORSAllowMethods PATCH patch PROPFIND MKCOL QUERY")
        assert rc == 0, out
        assert cors_warnings(out) == [], out


class TestOtherDirectiveErrors:

    # CORSAllowOriginMatch patterns that are not anchored or not valid
    @pytest.mark.parametrize("cid,text,contains,any_of", MATCH_ERRORS,
                             ids=[c[0] for c in MATCH_ERRORS])
    def test_cors_100_30(self, cors_env, cid, text, contains, any_of):
        assert_config_error(cors_env, text, contains, (), any_of)

    # out-of-range or unknown values of the other directives
    @pytest.mark.parametrize("cid,text,contains,any_of", VALUE_ERRORS,
                             ids=[c[0] for c in VALUE_ERRORS])
    def test_cors_100_31(self, cors_env, cid, text, contains, any_of):
        assert_config_error(cors_env, text, contains, (), any_of)

    # the unanchored-pattern error gives the example.com.evil.net reason
    def test_cors_100_32(self, cors_env):
        out = assert_config_error(cors_env,
                                  r"CORSAllowOriginMatch example\.com")
        assert re.search(r"anchor", out, re.I) or \
            "example.com.evil.net" in out, out


VALID = [
    ("capacitor", "CORSAllowOrigin capacitor://localhost"),
    ("tauri", "CORSAllowOrigin tauri://localhost"),
    ("chrome-ext",
     "CORSAllowOrigin chrome-extension://abcdefghijklmnopabcdefghijklmnop"),
    ("ipv6", "CORSAllowOrigin http://[::1]:8080"),
    ("upper-default-port", "CORSAllowOrigin HTTPS://APP.Example.COM:443"),
    ("localhost-wildcard", "CORSAllowOrigin http://*.localhost"),
    ("port-wildcard", "CORSAllowOrigin http://localhost:*"),
    ("subdomain-wildcard", "CORSAllowOrigin https://*.example.com"),
    ("null", "CORSAllowOrigin null"),
    ("none", "CORSAllowOrigin none"),
    ("star", "CORSAllowOrigin *"),
    ("plus-minus", "CORSAllowOrigin https://a.example\n<Location /x/>\n"
     "CORSAllowOrigin +https://b.example -https://a.example\n</Location>"),
    ("anchored-regex", r"CORSAllowOriginMatch "
     r"^https://pr-[0-9]+\.preview\.example\.com$"),
    ("regex-class-dot", r"CORSAllowOriginMatch ^https://app[.]example[.]com$"),
    ("regex-any-chars", r"CORSAllowOriginMatch ^https://.*\.example\.com$"),
    ("maxage-0", "CORSAllowOrigin https://a.example\nCORSMaxAge 0"),
    ("maxage-max", "CORSAllowOrigin https://a.example\nCORSMaxAge 86400"),
    ("status-200", "CORSPreflightStatus 200"),
    ("status-204", "CORSPreflightStatus 204"),
    ("preflight-continue", "CORSPreflight continue"),
    ("preflight-handle", "CORSPreflight handle"),
    ("upstream-keep", "CORSUpstreamHeaders keep"),
    ("upstream-replace", "CORSUpstreamHeaders replace"),
    ("methods", "CORSAllowMethods GET PUT PATCH DELETE patch PROPFIND"),
    ("methods-star", "CORSAllowMethods *"),
    ("headers", "CORSAllowHeaders Content-Type Authorization X-Requested-With"),
    ("headers-star", "CORSAllowHeaders *"),
    ("expose", "CORSExposeHeaders X-Total-Count ETag"),
    ("expose-star", "CORSAllowOrigin https://a.example\nCORSExposeHeaders *"),
    ("flags", "CORSAllowCredentials Off\nCORSAllowPrivateNetwork On\n"
     "CORSDebugHeader Off\nCORSShadow Off"),
]


class TestValidConfig:

    # unusual but valid values pass apache2 -t
    @pytest.mark.parametrize("cid,text", VALID, ids=[c[0] for c in VALID])
    def test_cors_100_40(self, cors_env, cid, text):
        rc, out = check(cors_env, text)
        assert rc == 0, out
        assert "Syntax OK" in out


ALL_DIRECTIVES = """CORSAllowOrigin https://a.example
CORSAllowOriginMatch ^https://b[0-9]\\.example$
CORSAllowCredentials On
CORSAllowMethods GET PUT
CORSAllowHeaders Content-Type
CORSExposeHeaders X-Total
CORSMaxAge 60
CORSAllowPrivateNetwork Off
CORSPreflight handle
CORSPreflightStatus 200
CORSUpstreamHeaders keep
CORSDebugHeader Off
CORSShadow Off"""

CONTEXTS = [
    ("server", "%s"),
    ("virtualhost", "<VirtualHost 127.0.0.1:*>\nServerName v.test\n%s\n"
     "</VirtualHost>"),
    ("directory", '<Directory "${DOCROOT}/api">\n%s\n</Directory>'),
    ("location", "<Location /api/>\n%s\n</Location>"),
    ("files", '<Files "data.json">\n%s\n</Files>'),
    ("if", "<If \"%%{QUERY_STRING} =~ /cors/\">\n%s\n</If>"),
]


class TestContexts:

    # every directive is accepted in every configuration context
    @pytest.mark.parametrize("cid,tmpl", CONTEXTS,
                             ids=[c[0] for c in CONTEXTS])
    def test_cors_100_50(self, cors_env, cid, tmpl):
        rc, out = check(cors_env, tmpl % ALL_DIRECTIVES)
        assert rc == 0, out


class TestNormalisedOrigins:
    """Configured origins are normalised; the live server then allows the
    browser's serialisation."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", [
            "CORSAllowOrigin HTTPS://APP.Example.COM:443",
            "CORSAllowOrigin capacitor://localhost tauri://localhost",
            "CORSAllowOrigin "
            "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
            "CORSAllowOrigin http://[::1]:8080 HTTP://Example.NET:80",
        ])
        conf.start()

    # each configured value allows exactly the browser's serialisation
    @pytest.mark.parametrize("origin", [
        "https://app.example.com",
        "capacitor://localhost",
        "tauri://localhost",
        "chrome-extension://abcdefghijklmnopabcdefghijklmnop",
        "http://[::1]:8080",
        "http://example.net",
    ])
    def test_cors_100_60(self, cors_env, origin):
        r = request(cors_env.port, "GET", "/api/data.json",
                    [("Origin", origin)])
        assert r.status == 200
        assert_allowed(r, origin)

    # the un-normalised spellings are not what browsers send: refused
    @pytest.mark.parametrize("origin", [
        "https://app.example.com:443",
        "HTTPS://APP.Example.COM",
        "http://example.net:80",
        "http://[::1]:8081",
    ])
    def test_cors_100_61(self, cors_env, origin):
        r = request(cors_env.port, "GET", "/api/data.json",
                    [("Origin", origin)])
        assert r.status == 200
        assert r.count("Access-Control-Allow-Origin") == 0, r.headers
