"""cors-check against real Chromium and Firefox.

Every scenario of tests/cors-check/checksite.py runs three ways against the
same servers (Apache with mod_cors, Apache with the mod_headers recipes,
the deliberately wrong Python server): fetch() in Chromium, fetch() in
Firefox, and cors-check.  For each engine the test asserts that

- the engine does what the scenario table says (so the table that
  tests/cors-check holds cors-check to, without a browser, is the
  browsers' truth);
- cors-check's verdict for that engine is the engine's: fetch() resolved
  or threw;
- when it resolved: the same status, the same readable header names
  (Headers iteration) and the same body;
- on the wrong server, which records every request: the engine sent the
  requests cors-check sent for that engine, with the same methods, Origin,
  Access-Control-Request-Method and -Headers;
- when the engine blocks: its console message (Chromium: Selenium's
  browser log; Firefox: WebDriver BiDi's log.entryAdded) gives the same
  reason, word for word, as cors-check's message for that engine.

Where the engines disagree with each other or with the Fetch Standard, the
scenario says so (engines=, spec=) and cors-check reports it
(browsers_disagree, spec_differs).  The agreement figures are printed at
the end of the run (conftest.py, pytest_terminal_summary)."""

import json
import os
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "cors-check"))

import checksite  # noqa: E402

PROBE_JS = r"""
const url = %s, init = %s;
try {
  const res = await fetch(url, init);
  const names = [];
  for (const [k] of res.headers) {
    names.push(k);
  }
  return {outcome: 'response', status: res.status, headers: names,
          body: await res.text()};
}
catch (e) {
  return {outcome: 'error', name: e.name, message: e.message};
}
"""

#: per engine: scenario id -> (browser verdict, cors-check verdict)
AGREEMENT = {"chromium": {}, "firefox": {}}


@pytest.fixture(scope="session")
def check_site():
    with checksite.serving() as s:
        yield s


_cors_check_runs = {}


def cors_check(site, sc):
    """cors-check's JSON for a scenario, run once per session."""
    if sc.sid not in _cors_check_runs:
        rc, doc, out = checksite.run_cors_check(
            sc.cors_check_args(site, "cc-" + sc.sid))
        assert doc is not None, out
        _cors_check_runs[sc.sid] = (rc, doc, out)
    return _cors_check_runs[sc.sid]


# Where each engine's console message gives its reason.
REASON_AFTER = {"chromium": "has been blocked by CORS policy: ",
                "firefox": ". (Reason: "}


def console_reasons(browser, wait=2.0):
    """The reasons of the CORS messages the engine's console got since the
    last call (the console is emptied before each fetch).  Firefox logs a
    second, general line after a failed preflight ("CORS request did not
    succeed"): only the first message is the reason."""
    mark = REASON_AFTER[browser.name]
    deadline = time.time() + wait
    found = []
    while not found and time.time() < deadline:
        found = [m.split(mark, 1)[1] for m in browser.console() if mark in m]
        if not found:
            time.sleep(0.1)
    return found[:1]


def wrong_requests(site, tag):
    """(method, Origin, ACRM, ACRH) of every request the wrong server got
    for a tag, in order."""
    return [(m, h.get("Origin"), h.get("Access-Control-Request-Method"),
             h.get("Access-Control-Request-Headers"))
            for m, path, h in site.wrong.requests
            if path.endswith("t=" + tag)]


def profile_requests(verdict, tag):
    """The same of the requests cors-check sent as one profile."""
    return [(r["method"], r["origin"], r["acrm"], r["acrh"])
            for r in verdict["requests"] if r["url"].endswith("t=" + tag)]


@pytest.mark.parametrize("sc", checksite.SCENARIOS, ids=lambda s: s.sid)
def test_cors_check_as_browser(check_site, browser, sc):
    site = check_site
    tag = "%s-%s" % (browser.name, sc.sid)
    browser.open(site.origin(sc.page) + "/index.html")
    browser.console()  # what earlier scenarios left
    seen = browser.run(PROBE_JS % (json.dumps(sc.url(site, tag)),
                                   json.dumps(sc.fetch_init())))
    got = "readable" if seen["outcome"] == "response" else "blocked"
    rc, doc, out = cors_check(site, sc)
    mine = doc["verdicts"][browser.name]
    AGREEMENT[browser.name][sc.sid] = (got, mine["verdict"])

    assert mine["verdict"] == got, (
        "cors-check says %s, %s says %s: %s\nconsole: %s\nrequests: %s\n%s"
        % (mine["verdict"], browser.name, got, seen, browser.console(),
           wrong_requests(site, tag), out))
    assert got == sc.expect_for(browser.name), (
        "%s no longer does what the scenario says: %s" % (browser.name,
                                                          seen))
    if got == "readable":
        assert seen["status"] == mine["status"], (seen, out)
        assert sc.comparable(seen["headers"]) == \
            sc.comparable(mine["readable_headers"]), (seen, out)
        if not sc.path.endswith(".cgi"):
            assert seen["body"] == mine["body"], (seen, out)
    # blocked: the engine's console gives cors-check's words for it
    if got == "blocked":
        console = console_reasons(browser)
        assert console == [
            mine["message"].split(REASON_AFTER[browser.name], 1)[1]], (
            "%s's console: %s\ncors-check: %s"
            % (browser.name, console, mine["message"]))
    # what cors-check reports where the engines part, or the Standard
    assert doc["browsers_disagree"] == (
        sc.expect_for("chromium") != sc.expect_for("firefox"))
    assert doc["verdicts"]["spec"]["verdict"] == sc.spec
    # the same requests, preflights and Origin as this engine's, as the
    # wrong server saw them
    if sc.server == "w":
        assert wrong_requests(site, tag) == \
            profile_requests(mine, "cc-" + sc.sid), out
