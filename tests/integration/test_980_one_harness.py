"""The test suites share one harness (tests/integration/harness/): a test
file sends its requests with client.get()/client.preflight(), picks ports
with env.free_port(), runs `apache2 -t -D DUMP_CORS` through
env.check_config(dump=True) and leaves the search for crashed children to
env.crash_lines().  Copies of these drifted apart before (different rules
for sending Origin, four lists of crash markers); this keeps them from
coming back.  No Apache is needed here."""

import ast
import os
import re

import pytest

from harness.env import REPO_ROOT

TESTS = os.path.join(REPO_ROOT, "tests")
HARNESS = os.path.join(TESTS, "integration", "harness")

#: (what, pattern, where the one copy lives)
COPIES = [
    ("a get() of its own", re.compile(r"^def get\(", re.M),
     "harness/client.py"),
    ("a preflight() of its own", re.compile(r"^def preflight\(", re.M),
     "harness/client.py"),
    ("a free_port() of its own",
     re.compile(r"^def \w*free_port\w*\(|\.bind\(\(\"127\.0\.0\.1\", 0\)\)",
                re.M),
     "harness/env.py"),
    ("its own search for crashed children",
     re.compile(r"exit signal|AH00052"), "env.crash_lines()"),
    ("its own DUMP_CORS runner", re.compile(r"\"-D\", \"DUMP_CORS\""),
     "env.check_config(dump=True)"),
]


def suite_sources():
    for top, dirs, files in os.walk(TESTS):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        if os.path.abspath(top).startswith(HARNESS):
            continue
        for name in files:
            if name.endswith(".py") and name != os.path.basename(__file__):
                yield os.path.join(top, name)


@pytest.mark.parametrize("what,pattern,home", COPIES,
                         ids=[c[0] for c in COPIES])
def test_cors_980_01(what, pattern, home):
    bad = []
    for path in suite_sources():
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in pattern.finditer(text):
            bad.append("%s:%d" % (os.path.relpath(path, REPO_ROOT),
                                  text.count("\n", 0, m.start()) + 1))
    assert not bad, "%s in %s: use %s" % (what, ", ".join(bad), home)


# a test defined twice under one name in a class (or a module) replaces
# the first, which then never runs and can never fail: each name once
def test_cors_980_02():
    bad = []
    for path in suite_sources():
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read(), path)
        for scope in [tree] + [n for n in ast.walk(tree)
                               if isinstance(n, ast.ClassDef)]:
            seen = {}
            for node in scope.body:
                if not isinstance(node, (ast.FunctionDef,
                                         ast.AsyncFunctionDef)):
                    continue
                if node.name.startswith("test") and node.name in seen:
                    bad.append("%s:%d %s (first at line %d)" % (
                        os.path.relpath(path, REPO_ROOT), node.lineno,
                        node.name, seen[node.name]))
                seen.setdefault(node.name, node.lineno)
    assert not bad, "defined twice, the first never runs: " + ", ".join(bad)
