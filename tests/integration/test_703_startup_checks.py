"""docs/behaviour.md §1 and §6: dangerous policies are refused by
`apache2 -t` with a clear error, or accepted with a start-up warning
(public-suffix wildcards, null, http:// with credentials, CORSMaxAge above
what browsers keep)."""

import re

import pytest

from harness.client import get
from harness.conf import CorsConf
from harness.logs import cors_warnings, warning_family

APP = "https://app.example.com"


# ---- 6 + 8. dangerous policies ---------------------------------------------

class TestDangerousPolicies:
    """Refused with a clear apache2 -t error, or accepted with a start-up
    warning whose log tag names its family (CORS0040 and up)."""

    def _check(self, env, lines):
        return env.check_config("\n".join(lines) + "\n")

    # a wildcard directly over a public suffix with credentials: error,
    # whichever directive comes first
    @pytest.mark.parametrize("pattern,suffix", [
        ("https://*.github.io", "github.io"), ("https://*.co.uk", "co.uk"),
        ("https://*.herokuapp.com", "herokuapp.com"),
    ])
    @pytest.mark.parametrize("order", ["origin-first", "credentials-first"])
    def test_cors_700_70(self, cors_env, pattern, suffix, order):
        lines = ["CORSAllowOrigin %s" % pattern, "CORSAllowCredentials On"]
        if order == "credentials-first":
            lines.reverse()
        rc, out = self._check(cors_env, lines)
        assert rc != 0, out
        assert pattern in out, out
        assert "public suffix" in out, out
        assert "Syntax error" in out, out

    # ... without credentials: accepted with a warning naming the suffix
    @pytest.mark.parametrize("pattern,suffix", [
        ("https://*.github.io", "github.io"), ("https://*.co.uk", "co.uk"),
        ("http://*.blogspot.com", "blogspot.com"),
    ])
    def test_cors_700_71(self, cors_env, pattern, suffix):
        rc, out = self._check(cors_env, ["CORSAllowOrigin %s" % pattern])
        assert rc == 0, out
        w = cors_warnings(out)
        assert len(w) == 1, out
        assert warning_family(w[0]) == "public-suffix", w
        assert "'%s' is a wildcard directly over the public suffix '%s'" % (
            pattern, suffix) in w[0], w

    # *.localhost is the exception; a wildcard under a registrable domain
    # is fine; neither warns, even with credentials
    @pytest.mark.parametrize("pattern", [
        "https://*.localhost", "http://*.localhost:*",
        "https://*.example.co.uk", "https://*.user.github.io",
    ])
    def test_cors_700_72(self, cors_env, pattern):
        rc, out = self._check(cors_env, ["CORSAllowOrigin %s" % pattern,
                                         "CORSAllowCredentials On"])
        assert rc == 0, out
        assert cors_warnings(out) == [], out

    # null with credentials: error, both orders
    @pytest.mark.parametrize("order", ["origin-first", "credentials-first"])
    def test_cors_700_73(self, cors_env, order):
        lines = ["CORSAllowOrigin %s null" % APP, "CORSAllowCredentials On"]
        if order == "credentials-first":
            lines.reverse()
        rc, out = self._check(cors_env, lines)
        assert rc != 0, out
        assert "null" in out and "sandboxed" in out, out

    # null alone: a warning
    def test_cors_700_74(self, cors_env):
        rc, out = self._check(cors_env, ["CORSAllowOrigin null"])
        assert rc == 0, out
        w = cors_warnings(out)
        assert len(w) == 1, out
        assert warning_family(w[0]) == "null", w
        assert "CORSAllowOrigin" in w[0] and "'null' is allowed" in w[0], w
        assert "sandboxed" in w[0], w

    # http:// origins with credentials: a warning, both orders
    @pytest.mark.parametrize("order", ["origin-first", "credentials-first"])
    def test_cors_700_75(self, cors_env, order):
        lines = ["CORSAllowOrigin http://app.example.com",
                 "CORSAllowCredentials On"]
        if order == "credentials-first":
            lines.reverse()
        rc, out = self._check(cors_env, lines)
        assert rc == 0, out
        w = cors_warnings(out)
        assert len(w) == 1, out
        assert warning_family(w[0]) == "insecure", w
        assert "'http://app.example.com' is served over plain http" in w[0]

    # ... but not for loopback development origins, nor without credentials
    @pytest.mark.parametrize("lines", [
        ["CORSAllowOrigin http://localhost:3000 http://127.0.0.1:8081 "
         "http://[::1]:8080 http://app.localhost", "CORSAllowCredentials On"],
        ["CORSAllowOrigin http://app.example.com"],
    ])
    def test_cors_700_76(self, cors_env, lines):
        rc, out = self._check(cors_env, lines)
        assert rc == 0, out
        assert cors_warnings(out) == [], out

    # http:// origin in a section, credentials inherited from the server:
    # the combination is just as dangerous and is warned about too
    def test_cors_700_77(self, cors_env):
        rc, out = self._check(cors_env, [
            "CORSAllowCredentials On",
            '<Location "/api/">',
            "CORSAllowOrigin http://app.example.com",
            "</Location>"])
        assert rc == 0, out
        w = cors_warnings(out, "inherited-insecure")
        assert any("http://app.example.com" in ln and "plain http" in ln
                   for ln in w), out

    # CORSAllowOriginMatch with an unescaped '.' that stands between two
    # host characters is an error (test_100); another bare '.': a warning
    @pytest.mark.parametrize("regex,warns", [
        ("^https://pr-[0-9]+.preview\\.example\\.com$", True),
        ("^https://(www.)?example\\.com$", True),
        ("^https://.*\\.example\\.com$", False),
        ("^https://app\\.example\\.com$", False),
        ("^https://[a-z0-9.-]+\\.example\\.com$", False),
    ])
    def test_cors_700_78(self, cors_env, regex, warns):
        rc, out = self._check(cors_env, ['CORSAllowOriginMatch "%s"' % regex])
        assert rc == 0, out
        w = cors_warnings(out)
        if warns:
            assert len(w) == 1, out
            assert warning_family(w[0]) == "regex-dot", w
            assert "unescaped '.'" in w[0], w
            assert "CORSAllowOriginMatch" in w[0], w
        else:
            assert w == [], out

    # 8. CORSMaxAge above 7200: accepted, warning names every engine's cap
    @pytest.mark.parametrize("value", ["86400", "7201"])
    def test_cors_700_79(self, cors_env, value):
        rc, out = self._check(cors_env, ["CORSAllowOrigin %s" % APP,
                                         "CORSMaxAge %s" % value])
        assert rc == 0, out
        w = cors_warnings(out)
        assert len(w) == 1, out
        assert warning_family(w[0]) == "max-age", w
        for text in ("CORSMaxAge", value, "Chromium", "7200", "Firefox",
                     "86400", "Safari", "600"):
            assert text in w[0], (text, w)
        assert re.search(r"Chromium\D+7200", w[0]), w
        assert re.search(r"Firefox\D+86400", w[0]), w
        assert re.search(r"Safari\D+600", w[0]), w

    # 8. 7200 and below: no warning; above 86400: an error
    @pytest.mark.parametrize("value", ["7200", "600", "0"])
    def test_cors_700_80(self, cors_env, value):
        rc, out = self._check(cors_env, ["CORSAllowOrigin %s" % APP,
                                         "CORSMaxAge %s" % value])
        assert rc == 0, out
        assert cors_warnings(out) == [], out

    def test_cors_700_81(self, cors_env):
        rc, out = self._check(cors_env, ["CORSMaxAge 86401"])
        assert rc != 0, out
        assert "CORSMaxAge" in out and "86401" in out, out

    # the warnings also reach a real start-up (the error log or the
    # starting command's output), and the server runs
    def test_cors_700_82(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/w/", ["CORSAllowOrigin null https://*.github.io",
                              "CORSMaxAge 86400"])
        conf.start()
        text = cors_env.last_start_output + cors_env.read_log(
            cors_env.log_mark)
        assert any("'null' is allowed" in ln
                   for ln in cors_warnings(text, "null")), text
        assert any("github.io" in ln
                   for ln in cors_warnings(text, "public-suffix")), text
        assert any("Chromium" in ln
                   for ln in cors_warnings(text, "max-age")), text
        r = get(cors_env, "/alive.json")
        assert r.status == 200
