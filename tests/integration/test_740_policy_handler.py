"""docs/behaviour.md §5, §6: `SetHandler cors-policy`, the effective
policy of one URL as httpd's own lookup merges it (a subrequest: every
section, .htaccess, <If> and RewriteRule applies), where each value was
set, and the decision for an Origin, a method and request headers.  Plain
text (default), HTML and JSON; everything from the client escaped.

The configuration is the one of the merge and .htaccess tests
(test_400_merge.py TestSectionOrder and TestFailClosed,
test_600_htaccess.py), plus an <If> and a server-level RewriteRule."""

import json
import os
import re
from urllib.parse import quote

import pytest

from harness.client import request
from harness.conf import CorsConf

A = "https://a.example"
B = "https://b.example"
C = "https://c.example"
D = "https://d.example"


def policy(env, url, fmt=None, **kw):
    q = "url=" + quote(url, safe="/")
    for k, v in kw.items():
        q += "&%s=%s" % (k, quote(v, safe=""))
    if fmt:
        q += "&format=" + fmt
    return request(env.port, "GET", "/cors-policy?" + q)


def as_json(env, url, **kw):
    r = policy(env, url, "json", **kw)
    assert r.status == 200, r
    assert r.header("Content-Type") == "application/json", r.headers
    return json.loads(r.body.decode("utf-8"))


def field(doc, name):
    rows = [row for row in doc["policy"] if row["field"] == name]
    assert len(rows) == 1, (name, doc["policy"])
    return rows[0]


