"""Assertions shared by the test files."""

import re
import time


def assert_allowed(r, origin, credentials=False, expose=None, vary=True):
    """An actual response that allows origin, with exactly one copy of
    each CORS header."""
    assert r.get_all("Access-Control-Allow-Origin") == [origin], r.headers
    if credentials:
        assert r.get_all("Access-Control-Allow-Credentials") == ["true"], \
            r.headers
    else:
        assert r.count("Access-Control-Allow-Credentials") == 0, r.headers
    if expose is None:
        assert r.count("Access-Control-Expose-Headers") == 0, r.headers
    else:
        values = r.get_all("Access-Control-Expose-Headers")
        assert len(values) == 1, r.headers
        assert token_set(values[0]) == token_set(expose), r.headers
    # preflight-only headers never appear on an actual response
    for h in ("Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
              "Access-Control-Max-Age"):
        assert r.count(h) == 0, r.headers
    if vary:
        assert_vary_origin(r)


#: Vary of every preflight answer (without Private Network Access)
PREFLIGHT_VARY = ["access-control-request-headers",
                  "access-control-request-method", "origin"]


def assert_refused(r, vary=True):
    """No Access-Control-Allow-* header at all; Vary: Origin still there."""
    allow = [(n, v) for (n, v) in r.headers
             if n.lower().startswith("access-control-allow-")]
    assert allow == [], r.headers
    if vary:
        assert_vary_origin(r)


def assert_no_cors(r):
    """Not touched by mod_cors: no Access-Control-*, no Vary: Origin."""
    assert r.cors_headers() == [], r.headers
    assert "origin" not in r.vary_tokens(), r.headers


def assert_vary_origin(r):
    """Vary: Origin exactly once, on one merged Vary line."""
    assert r.count("Vary") == 1, r.headers
    assert r.vary_tokens().count("origin") == 1, r.headers


def assert_no_dup_vary_tokens(r):
    toks = r.vary_tokens()
    assert len(toks) == len(set(toks)), r.headers


def wait_for(pred, timeout=20.0, step=0.05):
    """Whether pred() became true within timeout seconds (asked every step
    seconds, and once more at the end)."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if pred():
            return True
        time.sleep(step)
    return pred()


def token_set(value):
    return sorted(t.strip().lower() for t in value.split(",") if t.strip())


def suggestion_re(s):
    """s as a whole value in a message (not a prefix of a longer URL)."""
    return re.compile(re.escape(s) + r"(?![A-Za-z0-9/.:?#@%_-])")
