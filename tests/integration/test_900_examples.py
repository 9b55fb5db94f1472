"""conf-examples/: each example passes `apache2 -t` and behaves live as
its header comment promises."""

import os

import pytest

from harness.client import get, preflight, request
from harness.conf import CorsConf
from harness.env import APACHE_MODULES, REPO_ROOT
from harness.util import assert_allowed, assert_no_cors, assert_refused

EXAMPLES = os.path.join(REPO_ROOT, "conf-examples")

GET = "GET"
PF = "PREFLIGHT"


def example(name):
    return os.path.join(EXAMPLES, name)


def run_case(env, kind, path, origin, method="GET", acrh=None, host=None):
    if kind == PF:
        return preflight(env, path, origin, method, acrh, host=host)
    return get(env, path, origin, method, host=host)


def check_preflight(r, expect):
    """expect: dict of exact header values, or None for a refusal."""
    if expect is None:
        assert r.status == 403, r
        allow = [(n, v) for (n, v) in r.headers
                 if n.lower().startswith("access-control-allow-")]
        assert allow == [], r.headers
        return
    assert r.status == 204, r
    assert r.body == b""
    for name, value in expect.items():
        if value is None:
            assert r.count(name) == 0, (name, r.headers)
        else:
            assert r.get_all(name) == [value], (name, r.headers)


def files_for(conf):
    for d in ("api", "public-api", "account", "dev-api", "staging-api",
              "fonts", "shared"):
        conf.doc("%s/x.txt" % d, "x\n")
    conf.doc("fonts/inter.woff2", "wOF2 fake font\n")
    conf.doc("fonts/readme.txt", "not a font\n")


ALL_CONF = ["spa-api-subdomain.conf", "public-readonly-api.conf",
            "credentials-several-origins.conf", "local-development.conf",
            "preview-deployments.conf", "fonts-static-cdn.conf"]


class TestExamplesSyntax:

    # every .conf example passes apache2 -t when Included at server level
    @pytest.mark.parametrize("name", ALL_CONF)
    def test_cors_900_01(self, cors_env, name):
        conf = CorsConf(cors_env)
        conf.add('Include "%s"' % example(name))
        rc, out = conf.check()
        assert rc == 0, out

    # all of them together too (they use distinct paths)
    def test_cors_900_02(self, cors_env):
        conf = CorsConf(cors_env)
        for name in ALL_CONF:
            conf.add('Include "%s"' % example(name))
        rc, out = conf.check()
        assert rc == 0, out

    # the fleet example (origin lists, docs/behaviour.md §7) passes
    # apache2 -t with the modules it names; test_740 runs it live against
    # a real PostgreSQL
    def test_cors_900_04(self, cors_env):
        conf = CorsConf(cors_env)
        listfile = cors_env.write_file(
            os.path.join(cors_env.conf_dir, "example-origins.txt"),
            "https://www.example.com\n")
        conf.add(["LoadModule dbd_module %s/mod_dbd.so" % APACHE_MODULES,
                  "LoadModule socache_shmcb_module %s/mod_socache_shmcb.so"
                  % APACHE_MODULES,
                  "Define CORS_ORIGIN_FILE %s" % listfile,
                  'Include "%s"' % example("origin-lists-fleet.conf")])
        rc, out = conf.check()
        assert rc == 0, out

    # the .htaccess example is accepted in a FileInfo directory
    def test_cors_900_03(self, cors_env):
        conf = CorsConf(cors_env)
        conf.directory("shared", ["AllowOverride FileInfo"])
        with open(example("shared-hosting.htaccess")) as f:
            conf.htaccess("shared", f.read())
        conf.doc("shared/x.txt", "x\n")
        conf.start()
        r = request(cors_env.port, "GET", "/shared/x.txt",
                    [("Origin", "https://www.customer.example")])
        assert r.status == 200


SPA = "https://app.example.com"

