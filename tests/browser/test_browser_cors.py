"""CORS scenarios of docs/behaviour.md §3-§4 in Chromium and in Firefox ESR:
a page on one origin calls the API (mod_cors) on another with fetch(), and
the assertion is what JavaScript could read (status, body, readable headers)
or the TypeError it got.  Where a browser must not even send the actual
request (a refused preflight), the API's access log says so.

Policies are in apisite.py (one Apache configuration for all of them).
Every URL carries ?t=<test>-<engine>, so no browser cache entry and no log
line is shared between two tests."""

import base64
import time

import pytest

DATA_JSON = '{"scope": "api", "items": [1, 2, 3]}\n'

# What a cross-origin response lets JavaScript read of a static file:
# the CORS-safelisted response headers Apache sends (Fetch Standard,
# "CORS-safelisted response-header name"); Date, Server, ETag,
# Accept-Ranges stay hidden.
STATIC_READABLE = ["content-length", "content-type", "last-modified"]


def preflights(lines):
    return [ln for ln in lines if " OPTIONS " in ln]


def actual(lines, method):
    return [ln for ln in lines if (" %s " % method) in ln]


def status_of(line):
    return int(line.split()[3])


# ---- simple GET -------------------------------------------------------------

# A simple GET from the allowed origin: JavaScript reads status, body and
# the safelisted headers; no preflight was sent.
def test_simple_get_allowed(probe):
    r = probe("/b/basic/data.json")
    assert r["outcome"] == "response", r
    assert (r["status"], r["type"], r["body"]) == (
        200, "cors", '{"scope": "basic"}\n')
    assert sorted(r["headers"]) == STATIC_READABLE
    assert r["headers"]["content-type"] == "application/json"
    lines = probe.log(1)
    assert preflights(lines) == []
    assert [status_of(ln) for ln in actual(lines, "GET")] == [200]
    assert "cors=allowed" in lines[0]


# The same GET from an origin the API does not list: the server answers
# (CORS is not access control), the browser hides it behind a TypeError.
def test_simple_get_refused_origin(probe, site):
    r = probe("/b/basic/data.json", origin=site.evil_origin)
    assert r == probe.type_error()
    lines = probe.log(1)
    assert [status_of(ln) for ln in lines] == [200]
    assert 'origin="%s"' % site.evil_origin in lines[0]
    assert "cors=denied" in lines[0]


# ---- credentials --------------------------------------------------------------

# credentials: 'include' with a cookie: readable with CORSAllowCredentials
# On, and the cookie reached the server.
def test_credentials_include_allowed(probe):
    r = probe("/b/cred-on/echo.cgi", {"credentials": "include"},
              cookie="session=s3cr3t; path=/; SameSite=Lax")
    assert r["outcome"] == "response", r
    assert r["status"] == 200
    assert r["body"] == ("method=GET ctype= x-custom= cookie=session=s3cr3t "
                         "body=\n")


# The same with CORSAllowCredentials Off: the cookie is sent, the response
# is not shared (no Access-Control-Allow-Credentials: true).
def test_credentials_include_refused_when_off(probe):
    r = probe("/b/cred-off/echo.cgi", {"credentials": "include"},
              cookie="session=s3cr3t; path=/; SameSite=Lax")
    assert r == probe.type_error()
    lines = probe.log(1)
    assert len(lines) == 1 and 'cookie="session=s3cr3t"' in lines[0], lines


# Control for the test above: without credentials the same URL is readable,
# and the browser sent no cookie.
def test_credentials_off_readable_without_credentials(probe):
    r = probe("/b/cred-off/echo.cgi", {"credentials": "omit"},
              cookie="session=s3cr3t; path=/; SameSite=Lax")
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (
        200, "method=GET ctype= x-custom= cookie= body=\n")


# ---- preflighted POST and PUT -------------------------------------------------

JSON_POST = {"method": "POST", "headers": {"Content-Type": "application/json"},
             "body": '{"n":1}'}
PUT_CUSTOM = {"method": "PUT", "headers": {"X-Custom": "yes"},
              "body": "put-body"}


