"""docs/behaviour.md §8 in Chromium and Firefox ESR: with
CORSTimingAllowOrigin On, the page on the allowed origin reads the detailed
fields of its PerformanceResourceTiming entry; without it, and for a
refused origin, the browser zeroes them (Resource Timing, "timing allow
check")."""

import json

TIMING_JS = r"""
const url = new URL(%s, location.href).href;
let fetched = 'ok';
try {
  const res = await fetch(url, {cache: 'no-store'});
  await res.text();
}
catch (e) {
  fetched = e.name;
}
// the entry is queued once the response body is done
for (let i = 0; i < 40 && performance.getEntriesByName(url).length == 0; i++)
  await new Promise(r => setTimeout(r, 50));
const e = performance.getEntriesByName(url)[0];
return {fetched: fetched, entry: e ? {
  requestStart: e.requestStart, responseStart: e.responseStart,
  domainLookupStart: e.domainLookupStart, connectStart: e.connectStart,
  transferSize: e.transferSize, encodedBodySize: e.encodedBodySize,
  decodedBodySize: e.decodedBodySize, startTime: e.startTime} : null};
"""

# What the timing allow check guards.  The body sizes are not in this list:
# the Fetch Standard keeps a CORS-passed response's body info, and Firefox
# ESR shows encodedBodySize/decodedBodySize without Timing-Allow-Origin,
# where Chromium zeroes them.
DETAILED = ("requestStart", "responseStart", "transferSize")


def timing(probe, path, origin=None):
    probe.browser.open(probe.site.page(origin or probe.site.page_origin))
    return probe.browser.run(TIMING_JS % json.dumps(probe.url(path)))


def test_timing_allowed_origin_sees_details(probe):
    r = timing(probe, "/b/timing/data.json")
    assert r["fetched"] == "ok", r
    e = r["entry"]
    assert e is not None, r
    assert e["requestStart"] > 0 and e["responseStart"] > 0, e
    assert e["responseStart"] >= e["requestStart"], e
    # the body is 20 bytes: sizes are exposed only after the TAO check
    assert e["decodedBodySize"] == len('{"scope": "timing"}\n'), e
    assert e["transferSize"] > e["encodedBodySize"] > 0, e
    lines = probe.log(1)
    assert "cors=allowed" in lines[0], lines


def test_timing_without_directive_is_zeroed(probe):
    r = timing(probe, "/b/notiming/data.json")
    assert r["fetched"] == "ok", r  # CORS passes, timing does not
    e = r["entry"]
    assert e is not None, r
    for k in DETAILED:
        assert e[k] == 0, (k, e)
    assert e["startTime"] > 0, e


def test_timing_refused_origin_gets_nothing(probe, site):
    r = timing(probe, "/b/timing/data.json", origin=site.evil_origin)
    assert r["fetched"] == "TypeError", r
    # the browser may keep no entry for a failed fetch at all; one it
    # keeps has no detailed field
    if r["entry"] is not None:
        for k in DETAILED:
            assert r["entry"][k] == 0, (k, r)
    lines = probe.log(1)
    assert "cors=denied" in lines[0], lines
