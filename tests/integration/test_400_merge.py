"""docs/behaviour.md §1 (+/-/none, several lines) and §6: per-directory
merging field by field, fail-closed combinations that only arise from
merging, and internal redirects / subrequests.

httpd merges in this order: server, <VirtualHost>, <Directory> with each
directory's .htaccess, <Files>, <Location>, <If>; the tests follow it."""

import pytest

from harness.client import get, preflight, request
from harness.conf import CorsConf
from harness.util import assert_allowed, assert_no_cors, assert_refused

A = "https://a.example"
B = "https://b.example"
C = "https://c.example"
D = "https://d.example"


class TestFieldInheritance:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add("""CORSAllowOrigin https://server.example
CORSAllowMethods PUT
CORSAllowHeaders X-Server
CORSExposeHeaders X-Server-Expose
CORSMaxAge 100
CORSAllowCredentials On""")
        conf.location("/m/age/", ["CORSMaxAge 60"])
        conf.location("/m/origin/", ["CORSAllowOrigin https://child.example"])
        conf.location("/m/nocred/", ["CORSAllowCredentials Off"])
        conf.location("/m/methods/", ["CORSAllowMethods DELETE",
                                      "CORSExposeHeaders X-Child"])
        for d in ("age", "origin", "nocred", "methods"):
            conf.doc("m/%s/x.txt" % d, "x\n")
        conf.start()

    # only CORSMaxAge overridden: everything else inherited
    def test_cors_400_01(self, cors_env):
        r = preflight(cors_env, "/m/age/x.txt", "https://server.example",
                      req_headers="X-Server")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == \
            ["https://server.example"]
        assert r.get_all("Access-Control-Allow-Methods") == ["PUT"]
        assert r.get_all("Access-Control-Allow-Headers") == ["x-server"]
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"]
        assert r.get_all("Access-Control-Max-Age") == ["60"]
        r = get(cors_env, "/m/age/x.txt", "https://server.example")
        assert_allowed(r, "https://server.example", credentials=True,
                       expose="X-Server-Expose")

    # only the origins overridden: the list is replaced, the rest inherited
    def test_cors_400_02(self, cors_env):
        assert_refused(get(cors_env, "/m/origin/x.txt",
                           "https://server.example"))
        r = get(cors_env, "/m/origin/x.txt", "https://child.example")
        assert_allowed(r, "https://child.example", credentials=True,
                       expose="X-Server-Expose")
        r = preflight(cors_env, "/m/origin/x.txt", "https://child.example")
        assert r.status == 204
        assert r.get_all("Access-Control-Max-Age") == ["100"]

    # credentials turned off in a child
    def test_cors_400_03(self, cors_env):
        r = get(cors_env, "/m/nocred/x.txt", "https://server.example")
        assert_allowed(r, "https://server.example", credentials=False,
                       expose="X-Server-Expose")

    # methods and expose headers replaced, not added to
    def test_cors_400_04(self, cors_env):
        r = preflight(cors_env, "/m/methods/x.txt", "https://server.example",
                      method="PUT")
        assert r.status == 403, r
        r = preflight(cors_env, "/m/methods/x.txt", "https://server.example",
                      method="DELETE")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Methods") == ["DELETE"]
        r = get(cors_env, "/m/methods/x.txt", "https://server.example")
        assert_allowed(r, "https://server.example", credentials=True,
                       expose="X-Child")


PLUS_MINUS = [
    # path, allowed, refused
    ("/pm/base/", [A, B], [C]),
    ("/pm/plus/", [A, B, C], [D]),
    ("/pm/minus/", [A], [B, C]),
    ("/pm/replace/", [C], [A, B]),
    ("/pm/plusminus/", [B, C], [A]),
    ("/pm/multi/", [C, D], [A, B]),
    ("/pm/none/plus/", [D], [A, B, C]),
    ("/pm/minus-all/plus/", [C], [A, B]),
]