# POST with Content-Type: application/json is preflighted; the policy lists
# Content-Type, so the POST follows and its answer is readable.
def test_post_json_preflighted_allowed(probe):
    r = probe("/b/api/echo.cgi", JSON_POST)
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (
        200, 'method=POST ctype=application/json x-custom= cookie= '
             'body={"n":1}\n')
    lines = probe.log(2)
    pf = preflights(lines)
    assert len(pf) == 1 and status_of(pf[0]) == 204, lines
    assert 'acrm="POST" acrh="content-type"' in pf[0]
    assert [status_of(ln) for ln in actual(lines, "POST")] == [200]


# Content-Type not listed: the preflight is refused and the browser never
# sends the POST.
def test_post_json_preflight_refused(probe):
    r = probe("/b/strict/echo.cgi", JSON_POST)
    assert r == probe.type_error()
    lines = probe.log(1)
    assert [status_of(ln) for ln in preflights(lines)] == [403], lines
    assert actual(lines, "POST") == []
    assert "cors=preflight-denied" in lines[0]


# The same POST from a refused origin: preflight refused, no POST.
def test_post_json_refused_origin(probe, site):
    r = probe("/b/api/echo.cgi", JSON_POST, origin=site.evil_origin)
    assert r == probe.type_error()
    lines = probe.log(1)
    assert [status_of(ln) for ln in preflights(lines)] == [403], lines
    assert actual(lines, "POST") == []


# PUT with a custom header: preflight names both, the PUT follows.
def test_put_custom_header_allowed(probe):
    r = probe("/b/api/echo.cgi", PUT_CUSTOM)
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (
        200, "method=PUT ctype=text/plain;charset=UTF-8 x-custom=yes "
             "cookie= body=put-body\n")
    lines = probe.log(2)
    pf = preflights(lines)
    assert len(pf) == 1 and status_of(pf[0]) == 204, lines
    assert 'acrm="PUT" acrh="x-custom"' in pf[0]
    assert [status_of(ln) for ln in actual(lines, "PUT")] == [200]


# PUT is allowed in /b/strict/ but X-Custom is not: refused, no PUT sent.
def test_put_custom_header_refused(probe):
    r = probe("/b/strict/echo.cgi", PUT_CUSTOM)
    assert r == probe.type_error()
    lines = probe.log(1)
    assert [status_of(ln) for ln in preflights(lines)] == [403], lines
    assert 'acrm="PUT" acrh="x-custom"' in lines[0]
    assert actual(lines, "PUT") == []


# ---- method case ------------------------------------------------------------

# PATCH is listed, so fetch(..., {method: 'PATCH'}) works.
def test_patch_allowed(probe):
    r = probe("/b/api/echo.cgi", {"method": "PATCH", "body": "p"})
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (
        200, "method=PATCH ctype=text/plain;charset=UTF-8 x-custom= "
             "cookie= body=p\n")
    pf = preflights(probe.log(2))
    assert len(pf) == 1 and 'acrm="PATCH"' in pf[0] and \
        status_of(pf[0]) == 204


# fetch() does not uppercase 'patch' (it normalises only DELETE, GET, HEAD,
# OPTIONS, POST, PUT): the preflight asks for 'patch', which is not PATCH.
def test_lowercase_patch_refused(probe):
    r = probe("/b/api/echo.cgi", {"method": "patch", "body": "p"})
    assert r == probe.type_error()
    lines = probe.log(1)
    assert len(lines) == 1, lines
    assert " OPTIONS " in lines[0] and 'acrm="patch"' in lines[0]
    assert status_of(lines[0]) == 403


# ---- Authorization --------------------------------------------------------------

# CORSAllowHeaders * allows any header name (X-Custom here)...
def test_star_allows_custom_header(probe):
    r = probe("/b/star/echo.cgi", {"headers": {"X-Custom": "any"}})
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (
        200, "method=GET ctype= x-custom=any cookie= body=\n")


# ... but not Authorization, which the Fetch Standard never covers by `*`.
def test_star_refuses_authorization(probe):
    r = probe("/b/star/echo.cgi",
              {"headers": {"Authorization": "Bearer token"}})
    assert r == probe.type_error()
    lines = probe.log(1)
    assert len(lines) == 1 and " OPTIONS " in lines[0], lines
    assert 'acrh="authorization"' in lines[0] and status_of(lines[0]) == 403