SPA_CASES = [
    (GET, "/api/x.txt", SPA, {}, "allowed"),
    (GET, "/api/x.txt", "https://evil.example", {}, "refused"),
    (GET, "/api/x.txt", "http://app.example.com", {}, "refused"),
    (PF, "/api/x.txt", SPA, {"method": "PATCH",
                             "acrh": "Content-Type, Authorization"},
     {"Access-Control-Allow-Origin": SPA,
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Allow-Methods": "PATCH",
      "Access-Control-Allow-Headers": "content-type, authorization",
      "Access-Control-Max-Age": "600"}),
    (PF, "/api/x.txt", SPA, {"method": "PUT", "acrh": "X-Unknown"}, None),
    (PF, "/api/x.txt", SPA, {"method": "OPTIONS"}, None),
    (PF, "/api/x.txt", "https://evil.example", {"method": "GET"}, None),
]

PUBLIC_CASES = [
    (GET, "/public-api/x.txt", "https://anyone.example", {}, "star"),
    (GET, "/public-api/x.txt", None, {}, "star"),
    (GET, "/public-api/x.txt", "null", {}, "star"),
    (PF, "/public-api/x.txt", "https://anyone.example", {"method": "GET"},
     {"Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Credentials": None,
      "Access-Control-Allow-Methods": "GET",
      "Access-Control-Max-Age": "7200"}),
    (PF, "/public-api/x.txt", "https://anyone.example",
     {"method": "DELETE"}, None),
    (PF, "/public-api/x.txt", "https://anyone.example/",
     {"method": "GET"}, None),
]

ACCOUNT_CASES = [
    (GET, "/account/x.txt", "https://www.example.com", {}, "allowed"),
    (GET, "/account/x.txt", "https://admin.example.com", {}, "allowed"),
    (GET, "/account/x.txt", "https://partner.example.net:8443", {},
     "allowed"),
    (GET, "/account/x.txt", "https://partner.example.net", {}, "refused"),
    (GET, "/account/x.txt", "https://example.com", {}, "refused"),
    (PF, "/account/x.txt", "https://admin.example.com",
     {"method": "DELETE", "acrh": "X-CSRF-Token"},
     {"Access-Control-Allow-Origin": "https://admin.example.com",
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Allow-Methods": "DELETE",
      "Access-Control-Allow-Headers": "x-csrf-token",
      "Access-Control-Max-Age": "7200"}),
    (PF, "/account/x.txt", "https://admin.example.com", {"method": "PUT"},
     None),
]

DEV_CASES = [
    (GET, "/dev-api/x.txt", "http://localhost:5173", {}, "allowed"),
    (GET, "/dev-api/x.txt", "http://localhost:3000", {}, "allowed"),
    (GET, "/dev-api/x.txt", "http://localhost", {}, "allowed"),
    (GET, "/dev-api/x.txt", "http://127.0.0.1:8080", {}, "allowed"),
    (GET, "/dev-api/x.txt", "http://shop.localhost", {}, "allowed"),
    (GET, "/dev-api/x.txt", "https://localhost:5173", {}, "refused"),
    (GET, "/dev-api/x.txt", "http://localhost.evil.example:3000", {},
     "refused"),
    (GET, "/dev-api/x.txt", "http://192.168.1.10:3000", {}, "refused"),
    (PF, "/dev-api/x.txt", "http://localhost:5173",
     {"method": "PROPFIND", "acrh": "Authorization"},
     {"Access-Control-Allow-Origin": "http://localhost:5173",
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Allow-Methods": "PROPFIND",
      "Access-Control-Allow-Headers": "authorization",
      "Access-Control-Max-Age": "0"}),
]

PREVIEW_CASES = [
    (GET, "/staging-api/x.txt", SPA, {}, "allowed"),
    (GET, "/staging-api/x.txt", "https://pr-1.preview.example.com", {},
     "allowed"),
    (GET, "/staging-api/x.txt", "https://pr-4711.preview.example.com", {},
     "allowed"),
    (GET, "/staging-api/x.txt", "https://main.preview.example.com", {},
     "refused"),
    (GET, "/staging-api/x.txt",
     "https://pr-1.preview.example.com.evil.example", {}, "refused"),
    (PF, "/staging-api/x.txt", "https://pr-9.preview.example.com",
     {"method": "PUT", "acrh": "content-type"},
     {"Access-Control-Allow-Origin": "https://pr-9.preview.example.com",
      "Access-Control-Allow-Credentials": None,
      "Access-Control-Allow-Methods": "PUT",
      "Access-Control-Allow-Headers": "content-type"}),
]