class TestPlusMinusNone:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add("CORSAllowOrigin %s %s" % (A, B))
        conf.location("/pm/plus/", ["CORSAllowOrigin +%s" % C])
        conf.location("/pm/minus/", ["CORSAllowOrigin -%s" % B])
        conf.location("/pm/replace/", ["CORSAllowOrigin %s" % C])
        conf.location("/pm/plusminus/", ["CORSAllowOrigin +%s -%s" % (C, A)])
        conf.location("/pm/multi/", ["CORSAllowOrigin %s" % C,
                                     "CORSAllowOrigin %s" % D])
        conf.location("/pm/none/", ["CORSAllowOrigin none"])
        conf.location("/pm/none/plus/", ["CORSAllowOrigin +%s" % D])
        conf.location("/pm/minus-all/", ["CORSAllowOrigin -%s -%s" % (A, B)])
        conf.location("/pm/minus-all/plus/", ["CORSAllowOrigin +%s" % C])
        for d in ("base", "plus", "minus", "replace", "plusminus", "multi",
                  "none", "none/plus", "minus-all", "minus-all/plus"):
            conf.doc("pm/%s/x.txt" % d, "x\n")
        conf.start()

    # +adds, -removes, no prefix replaces, several lines add up
    @pytest.mark.parametrize("path,allowed,refused", PLUS_MINUS,
                             ids=[p[0] for p in PLUS_MINUS])
    def test_cors_400_10(self, cors_env, path, allowed, refused):
        for o in allowed:
            assert_allowed(get(cors_env, path + "x.txt", o), o)
        for o in refused:
            assert_refused(get(cors_env, path + "x.txt", o))

    # none: CORS off in that scope, nothing added at all
    @pytest.mark.parametrize("origin", [A, B, None])
    def test_cors_400_11(self, cors_env, origin):
        r = get(cors_env, "/pm/none/x.txt", origin)
        assert r.status == 200
        assert_no_cors(r)

    # removing every inherited origin turns CORS off
    def test_cors_400_12(self, cors_env):
        r = get(cors_env, "/pm/minus-all/x.txt", A)
        assert_no_cors(r)

    # a preflight where CORS is off (none) is not answered by mod_cors
    def test_cors_400_13(self, cors_env):
        r = preflight(cors_env, "/pm/none/x.txt", A, method="GET")
        assert r.status != 204
        assert_no_cors(r)


class TestVirtualHostMerge:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add("CORSAllowOrigin %s\nCORSMaxAge 100" % A)
        conf.vhost("plain.test", [])
        conf.vhost("merge.test", [
            "CORSAllowOrigin +%s" % B,
            "<Location /api/>", "CORSMaxAge 50", "</Location>"])
        conf.vhost("replace.test", ["CORSAllowOrigin %s" % C])
        conf.start()

    # a vhost without directives inherits the server's policy
    def test_cors_400_20(self, cors_env):
        r = get(cors_env, "/alive.json", A, host="plain.test")
        assert_allowed(r, A)

    # a vhost adds to it with +, and its <Location> overrides one field
    def test_cors_400_21(self, cors_env):
        for o in (A, B):
            r = get(cors_env, "/api/data.json", o,
                    host="merge.test")
            assert_allowed(r, o)
        r = preflight(cors_env, "/api/data.json", B, "GET", host="merge.test")
        assert r.status == 204
        assert r.get_all("Access-Control-Max-Age") == ["50"]
        r = preflight(cors_env, "/alive.json", B, "GET", host="merge.test")
        assert r.get_all("Access-Control-Max-Age") == ["100"]

    # a vhost replaces the list without a prefix
    def test_cors_400_22(self, cors_env):
        assert_refused(get(cors_env, "/alive.json", A,
                           host="replace.test"))
        assert_allowed(get(cors_env, "/alive.json", C,
                           host="replace.test"), C)


