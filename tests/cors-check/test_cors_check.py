"""cors-check against real servers, without a browser: every scenario of
checksite.SCENARIOS gives the verdict the browsers give (the browser suite,
tests/browser/test_browser_cors_check.py, holds the same table against
real Chromium and Firefox), then the command line itself: exit statuses,
the exact preflight it sends, text output, --spec, usage and network
errors."""

import json
import os
import re
import subprocess

import pytest

from checksite import CORS_CHECK, SCENARIOS, run_cors_check
from harness.env import free_port  # tests/integration: see checksite.py


def verdicts(doc):
    return {k: v["verdict"] for k, v in doc["verdicts"].items()}


# each scenario: the verdicts per browser and per the Standard, the exit
# status, what JavaScript can read, the reason, warnings, CORS-Debug
@pytest.mark.parametrize("sc", SCENARIOS, ids=lambda s: s.sid)
def test_scenario(site, sc):
    rc, doc, out = run_cors_check(sc.cors_check_args(site, "cc-" + sc.sid))
    assert doc is not None, out
    assert verdicts(doc) == {"chromium": sc.expect_for("chromium"),
                             "firefox": sc.expect_for("firefox"),
                             "spec": sc.spec}, out
    assert doc["verdict"] == sc.browsers_verdict
    assert rc == (0 if sc.browsers_verdict == "readable" else 1)
    assert doc["spec_differs"] == (sc.spec != sc.browsers_verdict)
    if sc.browsers_verdict == "readable":
        assert doc["status"] == sc.status, out
        if sc.readable is not None:
            assert sc.comparable(doc["readable_headers"]) == \
                sc.comparable(sc.readable), out
    else:
        # each engine that blocks: the reason, its console's wording, a fix
        for engine, words in (("chromium", "Access to fetch at '"),
                              ("firefox", "Cross-Origin Request Blocked: ")):
            v = doc["verdicts"][engine]
            if v["verdict"] != "blocked":
                continue
            if sc.code:
                assert v["code"] == sc.code, out
            assert v["message"].startswith(words), out
            assert v["hint"], out
    if sc.warning:
        assert any(sc.warning in w for w in doc["warnings"]), out
    if sc.debug:
        assert any(sc.debug in d for d in doc["cors_debug"]), out
    # --spec: the Standard's verdict decides the exit status
    rc, doc, out = run_cors_check(
        sc.cors_check_args(site, "cc-" + sc.sid) + ["--spec"])
    assert rc == (0 if sc.spec == "readable" else 1), out
    assert doc["verdict"] == sc.spec and doc["mode"] == "spec"


