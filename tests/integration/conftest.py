"""Suite-wide fixtures: one Apache per session (ServerRoot in a temp dir),
reconfigured by each test class; the current test's name is known to the
env so that failures can point into the logs."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.env import CorsTestEnv  # noqa: E402


def pytest_report_header(config):
    from harness import env as e
    return ["mod_cors: %s (%s), MPM=%s, httpd=%s"
            % (e.MOD_CORS_SO, "present" if os.path.isfile(e.MOD_CORS_SO)
               else "MISSING", e.MPM, e.APACHE_BIN)]


@pytest.fixture(scope="session")
def env():
    # not pytest's tmp_path: it is 0700 and httpd's children (www-data)
    # must read the tree; CORS_TEST_KEEP=1 keeps it for a post-mortem
    e = CorsTestEnv(gen_dir=os.environ.get("CORS_TEST_GEN_DIR"))
    e.setup()
    yield e
    e.finish()


@pytest.fixture(scope="session")
def cors_env(env):
    """The env, for tests that need the built module."""
    return env.require_module()


@pytest.fixture(autouse=True)
def _mark_logs(request, env):
    """Remember where the error log stood when the test began."""
    env.current_test = request.node.name
    env.log_mark = env.log_size()
    yield
    env.fail_on_crashes(env.log_mark, request.node.name)

