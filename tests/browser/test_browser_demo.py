"""The `make demo` page, run for real: scripts/demo.sh (what `make demo`
runs) starts its Apache on three free ports, each browser opens the demo
page on the allowed and on the refused origin and runs the page's own
scenarios, which it runs on load (window.demo.firstRun), and the results
are what the page shows a human without a click.  So the demo cannot silently rot, and the page the scenario tests run
in (tests/browser/apisite.py serves the same demo/page) is known to work."""

import json
import os
import signal
import subprocess
import time

import pytest

from harness.env import free_port  # tests/integration: see conftest.py

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEMO_SH = os.path.join(REPO, "scripts", "demo.sh")

with open(os.path.join(REPO, "demo", "api", "hello.json")) as _f:
    HELLO = _f.read()


@pytest.fixture(scope="session")
def demo():
    port = free_port(3)  # demo.sh wants P, P+1 and P+2
    env = dict(os.environ, PORT=str(port),
               MOD_CORS_SO=os.path.join(REPO, ".libs", "mod_cors.so"))
    log = open(os.path.join("/tmp", "mod_cors-browser-demo-%d.log" % port),
               "w+b")
    proc = subprocess.Popen(["bash", DEMO_SH], env=env, stdout=log,
                            stderr=subprocess.STDOUT, cwd=REPO)
    try:
        deadline = time.time() + 60
        while True:
            log.seek(0)
            out = log.read().decode("utf-8", "replace")
            if "mod_cors demo is running" in out:
                break
            if proc.poll() is not None or time.time() > deadline:
                pytest.fail("scripts/demo.sh did not come up:\n" + out,
                            pytrace=False)
            time.sleep(0.1)
        yield {"api": "http://127.0.0.1:%d" % port,
               "page": "http://127.0.0.1:%d" % (port + 1),
               "refused": "http://127.0.0.1:%d" % (port + 2)}
    finally:
        # demo.sh traps TERM: it stops its Apache and removes its root
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
        log.close()
        os.unlink(log.name)


def _run_all(browser, origin):
    """The results of the run the page makes on load, nothing clicked."""
    browser.open(origin + "/", force=True)
    return browser.run("""
await window.demo.ready;
const results = await window.demo.firstRun;
const shown = {};
for (const s of document.querySelectorAll('section.scenario')) {
  shown[s.id] = [s.dataset.outcome, s.dataset.expectedMet];
}
return {results: results, shown: shown,
        where: document.getElementById('where').className};
""", timeout=60)


# The demo page on its allowed origin: every scenario as the page promises,
# with the values JavaScript read.
def test_demo_page_allowed_origin(browser, demo):
    out = _run_all(browser, demo["page"])
    assert out["where"] == "allowed"
    res = {r["name"]: r for r in out["results"]}
    assert sorted(res) == ["credentialed", "header-refused", "missing",
                           "put", "simple"]
    assert all(r["expectedMet"] for r in res.values()), res
    assert {k: v for k, v in out["shown"].items()} == {
        "scenario-simple": ["ok", "true"],
        "scenario-credentialed": ["ok", "true"],
        "scenario-put": ["ok", "true"],
        "scenario-missing": ["ok", "true"],
        "scenario-header-refused": ["error", "true"]}

    simple = res["simple"]
    assert (simple["status"], simple["body"]) == (200, HELLO)
    assert simple["xRequestId"]          # exposed
    assert simple["xServedBy"] is None   # sent, not exposed

    cred = json.loads(res["credentialed"]["body"])
    assert res["credentialed"]["status"] == 200
    # first call of this browser session: no cookie yet, one is set
    assert cred["cookie_received"] is None and cred["cookie_set"]

    put = json.loads(res["put"]["body"])
    assert res["put"]["status"] == 200
    assert put == {"method": "PUT", "path": "/42",
                   "content_type": "application/json",
                   "received": {"name": "widget", "quantity": 3}}

    assert res["missing"]["status"] == 404

    assert res["header-refused"]["outcome"] == "error"
    assert res["header-refused"]["error"].startswith("TypeError: ")


# The same page on the refused origin: every call is a TypeError, although
# the server answered each one.
def test_demo_page_refused_origin(browser, demo):
    out = _run_all(browser, demo["refused"])
    assert out["where"] == "refused"
    assert [(r["name"], r["outcome"], r["expectedMet"])
            for r in out["results"]] == [
        ("simple", "error", True), ("credentialed", "error", True),
        ("put", "error", True), ("missing", "error", True),
        ("header-refused", "error", True)]


def _look(browser, origin):
    """What a first look at the page shows, without a click: per scenario
    its classes, verdict, result text and the result box's border colour."""
    browser.open(origin + "/", force=True)
    return browser.run("""
await window.demo.ready;
await window.demo.firstRun;
const out = {};
for (const s of document.querySelectorAll('section.scenario')) {
  const pre = s.querySelector('pre.result');
  out[s.id] = {cls: s.className,
               verdict: s.querySelector('.verdict').textContent,
               text: pre.textContent,
               border: getComputedStyle(pre).borderLeftColor};
}
return out;
""", timeout=60)


RED = "rgb(198, 40, 40)"


# Opened and left alone, the page shows every result (run on load); the
# expected refusals are shown as expected (blue), nothing is red.
def test_demo_page_results_without_click(browser, demo):
    for origin, refused in ((demo["page"], ["scenario-header-refused"]),
                            (demo["refused"], None)):
        shown = _look(browser, origin)
        assert len(shown) == 5, shown
        for sid, s in shown.items():
            assert s["text"].strip(), (origin, sid, s)
            assert "expected-met" in s["cls"].split(), (origin, sid, s)
            assert s["border"] != RED, (origin, sid, s)
            is_refusal = refused is None or sid in refused
            if is_refusal:
                assert "outcome-error" in s["cls"].split(), (origin, sid, s)
                assert "refused, as expected" in s["verdict"], s
            else:
                assert "readable, as expected" in s["verdict"], s