class TestSectionOrder:
    """<Directory> → .htaccess → <Files> → <Location>, field by field."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add("CORSAllowOrigin %s\nCORSMaxAge 1" % A)
        conf.directory("order", ["AllowOverride FileInfo",
                                 "CORSAllowOrigin +%s" % B,
                                 "CORSMaxAge 10"])
        conf.htaccess("order/ht", "CORSAllowOrigin +%s\nCORSMaxAge 30\n"
                      "CORSExposeHeaders X-Ht\n" % C)
        conf.files("special.txt", ["CORSAllowMethods DELETE"])
        conf.location("/order/loc/", ["CORSAllowOrigin +%s" % D,
                                      "CORSMaxAge 20"])
        conf.doc("order/x.txt", "x\n")
        conf.doc("order/ht/x.txt", "x\n")
        conf.doc("order/ht/special.txt", "x\n")
        conf.doc("order/loc/x.txt", "x\n")
        conf.start()

    def _age(self, env, path, origin):
        r = preflight(env, path, origin, method="GET")
        assert r.status == 204, r
        return r.header("Access-Control-Max-Age")

    # <Directory> adds to the server list and overrides max-age
    def test_cors_400_30(self, cors_env):
        for o in (A, B):
            assert_allowed(get(cors_env, "/order/x.txt", o), o)
        assert_refused(get(cors_env, "/order/x.txt", C))
        assert self._age(cors_env, "/order/x.txt", A) == "10"

    # .htaccess adds to its <Directory> and overrides it
    def test_cors_400_31(self, cors_env):
        for o in (A, B, C):
            assert_allowed(get(cors_env, "/order/ht/x.txt", o), o,
                           expose="X-Ht")
        assert self._age(cors_env, "/order/ht/x.txt", C) == "30"

    # <Files> over .htaccess: only the methods change
    def test_cors_400_32(self, cors_env):
        r = preflight(cors_env, "/order/ht/special.txt", C, method="DELETE")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Max-Age") == ["30"]
        r = preflight(cors_env, "/order/ht/special.txt", C, method="PUT")
        assert r.status == 403, r

    # <Location> comes last
    def test_cors_400_33(self, cors_env):
        for o in (A, B, D):
            assert_allowed(get(cors_env, "/order/loc/x.txt", o), o)
        assert self._age(cors_env, "/order/loc/x.txt", D) == "20"


FAIL_CLOSED = [
    "/fc/star/x.txt", "/fc/null/x.txt", "/fc/aceh/x.txt", "/fc/psl/x.txt",
    "/fc2/cred/x.txt",
]


class TestFailClosed:
    """Credentials inherited + "*" (or null, ACEH *, a public-suffix
    wildcard) set in a child: no CORS headers, an error logged."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/fc/", ["CORSAllowOrigin %s" % A,
                               "CORSAllowCredentials On"])
        conf.location("/fc/star/", ["CORSAllowOrigin *"])
        conf.location("/fc/null/", ["CORSAllowOrigin +null"])
        conf.location("/fc/aceh/", ["CORSExposeHeaders *"])
        conf.location("/fc/psl/", ["CORSAllowOrigin +https://*.co.uk"])
        conf.location("/fc2/", ["CORSAllowOrigin *"])
        conf.location("/fc2/cred/", ["CORSAllowCredentials On"])
        for d in ("fc", "fc/star", "fc/null", "fc/aceh", "fc/psl", "fc2",
                  "fc2/cred"):
            conf.doc(d + "/x.txt", "x\n")
        type(self).mark = cors_env.log_size()
        conf.start()

    # the parents on their own work
    def test_cors_400_40(self, cors_env):
        assert_allowed(get(cors_env, "/fc/x.txt", A), A, credentials=True)
        r = get(cors_env, "/fc2/x.txt", A)
        assert r.get_all("Access-Control-Allow-Origin") == ["*"]

    # the merged conflict: served as usual, with no CORS header at all
    @pytest.mark.parametrize("path", FAIL_CLOSED)
    @pytest.mark.parametrize("origin", [A, "null", "https://x.co.uk"])
    def test_cors_400_41(self, cors_env, path, origin):
        r = get(cors_env, path, origin)
        assert r.status == 200
        assert r.body == b"x\n"
        assert r.cors_headers() == [], r.headers

    # preflights in a conflicting scope earn nothing either
    @pytest.mark.parametrize("path", FAIL_CLOSED)
    def test_cors_400_42(self, cors_env, path):
        r = preflight(cors_env, path, A, method="GET")
        allow = [(n, v) for (n, v) in r.headers
                 if n.lower().startswith("access-control-allow-")]
        assert allow == [], r.headers
        assert r.count("Access-Control-Max-Age") == 0, r.headers

    # an error is logged, once per configuration, not once per request
    def test_cors_400_43(self, cors_env):
        for _ in range(3):
            get(cors_env, "/fc/star/x.txt", A)
        log = cors_env.read_log(self.mark)
        errors = [ln for ln in log.splitlines()
                  if "[cors:error]" in ln or "[cors:crit]" in ln
                  or "[cors:alert]" in ln]
        assert errors, log[-3000:]
        before = len(errors)
        for _ in range(5):
            get(cors_env, "/fc/star/x.txt", A)
        log = cors_env.read_log(self.mark)
        after = len([ln for ln in log.splitlines()
                     if "[cors:error]" in ln or "[cors:crit]" in ln
                     or "[cors:alert]" in ln])
        assert after == before, log[-3000:]


