"""docs/behaviour.md §1 and §6 in .htaccess: the directives need
AllowOverride FileInfo (or AllowOverrideList); a bad value gives the 500 of
a bad .htaccess with the reason in the error log."""

import pytest

from harness.client import preflight, request
from harness.conf import CorsConf
from harness.util import (assert_allowed, assert_no_cors, assert_refused,
                          suggestion_re)

APP = "https://app.example.com"
HT = "https://ht.example"


class TestHtaccess:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.directory("ht/fileinfo", ["AllowOverride FileInfo"])
        conf.htaccess("ht/fileinfo", "CORSAllowOrigin %s\n"
                      "CORSAllowCredentials On\n"
                      "CORSAllowMethods PUT\n"
                      "CORSExposeHeaders X-Ht\n" % APP)
        conf.directory("ht/authconfig", ["AllowOverride AuthConfig"])
        conf.htaccess("ht/authconfig", "CORSAllowOrigin %s\n" % APP)
        conf.directory("ht/list", ["AllowOverride None",
                                   "AllowOverrideList CORSAllowOrigin "
                                   "CORSMaxAge"])
        conf.htaccess("ht/list", "CORSAllowOrigin %s\nCORSMaxAge 42\n" % APP)
        conf.directory("ht/list-other", [
            "AllowOverride None", "AllowOverrideList CORSMaxAge"])
        conf.htaccess("ht/list-other", "CORSAllowOrigin %s\n" % APP)
        conf.directory("ht/bad", ["AllowOverride FileInfo"])
        conf.htaccess("ht/bad", "CORSAllowOrigin https://app.example.com/\n")
        conf.directory("ht/conflict", ["AllowOverride FileInfo"])
        conf.htaccess("ht/conflict", "CORSAllowOrigin *\n"
                      "CORSAllowCredentials On\n")
        conf.directory("ht/badage", ["AllowOverride FileInfo"])
        conf.htaccess("ht/badage", "CORSAllowOrigin %s\nCORSMaxAge 99999\n"
                      % APP)
        conf.directory("ht/override", ["AllowOverride FileInfo",
                                       "CORSAllowOrigin %s" % APP,
                                       "CORSMaxAge 100"])
        conf.htaccess("ht/override", "CORSAllowOrigin +%s\nCORSMaxAge 5\n"
                      % HT)
        conf.directory("ht/off", ["AllowOverride FileInfo",
                                  "CORSAllowOrigin %s" % APP])
        conf.htaccess("ht/off", "CORSAllowOrigin none\n")
        conf.directory("ht/nooverride", ["AllowOverride None"])
        conf.htaccess("ht/nooverride", "CORSAllowOrigin %s\n" % APP)
        conf.directory("ht/badregex", ["AllowOverride FileInfo"])
        conf.htaccess("ht/badregex",
                      "CORSAllowOriginMatch example\\.com\n")
        conf.directory("ht/inherit-cred", ["AllowOverride FileInfo",
                                           "CORSAllowOrigin %s" % APP,
                                           "CORSAllowCredentials On"])
        conf.htaccess("ht/inherit-cred", "CORSAllowOrigin *\n")
        for d in ("fileinfo", "authconfig", "list", "list-other", "bad",
                  "conflict", "badage", "override", "off", "nooverride",
                  "badregex", "inherit-cred"):
            conf.doc("ht/%s/x.txt" % d, "x\n")
        conf.start()

    # AllowOverride FileInfo: the .htaccess policy applies
    def test_cors_600_01(self, cors_env):
        r = request(cors_env.port, "GET", "/ht/fileinfo/x.txt",
                    [("Origin", APP)])
        assert r.status == 200
        assert_allowed(r, APP, credentials=True, expose="X-Ht")
        assert_refused(request(cors_env.port, "GET", "/ht/fileinfo/x.txt",
                               [("Origin", HT)]))

    # and its preflights are answered
    def test_cors_600_02(self, cors_env):
        r = preflight(cors_env, "/ht/fileinfo/x.txt", APP, "PUT")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == [APP]
        assert r.get_all("Access-Control-Allow-Methods") == ["PUT"]
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"]

    # AllowOverride AuthConfig (no FileInfo): 500, directive named in log
    def test_cors_600_03(self, cors_env):
        r = request(cors_env.port, "GET", "/ht/authconfig/x.txt",
                    [("Origin", APP)])
        assert r.status == 500
        log = cors_env.read_log(cors_env.log_mark)
        assert "CORSAllowOrigin" in log and "not allowed here" in log, log

    # AllowOverrideList naming the directive lets it through
    def test_cors_600_04(self, cors_env):
        r = request(cors_env.port, "GET", "/ht/list/x.txt", [("Origin", APP)])
        assert r.status == 200
        assert_allowed(r, APP)
        r = preflight(cors_env, "/ht/list/x.txt", APP, "GET")
        assert r.status == 204
        assert r.get_all("Access-Control-Max-Age") == ["42"]

    # AllowOverrideList naming another directive only: 500
    def test_cors_600_05(self, cors_env):
        r = request(cors_env.port, "GET", "/ht/list-other/x.txt",
                    [("Origin", APP)])
        assert r.status == 500

    # a bad value: 500, and the log names directive, value and hint
    def test_cors_600_06(self, cors_env):
        r = request(cors_env.port, "GET", "/ht/bad/x.txt", [("Origin", APP)])
        assert r.status == 500
        log = cors_env.read_log(cors_env.log_mark)
        lines = [ln for ln in log.splitlines() if "CORSAllowOrigin" in ln]
        assert lines, log
        text = "\n".join(lines)
        assert "https://app.example.com/" in text, text
        assert suggestion_re("https://app.example.com").search(text), text
        assert ".htaccess" in text, text

    # "*" with credentials in one .htaccess: 500
    def test_cors_600_07(self, cors_env):
        r = request(cors_env.port, "GET", "/ht/conflict/x.txt",
                    [("Origin", APP)])
        assert r.status == 500
        log = cors_env.read_log(cors_env.log_mark)
        assert "credential" in log.lower(), log

    # an out-of-range CORSMaxAge: 500, directive and value logged
    def test_cors_600_08(self, cors_env):
        r = request(cors_env.port, "GET", "/ht/badage/x.txt",
                    [("Origin", APP)])
        assert r.status == 500
        log = cors_env.read_log(cors_env.log_mark)
        assert "CORSMaxAge" in log and "99999" in log, log

    # .htaccess adds to and overrides its <Directory>
    def test_cors_600_09(self, cors_env):
        for o in (APP, HT):
            assert_allowed(request(cors_env.port, "GET",
                                   "/ht/override/x.txt", [("Origin", o)]), o)
        r = preflight(cors_env, "/ht/override/x.txt", HT, "GET")
        assert r.status == 204
        assert r.get_all("Access-Control-Max-Age") == ["5"]

    # .htaccess "none" turns CORS off below a <Directory> policy
    def test_cors_600_10(self, cors_env):
        r = request(cors_env.port, "GET", "/ht/off/x.txt", [("Origin", APP)])
        assert r.status == 200
        assert_no_cors(r)

    # AllowOverride None: the .htaccess is not read at all
    def test_cors_600_11(self, cors_env):
        r = request(cors_env.port, "GET", "/ht/nooverride/x.txt",
                    [("Origin", APP)])
        assert r.status == 200
        assert_no_cors(r)

    # an unanchored CORSAllowOriginMatch in .htaccess: 500 with the reason
    def test_cors_600_12(self, cors_env):
        r = request(cors_env.port, "GET", "/ht/badregex/x.txt",
                    [("Origin", APP)])
        assert r.status == 500
        log = cors_env.read_log(cors_env.log_mark)
        lines = [ln for ln in log.splitlines()
                 if "CORSAllowOriginMatch" in ln]
        assert lines, log
        assert "anchor" in "\n".join(lines).lower() \
            or "example.com.evil.net" in "\n".join(lines), lines

    # "*" in .htaccess under inherited credentials: not a syntax error
    # (the conflict only arises from merging), so it fails closed: the
    # file is served without any CORS header
    def test_cors_600_13(self, cors_env):
        r = request(cors_env.port, "GET", "/ht/inherit-cred/x.txt",
                    [("Origin", APP)])
        assert r.status == 200
        assert r.body == b"x\n"
        assert r.cors_headers() == [], r.headers
