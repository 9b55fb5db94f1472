"""docs/behaviour.md §4: preflights pass authentication and authorization
(AuthType Basic with a real htpasswd file, Require ip, <RequireAll>), the
actual request keeps them; a refused preflight is 403, never 401; the
authentication provider is never called for a preflight.  Every MPM."""

import base64

import pytest

from harness.client import preflight, request
from harness.conf import CorsConf
from harness.neighbours import (assert_preflight_allowed,
                                assert_preflight_refused,
                                assert_single_headers, example_path,
                                mpm_env)  # noqa: F401
from harness.neighbours import _mpm_crash_check  # noqa: F401
from harness.util import assert_allowed, assert_refused

APP = "https://app.example.com"
EVIL = "https://evil.example.net"


def basic(user, password):
    return "Basic " + base64.b64encode(
        ("%s:%s" % (user, password)).encode()).decode()


GOOD = basic("alice", "secret")
BAD = basic("alice", "wrong")
UNKNOWN = basic("mallory", "secret")

#: URL -> status of the actual request without credentials
PROTECTED = {
    "/basic/x.txt": 401,
    "/all/x.txt": 401,
    "/ip/x.txt": 403,
    "/private-api/x.txt": 401,
}

#: what mod_auth_basic / mod_authn_file / mod_authz_core log when they run
AUTH_TRACES = ("AH01617", "AH01618", "Password Mismatch", "not found",
               "authorization result", "AH01626", "AH01627")