class TestInternalRedirects:
    """DirectoryIndex, ErrorDocument, mod_rewrite: one copy of the headers
    and the policy of the URL the browser asked for."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/ir/dir/", ["CORSAllowOrigin %s" % A,
                                   "CORSExposeHeaders X-Dir"])
        conf.location("/ir/dir/index.html", ["CORSAllowOrigin %s" % B,
                                             "CORSExposeHeaders X-Index"])
        conf.location("/ir/api/", ["CORSAllowOrigin %s" % A,
                                   "ErrorDocument 404 /ir/errors/404.html"])
        conf.location("/ir/errors/", ["CORSAllowOrigin %s" % B,
                                      "CORSAllowCredentials On"])
        conf.location("/ir/noerr/", ["CORSAllowOrigin %s" % A,
                                     "ErrorDocument 404 /errors/404.html"])
        conf.directory("ir/rw", ["RewriteEngine On",
                                 "RewriteRule ^go$ /ir/target/x.txt [L]"])
        conf.location("/ir/rw/", ["CORSAllowOrigin %s" % A])
        conf.location("/ir/target/", ["CORSAllowOrigin %s" % B])
        conf.location("/ir/ssi/", ["CORSAllowOrigin %s" % A])
        conf.location("/ir/ssi/other/", ["CORSAllowOrigin %s" % B])
        conf.location("/cgi/localredir.cgi", ["CORSAllowOrigin %s" % A])
        conf.location("/ir/plain/", ["ErrorDocument 404 /ir/errors/404.html"])
        conf.doc("ir/plainssi/page.shtml",
                 'a <!--#include virtual="/ir/ssi/part.txt" --> b\n')
        conf.doc("ir/dir/index.html", "ir index\n")
        conf.doc("ir/errors/404.html", "ir custom 404\n")
        conf.doc("ir/api/x.txt", "x\n")
        conf.doc("ir/rw/placeholder", "")
        conf.doc("ir/target/x.txt", "target\n")
        conf.doc("ir/ssi/part.txt", "part\n")
        conf.doc("ir/ssi/other/part.txt", "other part\n")
        conf.doc("ir/ssi/page.shtml",
                 'a <!--#include virtual="/ir/ssi/part.txt" --> b '
                 '<!--#include virtual="/ir/ssi/other/part.txt" --> c\n')
        conf.start()

    # DirectoryIndex: one ACAO, the policy of /ir/dir/ not of index.html
    def test_cors_400_50(self, cors_env):
        r = get(cors_env, "/ir/dir/", A)
        assert r.status == 200
        assert r.body == b"ir index\n"
        assert_allowed(r, A, expose="X-Dir")
        r = get(cors_env, "/ir/dir/", B)
        assert r.status == 200
        assert_refused(r)

    # ErrorDocument to a local URL with another policy: the asked URL's
    # policy, one copy of each header
    def test_cors_400_51(self, cors_env):
        r = get(cors_env, "/ir/api/missing", A)
        assert r.status == 404
        assert r.body == b"ir custom 404\n"
        assert_allowed(r, A)
        r = get(cors_env, "/ir/api/missing", B)
        assert r.status == 404
        assert r.body == b"ir custom 404\n"
        assert_refused(r)

    # ErrorDocument to a page outside any CORS scope keeps the headers
    def test_cors_400_52(self, cors_env):
        r = get(cors_env, "/ir/noerr/missing", A)
        assert r.status == 404
        assert b"custom 404 page" in r.body
        assert_allowed(r, A)

    # mod_rewrite's per-directory internal redirect
    def test_cors_400_53(self, cors_env):
        r = get(cors_env, "/ir/rw/go", A)
        assert r.status == 200
        assert r.body == b"target\n"
        assert_allowed(r, A)
        r = get(cors_env, "/ir/rw/go", B)
        assert r.status == 200
        assert_refused(r)

    # mod_include subrequests add no second copy
    @pytest.mark.parametrize("origin", [A, B])
    def test_cors_400_54(self, cors_env, origin):
        r = get(cors_env, "/ir/ssi/page.shtml", origin)
        assert r.status == 200
        assert b"part" in r.body and b"other part" in r.body, r.body
        if origin == A:
            assert_allowed(r, A)
        else:
            assert_refused(r)

    # a URL without policy whose ErrorDocument lives in a CORS scope: none
    @pytest.mark.parametrize("origin", [A, B])
    def test_cors_400_56(self, cors_env, origin):
        r = get(cors_env, "/ir/plain/missing", origin)
        assert r.status == 404
        assert r.body == b"ir custom 404\n"
        assert_no_cors(r)

    # a page without policy including a CORS-scoped part: none either
    def test_cors_400_57(self, cors_env):
        r = get(cors_env, "/ir/plainssi/page.shtml", A)
        assert r.status == 200
        assert b"part" in r.body
        assert_no_cors(r)

    # a CGI's local Location: redirect: one copy, the CGI URL's policy
    @pytest.mark.parametrize("origin", [A, B])
    def test_cors_400_58(self, cors_env, origin):
        r = get(cors_env, "/cgi/localredir.cgi?/ir/target/x.txt", origin)
        assert r.status == 200
        assert r.body == b"target\n"
        if origin == A:
            assert_allowed(r, A)
        else:
            assert_refused(r)

    # a preflight to a URL whose index has another policy: the asked URL's
    def test_cors_400_55(self, cors_env):
        r = preflight(cors_env, "/ir/dir/", A, method="GET")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == [A]


class TestNegotiation:
    """mod_negotiation (MultiViews) picks a variant through a fast internal
    redirect and adds its own Vary."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add("LoadModule negotiation_module %s/mod_negotiation.so"
                 % cors_env.modules_dir)
        conf.add("AddLanguage en .en\nAddLanguage de .de")
        conf.directory("mv", ["Options +MultiViews"])
        conf.location("/mv/", ["CORSAllowOrigin %s" % A,
                               "CORSAllowCredentials On"])
        conf.doc("mv/page.html.en", "english\n")
        conf.doc("mv/page.html.de", "deutsch\n")
        conf.start()

    # one copy of each header, Vary merges negotiation's tokens and Origin
    @pytest.mark.parametrize("origin", [A, B, None])
    def test_cors_400_60(self, cors_env, origin):
        r = get(cors_env, "/mv/page", origin,
                extra=[("Accept-Language", "de")])
        assert r.status == 200
        assert r.body == b"deutsch\n"
        assert r.count("Vary") == 1, r.headers
        toks = r.vary_tokens()
        assert "accept-language" in toks, r.headers
        assert toks.count("origin") == 1, r.headers
        assert len(toks) == len(set(toks)), r.headers
        if origin == A:
            assert_allowed(r, A, credentials=True)
        else:
            assert_refused(r)
