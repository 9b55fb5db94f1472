"""docs/behaviour.md §6: every line mod_cors logs starts with a tag of its
own, CORSnnnn, one number per message, never given to another.

- In the sources, each CORS_LOGNO(nnnn) stands at one call site or one
  table entry, and no line writes a tag by hand; the start-up warnings'
  table (cors_warning_logno) gives a number to every kind of warning the
  engine returns.
- The README's log tags and the manual list exactly the numbers the code
  logs (and the retired CORS0001).
- `apache2 -t` gives each family of start-up warning its own number, the
  one harness/logs.py and the README name; in .htaccess the same number is
  logged at debug level."""

import os
import re
import time

import pytest

from harness.client import get
from harness.conf import CorsConf
from harness.env import REPO_ROOT
from harness.logs import STARTUP_WARNINGS, cors_warnings, warning_family

APP = "https://app.example.com"

LOGNO = re.compile(r"CORS_LOGNO\(\s*(\d{4})\s*\)")
RETIRED = {"0001"}


def read(*path):
    with open(os.path.join(REPO_ROOT, *path), encoding="utf-8") as f:
        return f.read()


def glue_sources():
    """{file name: text} of the glue and the engine."""
    out = {}
    for name in sorted(os.listdir(REPO_ROOT)):
        if re.match(r"mod_cors\w*\.[ch]$", name):
            out[name] = read(name)
    for name in sorted(os.listdir(os.path.join(REPO_ROOT, "src"))):
        if name.endswith((".c", ".h")):
            out["src/" + name] = read("src", name)
    return out


def logno_uses():
    """[(number, file)] for every CORS_LOGNO(nnnn) in the sources."""
    return [(m.group(1), name) for name, text in glue_sources().items()
            for m in LOGNO.finditer(text)]


def logno_numbers():
    return {n for n, _ in logno_uses()}


def warning_table():
    """{CORS_WARN_* kind: number} of cors_warning_logno()'s table."""
    text = "".join(glue_sources().values())
    m = re.search(r"cors_warning_logno\(cors_problem_e kind\)\n\{(.*?)\n\}",
                  text, re.S)
    assert m, "cors_warning_logno() not found"
    return dict(re.findall(r"\[(CORS_WARN_\w+)\]\s*=\s*CORS_LOGNO\((\d{4})\)",
                           m.group(1)))


def doc_tags(text, pattern):
    return set(re.findall(pattern, text, re.M))


# ---- the sources ------------------------------------------------------------

# each number once: one call site or one table entry
def test_cors_742_01():
    seen = {}
    for number, name in logno_uses():
        seen.setdefault(number, []).append(name)
    twice = {n: names for n, names in seen.items() if len(names) > 1}
    assert not twice, "log numbers used more than once: %r" % twice
    assert not RETIRED & set(seen), "a retired number is logged again"
    assert len(seen) >= 20, seen


# no tag written by hand, outside the macro: it would escape the check
def test_cors_742_02():
    for name, text in glue_sources().items():
        for m in re.finditer(r"\"CORS\d{4}", text):
            assert False, "%s: a log tag written by hand: %s" % (
                name, text[m.start():m.start() + 30])


# every kind of warning the engine returns has its number in the table
def test_cors_742_03():
    kinds = re.findall(r"^\s*(CORS_WARN_\w+)", read("src", "cors.h"), re.M)
    assert kinds, "no CORS_WARN_ kinds in src/cors.h"
    table = warning_table()
    assert sorted(table) == sorted(kinds), (sorted(table), sorted(kinds))


# the README's log tags and the manual list exactly what the code logs
@pytest.mark.parametrize("doc,pattern", [
    ("README.md", r"^\| `CORS(\d{4})` \|"),
    ("docs/mod_cors.xml", r"^<tr><td><code>CORS(\d{4})</code></td>"),
])
def test_cors_742_04(doc, pattern):
    listed = doc_tags(read(doc), pattern)
    assert listed == logno_numbers() | RETIRED, (
        "in the code, not in %s: %s; in %s, not in the code: %s" % (
            doc, sorted(logno_numbers() | RETIRED - listed), doc,
            sorted(listed - logno_numbers() - RETIRED)))