# Authorization listed: the preflight passes, the GET carries the Basic
# credentials and JavaScript reads the protected body.
def test_authorization_allowed_when_listed(probe):
    basic = base64.b64encode(b"alice:secret").decode()
    r = probe("/b/auth/secret.json",
              {"headers": {"Authorization": "Basic " + basic}})
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (
        200, '{"secret": "only for alice"}\n')
    lines = probe.log(2)
    pf = preflights(lines)
    assert len(pf) == 1 and 'acrh="authorization"' in pf[0], lines
    assert status_of(pf[0]) == 204
    assert [status_of(ln) for ln in actual(lines, "GET")] == [200]


# ---- exposed headers --------------------------------------------------------

# X-Total-Count is readable when listed in CORSExposeHeaders...
def test_expose_header_listed(probe):
    r = probe("/b/expose/list.json")
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (200, '["a", "b"]\n')
    assert r["headers"].get("x-total-count") == "42"
    assert sorted(r["headers"]) == sorted(STATIC_READABLE +
                                          ["x-total-count"])


# ... and hidden when not, although the server sent it.
def test_expose_header_not_listed(probe):
    r = probe("/b/noexpose/list.json")
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (200, '["a", "b"]\n')
    assert "x-total-count" not in r["headers"]
    assert sorted(r["headers"]) == STATIC_READABLE


# ---- errors are readable ------------------------------------------------------

# Apache's own 404.
def test_404_readable(probe):
    r = probe("/b/api/missing.json")
    assert r["outcome"] == "response", r
    assert r["status"] == 404
    assert "<title>404 Not Found</title>" in r["body"]
    assert "The requested URL was not found on this server." in r["body"]


# A CGI (mod_cgid) that answers 500 with its own body.
def test_500_from_cgi_readable(probe):
    r = probe("/b/api/fail500.cgi")
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (
        500, "backend failed: database unavailable\n")
    assert r["headers"]["content-type"] == "text/plain"


# A CGI that dies before its headers: Apache's 500 page.
def test_500_from_crashed_cgi_readable(probe):
    r = probe("/b/api/crash.cgi")
    assert r["outcome"] == "response", r
    assert r["status"] == 500
    assert "<title>500 Internal Server Error</title>" in r["body"]


# A 401 under Basic auth: the custom header forces a preflight, which
# passes without credentials (204); the GET gets 401 and JavaScript reads it.
def test_401_basic_auth_readable_after_preflight(probe):
    r = probe("/b/auth/secret.json", {"headers": {"X-Custom": "1"}})
    assert r["outcome"] == "response", r
    assert r["status"] == 401
    assert "<title>401 Unauthorized</title>" in r["body"]
    # WWW-Authenticate is not exposed
    assert "www-authenticate" not in r["headers"]
    lines = probe.log(2)
    assert [(ln.split()[1], status_of(ln)) for ln in lines] == [
        ("OPTIONS", 204), ("GET", 401)], lines


# ErrorDocument as a local URL: the 404 carries that document's body.
def test_errordocument_local_url_readable(probe):
    r = probe("/b/errdoc/nothing.json")
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (
        404, '{"error": "no such item", "from": "ErrorDocument"}\n')


# ErrorDocument as text, on a 410.
def test_errordocument_text_readable(probe):
    r = probe("/b/errdoc/gone")
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (410, "this item is gone")


# ---- redirect ---------------------------------------------------------------

# A 302 to another path on the API origin: fetch() follows it (the 302
# itself must carry the CORS headers) and JavaScript reads the target.
def test_redirect_same_api_origin(probe, site):
    r = probe("/b/api/old.json")
    assert r["outcome"] == "response", r
    assert (r["status"], r["redirected"], r["body"]) == (200, True, DATA_JSON)
    assert r["url"] == site.api + "/b/api/data.json?t=" + probe.tag
    lines = probe.log(2)
    assert [status_of(ln) for ln in lines] == [302, 200], lines
    # the Origin is kept: the redirect stays on one origin
    assert all('origin="%s"' % site.page_origin in ln for ln in lines)


# ---- preflight cache ----------------------------------------------------------

