"""The repository speaks for itself: docs/behaviour.md is the behaviour
contract, with its sections numbered 1 to 8; the README and docs/design.md
link it; every "docs/behaviour.md §N" cited anywhere names one of its
sections; and nothing cites a document or a tracker outside the repository
(an external contract file or an issue number) in its place.  CHANGELOG.md
keeps its history as it was written.  No Apache is needed here."""

import os
import re
import subprocess

import pytest

from harness.env import REPO_ROOT

CONTRACT = os.path.join(REPO_ROOT, "docs", "behaviour.md")

SECTIONS = {
    1: "Directives",
    2: "Classifying a request",
    3: "Responses",
    4: "Preflights",
    5: "Server-side enforcement, logging, debugging",
    6: "Configuration rules",
    7: "Origin lists kept outside the configuration",
    8: "Timing-Allow-Origin",
}

# The external contract by name; the word issue followed by a number (with
# or without a hash sign); a hash sign and a number on its own, as trackers
# write them, but not a CSS colour.  Written so that this file does not
# match itself.
OUTSIDE = re.compile("|".join([
    r"\bSPEC\b",
    r"\b[Ii]ssues? #?[0-9]+",
    r"(?:^|[\s(\[])#[0-9]+\b(?![;0-9a-fA-F])",
]))
CITATION = re.compile(r"behaviour\.md\s+§\s*([0-9]+)")


def tracked_files():
    """(path, text) of every text file git tracks, CHANGELOG.md aside."""
    try:
        out = subprocess.run(["git", "-C", REPO_ROOT, "ls-files", "-z"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout: no list of tracked files")
    for rel in out.decode().split("\0"):
        if not rel or rel == "CHANGELOG.md":
            continue
        path = os.path.join(REPO_ROOT, rel)
        if not os.path.isfile(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        if b"\0" in data:
            continue
        yield rel, data.decode("utf-8", "replace")


# The contract has exactly the eight numbered sections, in order, with
# these titles.
def test_cors_970_01():
    with open(CONTRACT, encoding="utf-8") as f:
        heads = re.findall(r"^## ([0-9]+)\. (.+?)\s*$", f.read(), re.M)
    assert [(int(n), t) for n, t in heads] == sorted(SECTIONS.items())


# The README and the design notes point readers to the contract.
def test_cors_970_02():
    for rel in ("README.md", os.path.join("docs", "design.md")):
        with open(os.path.join(REPO_ROOT, rel), encoding="utf-8") as f:
            assert "behaviour.md" in f.read(), rel


# Every citation of the contract names a section it has.
def test_cors_970_03():
    bad = ["%s:%d: §%s" % (rel, text.count("\n", 0, m.start()) + 1,
                           m.group(1))
           for rel, text in tracked_files()
           for m in CITATION.finditer(text)
           if int(m.group(1)) not in SECTIONS]
    assert not bad, "citations of sections docs/behaviour.md lacks:\n" \
        + "\n".join(bad)


# Nothing cites the external contract or an issue number instead of
# docs/behaviour.md (CHANGELOG.md keeps its history).
def test_cors_970_04():
    bad = []
    for rel, text in tracked_files():
        for no, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                bad.append("%s:%d: %s" % (rel, no, line.strip()[:100]))
    assert not bad, ("cite docs/behaviour.md §N or say it in words:\n"
                     + "\n".join(bad))