class TestPolicyHandler:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add([
            '<Location "/cors-policy">',
            "    SetHandler cors-policy",
            "    Require local",
            "</Location>",
            "RewriteEngine On",
            'RewriteRule "^/rw/(.*)$" "/order/loc/$1" [PT]',
            # as test_400 TestSectionOrder
            "CORSAllowOrigin %s" % A,
        ])
        conf.directory("order", ["AllowOverride FileInfo",
                                 "CORSAllowOrigin +%s" % B,
                                 "CORSMaxAge 10"])
        conf.htaccess("order/ht", "CORSAllowOrigin +%s\nCORSMaxAge 30\n"
                      "CORSExposeHeaders X-Ht\n" % C)
        conf.files("special.txt", ["CORSAllowMethods DELETE"])
        conf.location("/order/loc/", ["CORSAllowOrigin +%s" % D,
                                      "CORSMaxAge 20"])
        # as test_400 TestFailClosed
        conf.location("/fc/", ["CORSAllowOrigin %s" % A,
                               "CORSAllowCredentials On"])
        conf.location("/fc/star/", ["CORSAllowOrigin *"])
        # as test_600: an .htaccess that AllowOverride None ignores
        conf.directory("ht740/none", ["AllowOverride None"])
        conf.htaccess("ht740/none", "CORSMaxAge 5\n")
        conf.location("/iff/", [
            "CORSAllowMethods GET PUT",
            "CORSAllowHeaders Content-Type",
            '<If "%{QUERY_STRING} =~ /beta/">',
            "    CORSMaxAge 77",
            "</If>",
        ])
        # an origin list file (test_735_origin_file.py)
        listed = cors_env.write_file(
            os.path.join(cors_env.conf_dir, "origins740.txt"),
            "https://listed.example\n")
        conf.location("/lst/", ["CORSAllowOriginFile %s" % listed])
        for d in ("lst/x.txt", "order/x.txt", "order/ht/x.txt", "order/ht/special.txt",
                  "order/loc/x.txt", "fc/star/x.txt", "ht740/none/x.txt",
                  "iff/x.txt"):
            conf.doc(d, "x\n")
        conf.start()
        type(self).test_conf = cors_env.test_conf
        type(self).htaccess = cors_env.docroot_path("order/ht/.htaccess")

    def line_of(self, text):
        with open(self.test_conf) as f:
            for n, ln in enumerate(f, 1):
                if ln.strip() == text:
                    return n
        raise AssertionError(text)

    # plain text by default: the merged policy of a URL under
    # <Directory> + .htaccess, each value with the line that set it
    def test_cors_740_01(self, cors_env):
        r = policy(cors_env, "/order/ht/x.txt")
        assert r.status == 200, r
        assert r.header("Content-Type").startswith("text/plain"), r.headers
        text = r.body.decode()
        origins = re.search(r"^  origins: (.*)$", text, re.M).group(1)
        for o in (A, B, C):
            assert o in origins, text
        assert re.search(r"^  max-age: 30    <- %s:2 \(\.htaccess\)$"
                         % re.escape(self.htaccess), text, re.M), text
        assert re.search(r"^  expose headers: X-Ht    <- %s:3 "
                         % re.escape(self.htaccess), text, re.M), text
        # a default says so by having no source
        assert re.search(r"^  credentials: off$", text, re.M), text

    # JSON: <Location> comes last and wins max-age; <Files> sets methods;
    # the source names the file, line and section
    def test_cors_740_02(self, cors_env):
        doc = as_json(cors_env, "/order/loc/x.txt")
        age = field(doc, "max-age")
        assert age["value"] == "20", age
        assert age["source"] == '%s:%d (<Location "/order/loc/">)' % (
            self.test_conf, self.line_of("CORSMaxAge 20")), age
        doc = as_json(cors_env, "/order/ht/special.txt")
        m = field(doc, "methods")
        assert m["value"] == "DELETE", m
        assert '(<Files "special.txt">)' in m["source"], m
        assert field(doc, "max-age")["value"] == "30"
        assert field(doc, "credentials")["source"] is None

    # the decision for an Origin, a method and headers: the preflight and
    # the actual request, reason and headers
    def test_cors_740_03(self, cors_env):
        doc = as_json(cors_env, "/iff/x.txt", origin=A, method="PUT",
                      headers="content-type,x-y")
        assert [d["kind"] for d in doc["decisions"]] == ["preflight",
                                                         "actual"], doc
        pre, act = doc["decisions"]
        assert pre["allowed"] is False and pre["status"] == 403, pre
        assert "x-y" in pre["reason"] and "not allowed" in pre["reason"], pre
        assert act["allowed"] is True, act
        assert act["headers"]["Access-Control-Allow-Origin"] == A, act
        doc = as_json(cors_env, "/iff/x.txt", origin=A, method="PUT",
                      headers="content-type")
        pre = doc["decisions"][0]
        assert pre["allowed"] is True and pre["status"] == 204, pre
        assert pre["headers"]["Access-Control-Allow-Methods"] == "PUT", pre
        doc = as_json(cors_env, "/iff/x.txt", origin=D)
        assert [d["kind"] for d in doc["decisions"]] == ["actual"], doc
        assert doc["decisions"][0]["allowed"] is False
        assert D in doc["decisions"][0]["reason"], doc

    # nested sections (test_400's fail-closed case): credentials from
    # <Location "/fc/">, * from <Location "/fc/star/">, refused with the
    # conflict as the reason
    def test_cors_740_04(self, cors_env):
        doc = as_json(cors_env, "/fc/star/x.txt", origin=A)
        cred = field(doc, "credentials")
        assert cred["value"] == "on", cred
        assert '(<Location "/fc/">)' in cred["source"], cred
        assert '(<Location "/fc/star/">)' in field(doc, "origins")["source"]
        assert "FAILS CLOSED" in field(doc, "CORS")["value"], doc
        dec = doc["decisions"][0]
        assert dec["allowed"] is False, dec
        assert list(dec["headers"]) == ["Vary"], dec
        assert "CORSAllowCredentials" in dec["reason"], dec

    # <If> is evaluated on the URL given, query string included
    def test_cors_740_05(self, cors_env):
        doc = as_json(cors_env, "/iff/x.txt?beta=1")
        age = field(doc, "max-age")
        assert age["value"] == "77", age
        assert "(<If " in age["source"], age
        assert field(as_json(cors_env, "/iff/x.txt"),
                     "max-age")["value"] == "7200"

    # a server-level RewriteRule [PT] maps the URL before the sections:
    # the policy shown is the rewritten URL's, as for a request
    def test_cors_740_06(self, cors_env):
        doc = as_json(cors_env, "/rw/x.txt")
        assert field(doc, "max-age")["value"] == "20", doc
        assert doc["lookup"]["filename"].endswith("/order/loc/x.txt"), doc

    # .htaccess under AllowOverride None is ignored: the default shows
    def test_cors_740_07(self, cors_env):
        doc = as_json(cors_env, "/ht740/none/x.txt")
        age = field(doc, "max-age")
        assert age == {"field": "max-age", "value": "7200",
                       "source": None}, age

    # HTML: the URL and the Origin (client strings) are escaped
    def test_cors_740_08(self, cors_env):
        r = policy(cors_env, '/order/x.txt?<script>alert(1)</script>',
                   "html", origin='https://x.example"><img src=x>')
        assert r.status == 200, r
        assert r.header("Content-Type").startswith("text/html"), r.headers
        body = r.body.decode()
        assert "<script>" not in body and "<img" not in body, body
        assert "&lt;script&gt;" in body, body
        assert "<table" in body and '<td>max-age</td>' in body, body

    # JSON: quotes, backslashes, control bytes, <, > stay inside strings
    def test_cors_740_09(self, cors_env):
        origin = 'https://x"\\\n</script>'
        doc = as_json(cors_env, "/order/x.txt", origin=origin)
        assert doc["request"]["origin"] == origin, doc
        assert doc["decisions"][0]["allowed"] is False, doc
        raw = policy(cors_env, "/order/x.txt", "json", origin=origin).body
        assert b"</script>" not in raw, raw

    # plain text: control bytes from the client are made visible
    def test_cors_740_10(self, cors_env):
        r = policy(cors_env, "/order/x.txt", origin="https://a\r\nX-Evil: 1")
        assert r.status == 200
        assert b"\r\nX-Evil" not in r.body, r.body
        assert b"\\x0d\\x0aX-Evil" in r.body, r.body

    # GET only (405 names it); an unknown format is a 400; no url: usage
    def test_cors_740_11(self, cors_env):
        r = request(cors_env.port, "POST", "/cors-policy?url=/order/x.txt")
        assert r.status == 405, r
        assert "GET" in (r.header("Allow") or ""), r.headers
        assert policy(cors_env, "/order/x.txt", "xml").status == 400
        r = request(cors_env.port, "GET", "/cors-policy")
        assert r.status == 200
        assert b"?url=" in r.body, r.body

    # an origin list file: its line says where the list comes from, and
    # a listed origin is allowed
    def test_cors_740_12(self, cors_env):
        doc = as_json(cors_env, "/lst/x.txt", origin="https://listed.example")
        src = field(doc, "origin source")
        assert "origins740.txt" in src["value"], src
        assert src["source"] == '%s:%d (<Location "/lst/">)' % (
            self.test_conf, self.line_of("CORSAllowOriginFile %s"
                                         % os.path.join(cors_env.conf_dir,
                                                        "origins740.txt"))), \
            src
        assert doc["decisions"][0]["allowed"] is True, doc
