"""Fixtures of the browser suite: one Apache (integration harness) with one
configuration for every scenario, one Chromium and one Firefox per session
(pytest groups the tests by engine, so only one browser runs at a time), and
`probe`, which runs fetch() in a page and returns what JavaScript saw.

A browser that cannot start FAILS the run when the environment variable CI
is set (CI=true, as CI sets it); elsewhere its tests are skipped with the
reason."""

import json
import os
import re
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import apisite  # noqa: E402  (also puts tests/integration on sys.path)
import browsers  # noqa: E402
from harness.env import CorsTestEnv  # noqa: E402

ENGINE_NAMES = ["chromium", "firefox"]

TYPEERROR_MESSAGE = browsers.TYPEERROR_MESSAGE
in_ci = browsers.in_ci


def pytest_report_header(config):
    return ["browser suite: chromium=%s firefox=%s CI=%s"
            % (browsers.CHROMIUM_BIN, browsers.FIREFOX_BIN,
               "yes (a browser that cannot start fails)" if in_ci()
               else "no (a browser that cannot start is skipped)")]


@pytest.fixture(scope="session")
def site():
    env = CorsTestEnv(gen_dir=os.environ.get("CORS_TEST_GEN_DIR"))
    env.require_module().setup()
    s = apisite.Site(env)
    try:
        s.start()
        yield s
    except BaseException:
        env.apache_stop()
        raise
    env.finish()


@pytest.fixture(scope="session", params=ENGINE_NAMES)
def browser(request):
    name = request.param
    try:
        b = browsers.ENGINES[name](apisite.WILD_HOSTS)
    except Exception as e:  # ImportError, BrowserError, selenium's own
        msg = "%s cannot start: %s" % (name, e)
        if in_ci():
            pytest.fail(msg + "\n(CI is set: a missing browser is a "
                        "failure, not a skip)", pytrace=False)
        pytest.skip(msg + " (set CI=true to make this a failure)")
    sys.stderr.write("\n%s %s\n" % (name, b.version()))
    yield b
    b.quit()


@pytest.fixture
def tag(request, browser):
    """A marker unique to this test and engine, put into every URL it
    fetches: the browser's caches never mix two tests, and the access log
    lines of one test can be picked out."""
    return re.sub(r"[^A-Za-z0-9_-]+", "-", request.node.name).strip("-")


PROBE_JS = r"""
const url = %s, init = %s, setCookie = %s;
if (setCookie) {
  document.cookie = setCookie;
}
try {
  const res = await fetch(url, init);
  const headers = {};
  for (const [k, v] of res.headers) {
    headers[k] = v;
  }
  return {outcome: 'response', status: res.status, type: res.type,
          redirected: res.redirected, url: res.url, headers: headers,
          body: await res.text()};
}
catch (e) {
  return {outcome: 'error', name: e.name, message: e.message};
}
"""


class Prober:

    def __init__(self, site, browser, tag):
        self.site = site
        self.browser = browser
        self.tag = tag

    def url(self, path):
        sep = "&" if "?" in path else "?"
        return "%s%s%st=%s" % (self.site.api, path, sep, self.tag)

    def __call__(self, path, init=None, origin=None, cookie=None):
        """fetch(API + path + ?t=tag, init) from the demo page on origin
        (the allowed page origin by default); what JavaScript saw."""
        origin = origin or self.site.page_origin
        self.browser.open(self.site.page(origin))
        init = dict({"cache": "no-store"}, **(init or {}))
        return self.browser.run(PROBE_JS % (
            json.dumps(self.url(path)), json.dumps(init),
            json.dumps(cookie)))

    def type_error(self):
        """What a refused fetch() gives in this engine."""
        return {"outcome": "error", "name": "TypeError",
                "message": TYPEERROR_MESSAGE[self.browser.name]}

    def log(self, expect, timeout=5.0):
        """This test's browser_log lines, once at least `expect` of them
        are there (a response reaches JavaScript before httpd logs it)."""
        deadline = time.time() + timeout
        while True:
            lines = self.site.log_lines("t=" + self.tag + " ")
            if len(lines) >= expect or time.time() > deadline:
                time.sleep(0.1)
                return self.site.log_lines("t=" + self.tag + " ")
            time.sleep(0.05)


@pytest.fixture
def probe(site, browser, tag):
    return Prober(site, browser, tag)


def pytest_terminal_summary(terminalreporter):
    """The agreement figures of test_browser_cors_check.py: in how many
    scenarios cors-check gave each engine's own verdict."""
    mod = next((m for name, m in list(sys.modules.items())
                if name.endswith("test_browser_cors_check")), None)
    if mod is None:
        return
    for engine, runs in sorted(mod.AGREEMENT.items()):
        if not runs:
            continue
        same = sum(1 for got, mine in runs.values() if got == mine)
        terminalreporter.write_line(
            "cors-check vs %s: %d of %d scenarios give the same verdict "
            "(%d readable, %d blocked in %s)"
            % (engine, same, len(runs),
               sum(1 for got, _ in runs.values() if got == "readable"),
               sum(1 for got, _ in runs.values() if got == "blocked"),
               engine))
