"""Private / Local Network Access, where the engines differ.

Every other test runs page and API on 127.0.0.1: both in the loopback
address space, so no engine applies Private Network Access (Chromium
104-141: a preflight with Access-Control-Request-Private-Network) or Local
Network Access (Chromium 142 and later: a `local-network-access` /
`loopback-network` permission instead of that preflight) to them;
test_browser_cors.py checks that no Access-Control-Request-Private-Network
header arrives.

Here Chromium is told that the page's endpoint is on the public internet
(--ip-address-space-overrides, Chromium's own switch for testing this),
which is what a real deployment looks like when a public site calls an API
on the visitor's machine.  Chromium 156 then refuses the fetch itself,
before anything is sent: no preflight, no request, so
CORSAllowPrivateNetwork (which answers the legacy preflight header) cannot
help, and the headless browser has no one to ask for the permission.

Firefox: not run.  Firefox ESR has no documented switch that makes a
loopback page count as public, and every page this suite can serve is on
127.0.0.1; the loopback-to-loopback case is covered in both engines by
test_loopback_to_loopback_no_private_network_preflight."""

import json
import time

import pytest

import browsers
from browsers import TYPEERROR_MESSAGE, in_ci
import apisite


@pytest.fixture(scope="module")
def public_page_chromium(site):
    try:
        b = browsers.Chromium(apisite.WILD_HOSTS, extra_args=[
            "--ip-address-space-overrides=127.0.0.1:%d=public"
            % site.page_port])
    except Exception as e:
        if in_ci():
            pytest.fail("chromium cannot start: %s" % e, pytrace=False)
        pytest.skip("chromium cannot start: %s" % e)
    yield b
    b.quit()


# A page from a "public" address calling the loopback API: Chromium blocks
# it before sending anything, whatever the server's CORS policy.
def test_chromium_public_page_to_loopback_blocked(public_page_chromium,
                                                  site):
    b = public_page_chromium
    b.open(site.page(site.page_origin))
    out = b.run("""
const q = (name) => navigator.permissions.query({name: name})
    .then((p) => p.state, (e) => e.name);
const results = [];
for (const [path, init] of %s) {
  try {
    const r = await fetch(path, init);
    results.push(['response', r.status]);
  }
  catch (e) {
    results.push([e.name, e.message]);
  }
}
return {lna: await q('local-network-access'),
        loopback: await q('loopback-network'), results: results};
""" % json.dumps([
        [site.api + "/b/basic/data.json?t=lna-simple", {}],
        [site.api + "/b/api/echo.cgi?t=lna-put",
         {"method": "PUT", "headers": {"X-Custom": "y"}, "body": "x"}]]))
    error = ["TypeError", TYPEERROR_MESSAGE["chromium"]]
    assert out == {"lna": "denied", "loopback": "denied",
                   "results": [error, error]}
    # nothing reached the server: no preflight, no request
    time.sleep(0.5)
    assert site.log_lines("t=lna-") == []
