"""cors-check without a browser: one Apache (the integration harness) with
mod_cors, the mod_headers recipes and the page origins, plus the wrong
server, for the whole session (checksite.py)."""

import os
import shutil
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import checksite  # noqa: E402  (puts tests/integration on sys.path)
from harness.env import CorsTestEnv  # noqa: E402


def pytest_report_header(config):
    return ["cors-check: %s (%s)" % (
        checksite.CORS_CHECK,
        "present" if os.path.isfile(checksite.CORS_CHECK) else "MISSING")]


@pytest.fixture(scope="session")
def site():
    if not os.path.isfile(checksite.CORS_CHECK):
        pytest.fail("%s not built (make cors-check)" % checksite.CORS_CHECK,
                    pytrace=False)
    env = CorsTestEnv(gen_dir=os.environ.get("CORS_TEST_GEN_DIR"))
    if not env.has_module:
        pytest.fail("mod_cors.so not built: %s (run `make build`)"
                    % env.mod_cors_so, pytrace=False)
    env.setup()
    s = checksite.Site(env)
    try:
        s.start()
        yield s
    finally:
        s.stop()
        if os.environ.get("CORS_TEST_KEEP"):
            sys.stderr.write("\nserver root kept in %s\n" % env.root)
        else:
            shutil.rmtree(env.base, ignore_errors=True)