# The preflight cache is exercised with fetch()'s default cache mode:
# both engines skip their preflight cache for cache: 'no-store' (and
# 'reload'), which bypass every cache, so the other tests' 'no-store' always
# preflights.  Firefox ESR 153 also does not reuse the preflight results of
# the first default-mode preflights of a session for a short while (seen
# with and without WebDriver BiDi: the first URL of a fresh Firefox was
# preflighted three times in a row, the next one once).  So each test first
# waits until this engine's preflight cache demonstrably works, on a URL of
# its own (?warm=1): without that, the Max-Age 0 test could pass only
# because the cache was not active yet.
PUT_CACHEABLE = dict(PUT_CUSTOM, cache="default")


def _warm_preflight_cache(probe, scope="cache", tries=20):
    lines = []
    for i in range(tries):
        r = probe("/b/%s/echo.cgi?warm=1" % scope, PUT_CACHEABLE)
        assert r["outcome"] == "response" and r["status"] == 200, r
        deadline = time.time() + 5
        while True:
            lines = [ln for ln in probe.log(0, timeout=0)
                     if "warm=1" in ln]
            if len(actual(lines, "PUT")) == i + 1 or time.time() > deadline:
                break
            time.sleep(0.05)
        if i >= 1 and " PUT " in lines[-1] and " PUT " in lines[-2]:
            return  # this PUT went without a preflight
        time.sleep(0.2)
    raise AssertionError("the preflight cache never worked:\n"
                         + "\n".join(lines))


# Two identical preflighted calls within CORSMaxAge 600: one OPTIONS.
def test_preflight_cached_within_max_age(probe):
    _warm_preflight_cache(probe, "cache")
    for i in range(2):
        r = probe("/b/cache/echo.cgi", PUT_CACHEABLE)
        assert r["outcome"] == "response" and r["status"] == 200, r
    lines = [ln for ln in probe.log(5) if "warm=1" not in ln]
    assert len(actual(lines, "PUT")) == 2, lines
    assert [status_of(ln) for ln in preflights(lines)] == [204], lines


# CORSMaxAge 0 (Access-Control-Max-Age: 0): nothing cached, two OPTIONS.
def test_preflight_not_cached_with_max_age_0(probe):
    _warm_preflight_cache(probe, "cache")
    for i in range(2):
        r = probe("/b/nocache/echo.cgi", PUT_CACHEABLE)
        assert r["outcome"] == "response" and r["status"] == 200, r
    lines = [ln for ln in probe.log(6) if "warm=1" not in ln]
    assert len(actual(lines, "PUT")) == 2, lines
    assert [status_of(ln) for ln in preflights(lines)] == [204, 204], lines


# ---- wildcard subdomain ----------------------------------------------------------

# http://*.preview.test:<port> matches app.preview.test and, at any depth,
# deep.app.preview.test (host names mapped to 127.0.0.1 in the browser).
@pytest.mark.parametrize("host", ["app.preview.test", "deep.app.preview.test"])
def test_wildcard_subdomain_allowed(probe, site, host):
    r = probe("/b/wild/data.json", origin=site.wild_origin(host))
    assert r["outcome"] == "response", r
    assert (r["status"], r["body"]) == (200, '{"scope": "wild"}\n')
    lines = probe.log(1)
    assert 'origin="%s"' % site.wild_origin(host) in lines[0]
    assert "cors=allowed" in lines[0]


# ... and never preview.test itself, nor an origin outside the pattern.
def test_wildcard_does_not_match_parent_or_other(probe, site):
    r = probe("/b/wild/data.json", origin=site.wild_origin("preview.test"))
    assert r == probe.type_error()
    r = probe("/b/wild/data.json")
    assert r == probe.type_error()
    lines = probe.log(2)
    assert [ln.split("cors=")[1] for ln in lines] == ["denied", "denied"]


# ---- Private / Local Network Access -------------------------------------------

# Page and API are both on 127.0.0.1 (the loopback address space), so
# neither engine applies Private/Local Network Access to these requests:
# the preflight carries no Access-Control-Request-Private-Network and
# nothing needs a permission.  (A page from a public address calling
# loopback would be another matter: see tests/browser/README.md.)
def test_loopback_to_loopback_no_private_network_preflight(probe):
    r = probe("/b/api/echo.cgi", PUT_CUSTOM)
    assert r["outcome"] == "response" and r["status"] == 200, r
    pf = preflights(probe.log(2))
    assert len(pf) == 1 and 'acrpn="-"' in pf[0], pf
