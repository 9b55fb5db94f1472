"""docs/migration.md, "How to switch without surprises", and
docs/behaviour.md §5 (CORSShadow): each recipe runs with its mod_cors
replacement and `CORSShadow On`, under the `LogLevel` line the guide
gives.  The response stays the recipe's; CORS0004 names what mod_cors
would do differently, the status of a preflight (recipe 4: 401 where
mod_cors answers 204) and `Vary` (recipe 2 sends no `Vary: Origin`)
included."""

import os
import re
import time

import pytest

from harness.client import preflight, request
from harness.conf import CorsConf
from harness.env import REPO_ROOT

GUIDE = os.path.join(REPO_ROOT, "docs", "migration.md")
APP = "https://app.example.com"
PLACEHOLDER_HTPASSWD = "/etc/apache2/.htpasswd"


def guide_blocks():
    """Every <!-- test: NAME --> block of the guide, list items too."""
    with open(GUIDE, encoding="utf-8") as f:
        text = f.read()
    return {name: re.sub(r"^%s" % re.escape(indent), "", body, flags=re.M)
            for indent, name, body in re.findall(
                r"^( *)<!-- test: (\S+) -->\n *```apache\n(.*?) *```",
                text, re.S | re.M)}


BLOCKS = guide_blocks()


def shadow_lines(env, needle, want=1, timeout=5.0):
    deadline = time.time() + timeout
    while True:
        lines = [ln for ln in env.read_log(env.log_mark).splitlines()
                 if "CORS0004" in ln and needle in ln]
        if len(lines) >= want or time.time() > deadline:
            return lines
        time.sleep(0.05)


class TestShadowMigration:
    """/s2/: recipe 2 and its replacement in shadow; /s4/ (.htaccess):
    recipe 4 and its replacement in shadow.  The server's LogLevel is
    Debian's (warn); the guide's line turns on what shadow logs."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        assert "shadow-loglevel" in BLOCKS, sorted(BLOCKS)
        loglevel = BLOCKS["shadow-loglevel"].strip().splitlines()
        conf = CorsConf(cors_env)
        conf.add("LogLevel warn")
        conf.location("/s2/", BLOCKS["recipe-2"].splitlines()
                      + BLOCKS["mod_cors-2"].splitlines()
                      + ["CORSShadow On"] + loglevel)
        conf.doc("s2/data.json", '{"n": 2}\n')
        htpasswd = conf.htpasswd()
        conf.directory("s4", ["AllowOverride FileInfo AuthConfig"]
                       + loglevel)
        conf.htaccess("s4", "\n".join([
            BLOCKS["recipe-4"].replace(PLACEHOLDER_HTPASSWD, htpasswd),
            BLOCKS["mod_cors-4"].replace(PLACEHOLDER_HTPASSWD, htpasswd),
            "CORSShadow On", ""]))
        conf.doc("s4/data.json", '{"n": 4}\n')
        conf.start()

    # the guide gives the LogLevel line, with cors:info
    def test_cors_955_01(self):
        assert re.search(r"^LogLevel \w+ cors:info$",
                         BLOCKS["shadow-loglevel"], re.M), BLOCKS

    # recipe 4 in shadow: the preflight stays 401, and CORS0004 says that
    # mod_cors would have answered it 204
    def test_cors_955_02(self, cors_env):
        r = preflight(cors_env, "/s4/data.json?t95502", APP, "PUT",
                      "authorization, content-type")
        assert r.status == 401, r
        lines = shadow_lines(cors_env, "/s4/data.json")
        assert len(lines) == 1, lines
        assert ("status: response is 401, mod_cors would answer the "
                "preflight 204") in lines[0], lines[0]
        assert "[cors:info]" in lines[0], lines[0]

    # recipe 4 in shadow, an allowed GET with credentials: the recipe's
    # headers agree with mod_cors's but it sends no Vary: Origin
    def test_cors_955_03(self, cors_env):
        r = request(cors_env.port, "GET", "/s4/data.json",
                    [("Origin", APP),
                     ("Authorization", "Basic YWxpY2U6c2VjcmV0")])
        assert r.status == 200, r
        lines = shadow_lines(cors_env, "/s4/data.json")
        assert len(lines) == 1, lines
        assert "status:" not in lines[0], lines[0]
        assert "Vary: response has '(none)', mod_cors would add 'Origin'" \
            in lines[0], lines[0]

    # recipe 2 in shadow: an allowed origin gets the same
    # Access-Control-Allow-Origin from both; the only difference is Vary
    def test_cors_955_04(self, cors_env):
        origin = "https://www.example.com"
        r = request(cors_env.port, "GET", "/s2/data.json",
                    [("Origin", origin)])
        assert r.status == 200, r
        assert r.get_all("Access-Control-Allow-Origin") == [origin]
        assert "origin" not in r.vary_tokens(), r.headers
        lines = shadow_lines(cors_env, "/s2/data.json")
        assert len(lines) == 1, lines
        assert "Access-Control-Allow-Origin" not in lines[0], lines[0]
        assert "Vary: response has '(none)', mod_cors would add 'Origin'" \
            in lines[0], lines[0]

    # recipe 2 in shadow, a look-alike origin: the recipe echoes it,
    # mod_cors would not; and a preflight mod_cors would refuse 403 is
    # reported by its status too
    def test_cors_955_05(self, cors_env):
        evil = "https://stagingxexample.com"
        r = request(cors_env.port, "GET", "/s2/data.json",
                    [("Origin", evil)])
        assert r.get_all("Access-Control-Allow-Origin") == [evil]
        lines = shadow_lines(cors_env, "/s2/data.json")
        assert len(lines) == 1, lines
        assert ("Access-Control-Allow-Origin: response has '%s', mod_cors "
                "would send '(none)'" % evil) in lines[0], lines[0]
        cors_env.log_mark = cors_env.log_size()
        r = preflight(cors_env, "/s2/data.json?t95505", evil, "PUT")
        lines = shadow_lines(cors_env, "/s2/data.json")
        assert len(lines) == 1, lines
        assert ("status: response is %d, mod_cors would answer the "
                "preflight 403" % r.status) in lines[0], lines[0]
