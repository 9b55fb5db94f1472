"""cors-check without a browser: one Apache (the integration harness) with
mod_cors, the mod_headers recipes and the page origins, plus the wrong
server, for the whole session (checksite.py)."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import checksite  # noqa: E402


def pytest_report_header(config):
    return ["cors-check: %s (%s)" % (
        checksite.CORS_CHECK,
        "present" if os.path.isfile(checksite.CORS_CHECK) else "MISSING")]


@pytest.fixture(scope="session")
def site():
    with checksite.serving() as s:
        yield s