def text(site, *args):
    p = subprocess.run([CORS_CHECK] + list(args), stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace")


def wrong_requests(site, tag):
    return [r for r in site.wrong.requests if r[1].endswith("t=" + tag)]


# the preflight is the browser's: OPTIONS, Origin, the method, and the
# unsafe header names lowercased, sorted, without duplicates, joined by ","
def test_preflight_as_browsers_send_it(site):
    url = site.wrong.origin + "/w/ok?t=acrh"
    rc, out = text(site, url, "--origin", site.page, "-X", "put",
                   "-H", "X-B: 1", "-H", "x-a: 2", "-H", "X-B: 3",
                   "-H", "Content-Type: application/json",
                   "-H", "Accept: text/plain", "-b", "s=1")
    assert rc == 0, out
    pf, actual = wrong_requests(site, "acrh")
    assert pf[0] == "OPTIONS"
    assert pf[2]["Access-Control-Request-Method"] == "PUT"
    assert pf[2]["Access-Control-Request-Headers"] == "content-type,x-a,x-b"
    assert pf[2]["Origin"] == site.page
    assert "Cookie" not in pf[2] and "X-B" not in pf[2]
    assert actual[0] == "PUT"
    assert actual[2]["X-B"] == "1, 3" and actual[2]["Origin"] == site.page
    # without --credentials the cookie jar sends nothing cross-origin
    assert "Cookie" not in actual[2]


# the text report: each step, the readable headers, the verdict with both
# browsers' console wording and a fix
def test_text_report_blocked(site):
    url = site.wrong.origin + "/w/pf-no-acah?t=text1"
    rc, out = text(site, url, "--origin", site.page, "-X", "PUT",
                   "-H", "Content-Type: application/json",
                   "-H", "X-Custom: 1")
    assert rc == 1, out
    for want in ("1. Simple request?", "2. Preflight",
                 "> Access-Control-Request-Headers: content-type,x-custom",
                 "Verdict: blocked: Request header field x-custom is not "
                 "allowed by Access-Control-Allow-Headers in preflight "
                 "response.",
                 "Firefox console:  Cross-Origin Request Blocked:",
                 "header \u2018x-custom\u2019 is not allowed according to "
                 "header \u2018Access-Control-Allow-Headers\u2019",
                 "Fix: add x-custom to Access-Control-Allow-Headers"):
        assert want in out, out


def test_text_report_readable(site):
    url = site.base("mc") + "/mc/api/echo.cgi?t=text2"
    rc, out = text(site, url, "--origin", site.page)
    assert rc == 0, out
    assert "Verdict: JavaScript can read this response (status 200)" in out
    assert "headers: cache-control, " in out
    assert "content-type, x-request-id" in out
    assert "hidden from JavaScript:" in out and "x-hidden" in out


# where the Standard and the browsers differ, both verdicts are printed
def test_text_report_spec_differs(site):
    url = site.wrong.origin + "/w/pf-star?t=text3"
    rc, out = text(site, url, "--origin", site.page,
                   "-H", "Authorization: Bearer x")
    assert rc == 0, out
    assert "The Fetch Standard differs (--spec): blocked:" in out
    rc, out = text(site, url, "--origin", site.page, "--spec",
                   "-H", "Authorization: Bearer x")
    assert rc == 1, out
    assert "As browsers ship (without --spec): Chromium: JavaScript can " \
           "read" in out


# mod_cors's own reason, from CORSDebugHeader On
def test_text_report_cors_debug(site):
    url = site.base("mc") + "/mc/debug/echo.cgi?t=text4"
    rc, out = text(site, url, "--origin", site.page, "-X", "PUT")
    assert rc == 1, out
    assert "The server says (CORS-Debug): " in out


# same origin: no CORS at all, every header readable but Set-Cookie
def test_same_origin(site):
    url = site.wrong.origin + "/w/expose?t=same"
    rc, doc, out = run_cors_check([CORS_CHECK, url, "--origin",
                                   site.wrong.origin, "-X", "PUT", "--json",
                                   "-H", "X-Custom: 1"])
    assert rc == 0, out
    assert doc["verdicts"]["chromium"]["preflights"] == 0
    assert "x-c" in doc["readable_headers"]
    assert "set-cookie" not in doc["readable_headers"]


# usage errors and network errors exit 2
@pytest.mark.parametrize("args,words", [
    ([], "usage"),
    (["http://127.0.0.1:1/"], "--origin is required"),
    (["http://127.0.0.1:1/", "--origin", "http://app.example/"],
     "'http://app.example'"),
    (["http://127.0.0.1:1/", "--origin", "HTTP://App.example"],
     "'http://app.example'"),
    (["ftp://127.0.0.1/", "--origin", "http://a.example"], "http and https"),
    (["http://127.0.0.1:1/", "--origin", "http://a.example", "-X", "TRACE"],
     "forbidden"),
    (["http://127.0.0.1:1/", "--origin", "http://a.example", "-d", "x",
      "-X", "GET"], "cannot have a body"),
    (["http://127.0.0.1:1/", "--origin", "http://a.example", "-H", "a b: c"],
     "not a valid header name"),
])
def test_usage_errors(args, words):
    rc, out = text(None, *args)
    assert rc == 2, out
    assert words in out, out


def test_network_error(site):
    port = free_port()
    rc, doc, out = run_cors_check([CORS_CHECK, "http://127.0.0.1:%d/x" % port,
                                   "--origin", site.page, "--json"])
    assert rc == 2, out
    assert doc["verdict"] == "error"


# a header fetch() cannot set is left out, as the browser leaves it out
def test_forbidden_header_dropped(site):
    url = site.wrong.origin + "/w/ok?t=forbidden"
    rc, doc, out = run_cors_check([CORS_CHECK, url, "--origin", site.page,
                                   "--json", "-H", "Cookie: a=1",
                                   "-H", "Sec-Fetch-Mode: x"])
    assert rc == 0, out
    assert doc["dropped_headers"] == ["Cookie", "Sec-Fetch-Mode"]
    assert doc["verdicts"]["chromium"]["preflights"] == 0
    (req,) = wrong_requests(site, "forbidden")
    assert "Cookie" not in req[2] and "Sec-Fetch-Mode" not in req[2]


def test_version_and_man_page():
    rc, out = text(None, "--version")
    assert rc == 0 and out.startswith("cors-check 0.2.0"), out
    man = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__)))), "tools", "cors-check", "cors-check.1")
    p = subprocess.run(["man", "--warnings", "-l", "-Tutf8", man],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    assert p.returncode == 0
    assert b"EXIT STATUS" in re.sub(rb".\x08", b"", p.stdout)
    assert p.stderr == b"", p.stderr


# TLS as in curl: a self-signed certificate fails (exit 2, no verdict)
# unless -k or --cacert names it
def test_tls_options(site, tmp_path):
    from wrongserver import WrongServer
    cert, key = str(tmp_path / "cert.pem"), str(tmp_path / "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tls = WrongServer(site.page, site.base("o"), tls=(cert, key)).start()
    try:
        url = tls.origin + "/w/ok?t=tls"
        args = [CORS_CHECK, url, "--origin", site.page, "--json"]
        rc, doc, out = run_cors_check(args)
        assert rc == 2 and doc["verdict"] == "error", out
        assert "certificate" in doc["verdicts"]["chromium"]["error"], out
        rc, doc, out = run_cors_check(args + ["-k"])
        assert rc == 0 and doc["verdict"] == "readable", out
        rc, doc, out = run_cors_check(args + ["--cacert", cert])
        assert rc == 0 and doc["verdict"] == "readable", out
    finally:
        tls.stop()


# whatever the bytes, --json is valid UTF-8: a byte that is not is U+FFFD
def test_json_is_utf8(site):
    url = site.base("mc") + "/mc/basic/data.json?t=utf8"
    p = subprocess.run([CORS_CHECK.encode(), url.encode(), b"--origin",
                        site.page.encode(), b"--json",
                        b"-H", b"Accept: caf\xe9 \xc3\xa9"],
                       stdout=subprocess.PIPE, timeout=60)
    doc = json.loads(p.stdout.decode("utf-8"))
    (x,) = doc["exchanges"]
    assert ["Accept", "caf\ufffd \u00e9"] in x["sent"], x


# --resolve, as curl's: a name that resolves nowhere reaches the server
# given, and the URL's origin (what the browser compares) stays the name's
def test_resolve(site):
    port = int(site.wrong.origin.rsplit(":", 1)[1])
    url = "http://api.cors-check.invalid:%d/w/ok?t=resolve" % port
    rc, doc, out = run_cors_check([CORS_CHECK, url, "--origin", site.page,
                                   "--json"])
    assert rc == 2, out  # .invalid never resolves
    rc, doc, out = run_cors_check([
        CORS_CHECK, url, "--origin", site.page, "--json",
        "--resolve", "api.cors-check.invalid:%d:127.0.0.1" % port])
    assert rc == 0, out
    assert doc["verdict"] == "readable", out
    assert wrong_requests(site, "resolve"), out


@pytest.mark.parametrize("value", ["api.example", "api.example:80"])
def test_resolve_usage(value):
    rc, out = text(None, "http://127.0.0.1:1/", "--origin",
                   "http://a.example", "--resolve", value)
    assert rc == 2, out
    assert "HOST:PORT:ADDRESS" in out, out
