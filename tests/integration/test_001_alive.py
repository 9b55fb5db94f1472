"""The harness starts a real Apache; mod_cors loads and stays silent
where no CORS directive applies."""

import pytest

from harness.client import preflight, request
from harness.conf import CorsConf
from harness.util import assert_no_cors


class TestPlainApache:
    """The harness itself, without mod_cors (works before the build)."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, env):
        conf = CorsConf(env)
        conf.with_cors = False
        conf.start()

    # the generated server answers a static file
    def test_cors_001_01(self, env):
        r = request(env.port, "GET", "/alive.json")
        assert r.status == 200
        assert r.body == b'{"alive": true}\n'

    # a CGI script runs through mod_cgid
    def test_cors_001_02(self, env):
        r = request(env.port, "GET", "/cgi/ok.cgi")
        assert r.status == 200
        assert r.body == b"cgi ok GET\n"

    # without mod_cors nothing adds CORS headers
    def test_cors_001_03(self, env):
        r = request(env.port, "GET", "/alive.json",
                    [("Origin", "https://app.example.com")])
        assert r.status == 200
        assert_no_cors(r)

    # the client keeps duplicate response headers in order
    def test_cors_001_04(self, env):
        conf = CorsConf(env)
        conf.with_cors = False
        conf.location("/static/", ['Header add X-Dup "one"',
                                   'Header add X-Dup "two"'])
        conf.start()
        r = request(env.port, "GET", "/static/file.txt")
        assert r.get_all("X-Dup") == ["one", "two"]


class TestModuleLoadedNoPolicy:
    """mod_cors loaded, no CORS directive anywhere: CORS is off."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        CorsConf(cors_env).start()

    # the module loads and the configuration passes apache2 -t
    def test_cors_001_10(self, cors_env):
        rc, out = CorsConf(cors_env).check()
        assert rc == 0, out
        assert "Syntax OK" in out

    # a cross-origin GET gets no CORS header and no Vary: Origin
    def test_cors_001_11(self, cors_env):
        r = request(cors_env.port, "GET", "/alive.json",
                    [("Origin", "https://app.example.com")])
        assert r.status == 200
        assert r.body == b'{"alive": true}\n'
        assert_no_cors(r)

    # a preflight is not answered by mod_cors where CORS is off
    def test_cors_001_12(self, cors_env):
        r = preflight(cors_env, "/alive.json", "https://app.example.com",
                      "PUT")
        assert r.status != 204
        assert_no_cors(r)

    # no CORS variable outside a CORS scope
    def test_cors_001_13(self, cors_env):
        request(cors_env.port, "GET", "/alive.json?cors_001_13",
                [("Origin", "https://app.example.com")])
        line = cors_env.access_log_line("cors_001_13")
        assert line is not None
        assert line.endswith("cors=-"), line