# the harness's families are the code's start-up warnings: the table's
# numbers and the two of the merged scopes, each a "warn" in the README
def test_cors_742_05():
    tags = sorted(STARTUP_WARNINGS.values())
    assert len(set(tags)) == len(tags), tags
    numbers = {t[len("CORS"):] for t in tags}
    assert set(warning_table().values()) <= numbers
    assert numbers <= logno_numbers(), sorted(numbers - logno_numbers())
    readme = read("README.md")
    for tag in tags:
        assert re.search(r"^\| `%s` \| warn \|" % tag, readme, re.M), tag


# ---- apache2 -t ------------------------------------------------------------

def loc(path, *lines):
    return '<Location "%s">\n%s\n</Location>\n' % (path, "\n".join(lines))


#: family: (a configuration that gives that warning alone, what it says)
BAD = {
    "null": (loc("/a/", "CORSAllowOrigin null"), "'null' is allowed"),
    "public-suffix": (loc("/b/", "CORSAllowOrigin https://*.github.io"),
                      "public suffix 'github.io'"),
    "insecure": (loc("/c/", "CORSAllowOrigin http://app.example.com",
                     "CORSAllowCredentials On"), "plain http"),
    "regex-dot": (loc("/d/", 'CORSAllowOriginMatch '
                      '"^https://(www.)?example\\.com$"'),
                  "unescaped '.'"),
    "regex-catch-all": (loc("/e/", 'CORSAllowOriginMatch "^https://[^/]+$"'),
                        "nobody lists"),
    "method-unknown": (loc("/f/", "CORSAllowOrigin %s" % APP,
                           "CORSAllowMethods PSOT"), "did you mean 'POST'"),
    "max-age": (loc("/g/", "CORSAllowOrigin %s" % APP, "CORSMaxAge 10000"),
                "Chromium caps it at 7200"),
    "merged-conflict": (loc("/h/", "CORSAllowOrigin %s" % APP,
                            "CORSAllowCredentials On")
                        + loc("/h/pub/", "CORSAllowOrigin *"),
                        "CORS fails closed there"),
    "inherited-insecure": (loc("/i/", "CORSAllowOrigin %s" % APP,
                               "CORSAllowCredentials On")
                           + loc("/i/old/",
                                 "CORSAllowOrigin http://old.example.com"),
                           "inherits CORSAllowCredentials On"),
}


# every family the harness knows has a configuration here
def test_cors_742_10():
    assert sorted(BAD) == sorted(STARTUP_WARNINGS)


# each bad configuration alone: one warning, with its family's number
@pytest.mark.parametrize("family", sorted(BAD))
def test_cors_742_11(cors_env, family):
    text, words = BAD[family]
    rc, out = cors_env.check_config(text)
    assert rc == 0, out
    w = cors_warnings(out)
    assert len(w) == 1, out
    assert w[0].count(STARTUP_WARNINGS[family] + ": ") == 1, w
    assert warning_family(w[0]) == family, w
    assert words in w[0], w


# all of them in one configuration: nine warnings, nine numbers, and each
# number says the same thing every time
def test_cors_742_12(cors_env):
    rc, out = cors_env.check_config("".join(t for t, _ in BAD.values()))
    assert rc == 0, out
    w = cors_warnings(out)
    assert len(w) == len(BAD), out
    tags = [re.search(r"CORS(\d{4}): ", ln).group(1) for ln in w]
    assert len(set(tags)) == len(BAD), tags
    for ln in w:
        assert BAD[warning_family(ln)][1] in ln, ln
    assert not re.search(r"CORS0001\b", out), out


# in .htaccess, read for every request, the same number at debug level
def test_cors_742_13(cors_env):
    conf = CorsConf(cors_env)
    conf.directory("ht742", ["AllowOverride FileInfo"])
    conf.htaccess("ht742", "CORSAllowOrigin %s\nCORSMaxAge 10000\n" % APP)
    conf.doc("ht742/x.txt", "x\n")
    conf.start()
    mark = cors_env.log_size()
    r = get(cors_env, "/ht742/x.txt", origin=APP)
    assert r.status == 200, r
    deadline = time.time() + 5
    while True:
        log = cors_env.read_log(mark)
        w = cors_warnings(log, "max-age")
        if w or time.time() > deadline:
            break
        time.sleep(0.05)
    assert w, log[-2000:]
    assert all(":debug]" in ln and "CORSMaxAge: 10000" in ln for ln in w), w