FONT_CASES = [
    (GET, "/fonts/inter.woff2", "https://blog.example", {}, "star"),
    (GET, "/fonts/inter.woff2", None, {}, "star"),
    (GET, "/fonts/readme.txt", "https://blog.example", {}, "none"),
    (PF, "/fonts/inter.woff2", "https://blog.example", {"method": "GET"},
     {"Access-Control-Allow-Origin": "*",
      "Access-Control-Max-Age": "7200"}),
]

SHARED = "https://www.customer.example"
SHARED_CASES = [
    (GET, "/shared/x.txt", SHARED, {}, "allowed"),
    (GET, "/shared/x.txt", "https://shop.customer.example", {}, "allowed"),
    (GET, "/shared/x.txt", "https://customer.example", {}, "refused"),
    (PF, "/shared/x.txt", SHARED, {"method": "POST",
                                   "acrh": "content-type"},
     {"Access-Control-Allow-Origin": SHARED,
      "Access-Control-Allow-Methods": "POST",
      "Access-Control-Allow-Headers": "content-type",
      "Access-Control-Max-Age": "3600"}),
    (PF, "/shared/x.txt", SHARED, {"method": "DELETE"}, None),
]

EXPOSE = {
    "spa-api-subdomain.conf": "X-Request-Id, X-Total-Count",
    "credentials-several-origins.conf": "X-Request-Id",
    "preview-deployments.conf": "X-Build-Id",
    "public-readonly-api.conf": "ETag, Link, X-RateLimit-Remaining",
    "shared-hosting.htaccess": "X-Total-Count",
}
CREDENTIALS = {"spa-api-subdomain.conf", "credentials-several-origins.conf",
               "local-development.conf"}

LIVE = [("spa-api-subdomain.conf", c) for c in SPA_CASES] \
    + [("public-readonly-api.conf", c) for c in PUBLIC_CASES] \
    + [("credentials-several-origins.conf", c) for c in ACCOUNT_CASES] \
    + [("local-development.conf", c) for c in DEV_CASES] \
    + [("preview-deployments.conf", c) for c in PREVIEW_CASES] \
    + [("fonts-static-cdn.conf", c) for c in FONT_CASES] \
    + [("shared-hosting.htaccess", c) for c in SHARED_CASES]


def live_id(item):
    name, (kind, path, origin, opts, _) = item
    return "%s-%s-%s-%s" % (name.split(".")[0], kind, origin,
                            opts.get("method", ""))


class TestExamplesLive:
    """All examples loaded together, exercised with a table of requests."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        for name in ALL_CONF:
            conf.add('Include "%s"' % example(name))
        conf.directory("shared", ["AllowOverride FileInfo"])
        with open(example("shared-hosting.htaccess")) as f:
            conf.htaccess("shared", f.read())
        files_for(conf)
        conf.start()

    # each example answers its table of requests as its comment promises
    @pytest.mark.parametrize("name,case", LIVE,
                             ids=[live_id(i) for i in LIVE])
    def test_cors_900_10(self, cors_env, name, case):
        kind, path, origin, opts, expect = case
        r = run_case(cors_env, kind, path, origin,
                     method=opts.get("method", "GET"), acrh=opts.get("acrh"))
        if kind == PF:
            check_preflight(r, expect)
            return
        assert r.status == 200, r
        if expect == "allowed":
            assert_allowed(r, origin, credentials=name in CREDENTIALS,
                           expose=EXPOSE.get(name))
        elif expect == "refused":
            assert_refused(r)
        elif expect == "star":
            assert r.get_all("Access-Control-Allow-Origin") == ["*"], \
                r.headers
            assert r.count("Access-Control-Allow-Credentials") == 0
            assert "origin" not in r.vary_tokens(), r.headers
            if name == "fonts-static-cdn.conf":
                # its fonts' load times reach the pages' Resource Timing
                assert r.get_all("Timing-Allow-Origin") == ["*"], r.headers
        else:
            assert_no_cors(r)