class TestBasicAuth:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, mpm_env):
        conf = CorsConf(mpm_env)
        users = conf.htpasswd("users", "alice", "secret")
        # every auth module says so when it runs
        conf.add("LogLevel auth_basic:debug authn_file:trace8 "
                 "authz_core:debug authz_host:debug")
        cors = ["CORSAllowOrigin %s" % APP, "CORSAllowCredentials On",
                "CORSAllowMethods GET PUT DELETE",
                "CORSAllowHeaders Authorization Content-Type",
                "CORSExposeHeaders X-Request-Id"]
        auth = ["AuthType Basic", 'AuthName "api"', "AuthBasicProvider file",
                'AuthUserFile "%s"' % users]
        conf.location("/basic/", cors + auth + ["Require valid-user"])
        conf.location("/ip/", cors + ["Require ip 192.0.2.1"])
        conf.location("/all/", cors + auth + [
            "<RequireAll>", "Require valid-user", "Require ip 127.0.0.1",
            "</RequireAll>"])
        # the deployment example, with this test's htpasswd file
        conf.add('Define CORS_API_HTPASSWD "%s"' % users)
        conf.add('Include "%s"' % example_path("api-behind-basic-auth.conf"))
        for d in ("basic", "ip", "all", "private-api"):
            conf.doc("%s/x.txt" % d, "secret data\n")
        conf.start()

    # an allowed preflight: 204 without credentials, no challenge
    @pytest.mark.parametrize("path", sorted(PROTECTED))
    def test_cors_610_01(self, mpm_env, path):
        r = preflight(mpm_env, path, APP, "PUT", "Content-Type, Authorization")
        max_age = "600" if path.startswith("/private-api/") else "7200"
        assert_preflight_allowed(r, APP, "PUT", "content-type, authorization",
                                 credentials=True, max_age=max_age)
        assert r.body == b""
        assert r.count("WWW-Authenticate") == 0, r.headers

    # a refused preflight (origin, method or header): 403, never 401
    @pytest.mark.parametrize("path", sorted(PROTECTED))
    @pytest.mark.parametrize("origin,method,acrh", [
        (EVIL, "GET", None), (APP, "PATCH", None), (APP, "PUT", "X-Other")])
    def test_cors_610_02(self, mpm_env, path, origin, method, acrh):
        r = preflight(mpm_env, path, origin, method, acrh)
        assert_preflight_refused(r, status=403)
        assert r.count("WWW-Authenticate") == 0, r.headers
        assert b"secret data" not in r.body

    # the actual request without credentials: 401 (403 for Require ip)
    # carrying the CORS headers, so JavaScript can read it
    @pytest.mark.parametrize("path", sorted(PROTECTED))
    def test_cors_610_03(self, mpm_env, path):
        r = request(mpm_env.port, "GET", path, [("Origin", APP)])
        assert r.status == PROTECTED[path], r
        assert b"secret data" not in r.body
        assert_allowed(r, APP, credentials=True, expose="X-Request-Id")
        assert_single_headers(r)
        if r.status == 401:
            assert r.count("WWW-Authenticate") == 1, r.headers

    # with wrong credentials or an unknown user: 401 with the CORS headers
    @pytest.mark.parametrize("path", ["/basic/x.txt", "/all/x.txt",
                                      "/private-api/x.txt"])
    @pytest.mark.parametrize("cred", [BAD, UNKNOWN])
    def test_cors_610_04(self, mpm_env, path, cred):
        r = request(mpm_env.port, "GET", path,
                    [("Origin", APP), ("Authorization", cred)])
        assert r.status == 401, r
        assert_allowed(r, APP, credentials=True, expose="X-Request-Id")

    # with credentials: 200 and the CORS headers (Require ip stays 403)
    @pytest.mark.parametrize("path", sorted(PROTECTED))
    def test_cors_610_05(self, mpm_env, path):
        r = request(mpm_env.port, "GET", path,
                    [("Origin", APP), ("Authorization", GOOD)])
        if path == "/ip/x.txt":
            assert r.status == 403, r
        else:
            assert r.status == 200, r
            assert r.body == b"secret data\n"
        assert_allowed(r, APP, credentials=True, expose="X-Request-Id")
        assert_single_headers(r)

    # a refused origin with valid credentials: served (CORS is not access
    # control) without Access-Control-Allow-*, except where the example
    # adds Require cors-origin: 403
    @pytest.mark.parametrize("path,status", [("/basic/x.txt", 200),
                                             ("/all/x.txt", 200),
                                             ("/private-api/x.txt", 403)])
    def test_cors_610_06(self, mpm_env, path, status):
        r = request(mpm_env.port, "GET", path,
                    [("Origin", EVIL), ("Authorization", GOOD)])
        assert r.status == status, r
        assert_refused(r)

    # the authentication provider is never called for a preflight, even
    # one that carries (wrong) credentials; the same credentials on the
    # actual request make mod_auth_basic/mod_authn_file log (the control)
    @pytest.mark.parametrize("path", ["/basic/x.txt", "/all/x.txt",
                                      "/private-api/x.txt"])
    def test_cors_610_07(self, mpm_env, path):
        mark = mpm_env.log_size()
        for cred in (BAD, UNKNOWN, GOOD):
            r = preflight(mpm_env, path, APP, "DELETE",
                          extra=[("Authorization", cred)])
            assert_preflight_allowed(r, APP, "DELETE", credentials=True,
                                     max_age=r.header(
                                         "Access-Control-Max-Age"))
        log = mpm_env.read_log(mark)
        traces = [ln for ln in log.splitlines()
                  if any(t in ln for t in AUTH_TRACES)]
        assert traces == [], "auth ran for a preflight:\n" + "\n".join(
            traces)
        # control: the same wrong password on a GET is seen by the provider
        r = request(mpm_env.port, "GET", path,
                    [("Origin", APP), ("Authorization", BAD)])
        assert r.status == 401
        log = mpm_env.read_log(mark)
        assert "Password Mismatch" in log, log[-2000:]
        assert "AH01626" in log, log[-2000:]

    # refused preflights do not reach the provider either
    def test_cors_610_08(self, mpm_env):
        mark = mpm_env.log_size()
        r = preflight(mpm_env, "/basic/x.txt", EVIL, "GET",
                      extra=[("Authorization", BAD)])
        assert_preflight_refused(r)
        log = mpm_env.read_log(mark)
        assert "Password Mismatch" not in log, log[-2000:]

    # an OPTIONS that is not a preflight (no Access-Control-Request-Method)
    # is an ordinary request: authentication applies
    def test_cors_610_09(self, mpm_env):
        r = request(mpm_env.port, "OPTIONS", "/basic/x.txt",
                    [("Origin", APP)])
        assert r.status == 401, r
        assert_allowed(r, APP, credentials=True, expose="X-Request-Id")
