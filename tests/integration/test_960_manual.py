"""The manual (docs/mod_cors.xml, rendered as docs/mod_cors.html) against
the module itself: the directives it documents are exactly those the built
mod_cors.so registers (as `apache2 -L` lists them), with the contexts,
override class and defaults of the directive table; every configuration
example passes `apache2 -t`; the HTML is the generator's current output."""

import os
import re
import subprocess
import xml.etree.ElementTree as ET

import pytest

from harness.conf import CorsConf
from harness.env import APACHE_BIN, REPO_ROOT

SOURCE = os.path.join(REPO_ROOT, "docs", "mod_cors.xml")
HTML = os.path.join(REPO_ROOT, "docs", "mod_cors.html")
GENERATOR = os.path.join(REPO_ROOT, "scripts", "gen-manual.py")

MANUAL = ET.parse(SOURCE).getroot()
DOCUMENTED = {d.findtext("name").strip(): d
              for d in MANUAL.findall("directivesynopsis")}


def registered(env):
    """{name: (help, where)} of every directive mod_cors.so registers, from
    httpd's own listing (`apache2 -L`) with the module loaded."""
    conf = os.path.join(env.conf_dir, "manual-L.httpd.conf")
    env.write_file(os.path.join(env.conf_dir, "manual-L.test.conf"), "\n")
    env.write_file(conf, env.base_conf(
        os.path.join(env.conf_dir, "manual-L.test.conf")))
    p = subprocess.run([APACHE_BIN, "-L", "-f", conf], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=60)
    out = p.stdout.decode("utf-8", "replace")
    assert p.returncode == 0, out
    found = {}
    # "Name (mod_cors.c)\n\thelp\n\twhere\n\t[more where]"
    for m in re.finditer(r"^(\S+) \(mod_cors\.c\)\n((?:\t.*\n?)+)", out,
                         re.M):
        lines = [ln.strip() for ln in m.group(2).splitlines()]
        found[m.group(1)] = (lines[0], " ".join(lines[1:]))
    assert found, "apache2 -L lists no mod_cors.c directive:\n" + out
    return found


@pytest.fixture(scope="module")
def table(cors_env):
    return registered(cors_env)


def contexts_of(where):
    """httpd's "Allowed in ..." sentence as the manual's context list and
    override class."""
    if where.startswith("Allowed in *.conf anywhere"):
        ctx = ["server config", "virtual host", "directory"]
    elif where.startswith("Allowed in *.conf only outside"):
        ctx = ["server config", "virtual host"]
    elif where.startswith("Allowed in *.conf only inside"):
        ctx = ["directory"]
    else:
        raise AssertionError("unknown context sentence: %r" % where)
    m = re.search(r"and in \.htaccess\s+when AllowOverride includes (\w+)",
                  where)
    if m:
        return ctx + [".htaccess"], m.group(1)
    return ctx, None


def keywords(syntax):
    """The literal keywords of a syntax line: `On|Off` -> [On, Off]."""
    m = re.match(r"^\S+ ([A-Za-z0-9]+(?:\|[A-Za-z0-9]+)+)$", syntax)
    return m.group(1).split("|") if m else []


# every directive the module registers is documented, and nothing else is
def test_cors_960_01(table):
    missing = sorted(set(table) - set(DOCUMENTED))
    extra = sorted(set(DOCUMENTED) - set(table))
    assert not missing, ("directives registered by mod_cors.so but not in "
                         "docs/mod_cors.xml: %s" % missing)
    assert not extra, ("directives in docs/mod_cors.xml that mod_cors.so "
                       "does not register: %s" % extra)


# the manual lists them in the order of the directive table
def test_cors_960_02(table):
    assert list(DOCUMENTED) == list(table)


# context and override class are the ones httpd reports for each directive
@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_cors_960_03(table, name):
    if name not in table:
        pytest.skip("not registered (test_cors_960_01 says so)")
    d = DOCUMENTED[name]
    ctx, override = contexts_of(table[name][1])
    assert [c.text.strip() for c in d.find("contextlist")] == ctx
    assert (d.findtext("override") or None) == override


# the syntax starts with the name; its keywords and the default named in
# the directive's help text (httpd -L) agree with the manual
@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_cors_960_04(table, name):
    if name not in table:
        pytest.skip("not registered (test_cors_960_01 says so)")
    d = DOCUMENTED[name]
    help_text = table[name][0]
    syntax = "".join(d.find("syntax").itertext()).strip()
    assert syntax.split(" ", 1)[0] == name, syntax
    for word in keywords(syntax):
        assert word.lower() in help_text.lower(), (word, help_text)
    m = re.search(r"default ([^;]+)$", help_text)
    if m:
        assert d.findtext("default").strip() == "%s %s" % (
            name, m.group(1).strip()), help_text
    assert d.findtext("description").strip()
    assert d.find("usage").find("example") is not None, \
        "%s has no example" % name


def examples():
    out = []
    for el in MANUAL.iter("example"):
        if el.get("check") != "no":
            out.append(el.text.strip("\n"))
    return out


def as_config(text, n):
    """A <Location> around an example made of CORS directives only; other
    examples (sections, LogFormat) are server-level as written."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if all(ln.startswith("CORS") for ln in lines):
        return '<Location "/manual-example-%d/">\n%s\n</Location>\n' % (
            n, "\n".join(lines))
    return text + "\n"


EXAMPLES = examples()


# every configuration example of the manual passes apache2 -t
@pytest.mark.parametrize("n", range(len(EXAMPLES)))
def test_cors_960_05(cors_env, n):
    conf = CorsConf(cors_env)
    conf.add(as_config(EXAMPLES[n], n))
    rc, out = conf.check()
    assert rc == 0, "example %d:\n%s\n%s" % (n, EXAMPLES[n], out)


# docs/mod_cors.html is what scripts/gen-manual.py makes of the source
def test_cors_960_06():
    p = subprocess.run(["/usr/bin/python3", GENERATOR, SOURCE],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=60)
    assert p.returncode == 0, p.stderr.decode()
    with open(HTML, "rb") as f:
        assert f.read() == p.stdout, (
            "docs/mod_cors.html is stale: run `make docs` (scripts/"
            "gen-manual.py docs/mod_cors.xml > docs/mod_cors.html)")


# every in-page link of the HTML has its anchor, and each directive box
# has the rows of the Apache module reference
def test_cors_960_07():
    with open(HTML, encoding="utf-8") as f:
        page = f.read()
    anchors = set(re.findall(r'id="([^"]+)"', page))
    for target in re.findall(r'href="#([^"]+)"', page):
        assert target in anchors, target
    for name in DOCUMENTED:
        box = page.split('<a id="%s">' % name.lower(), 1)[1]
        box = box.split("</table>", 1)[0]
        for row in ("Description", "Syntax", "Default", "Context",
                    "Override", "Status", "Module"):
            assert "<th>%s:</th>" % row in box, (name, row)


# the version the manual names is the one the module reports
def test_cors_960_08():
    with open(os.path.join(REPO_ROOT, "src", "cors.h")) as f:
        version = re.search(r'#define CORS_VERSION "([^"]+)"',
                            f.read()).group(1)
    assert ("mod_cors " + version) in MANUAL.findtext("compatibility")
    assert ("mod_cors/" + version) in "".join(
        MANUAL.find("summary").itertext())


# ---- the manual and the README say the same -----------------------------

README = os.path.join(REPO_ROOT, "README.md")


def readme_tables():
    """{directive: {row: value}} of the README's directive reference."""
    with open(README, encoding="utf-8") as f:
        text = f.read()
    out = {}
    for m in re.finditer(r"^### (CORS\w+)\n(.*?)(?=^#{2,3} )", text,
                         re.S | re.M):
        rows = dict(re.findall(r"^\| (Syntax|Default|Context|Override) \| "
                               r"(.*) \|$", m.group(2), re.M))
        if rows:
            out[m.group(1)] = rows
    return out


README_TABLES = readme_tables()


# the README documents the directives the manual does, with a table each
def test_cors_960_10():
    assert README_TABLES, "no directive table in README.md"
    assert set(README_TABLES) <= set(DOCUMENTED), \
        sorted(set(README_TABLES) - set(DOCUMENTED))


# defaults are worded the same: the manual's <default>, as code when it is
# a directive line
@pytest.mark.parametrize("name", sorted(README_TABLES))
def test_cors_960_11(name):
    manual = DOCUMENTED[name].findtext("default").strip()
    readme = README_TABLES[name]["Default"].strip()
    want = "`%s`" % manual if manual.startswith(name) else manual
    assert readme == want, (name, readme, manual)


# contexts and override class are the same in both
@pytest.mark.parametrize("name", sorted(README_TABLES))
def test_cors_960_12(name):
    d = DOCUMENTED[name]
    ctx = ", ".join(c.text.strip() for c in d.find("contextlist"))
    assert README_TABLES[name]["Context"].strip() == ctx, name
    assert README_TABLES[name].get("Override", "").strip() == \
        (d.findtext("override") or "").strip(), name


# the HTML's directive index and boxes are in alphabetical order, as in
# every module page of the Apache manual
def test_cors_960_13():
    with open(HTML, encoding="utf-8") as f:
        page = f.read()
    index = page.split('<ul class="index">', 1)[1].split("</ul>", 1)[0]
    names = re.findall(r'<a href="#[^"]+">([^<]+)</a>', index)
    assert names == sorted(names, key=str.lower), names
    assert sorted(names) == sorted(DOCUMENTED), names
    boxes = [m for m in re.findall(r'<a id="(cors\w+)">', page)]
    assert boxes == sorted(boxes), boxes


# the manual loads the module where Debian installs it, and says a2enmod
def test_cors_960_14():
    summary = "".join(MANUAL.find("summary").itertext())
    assert "a2enmod cors" in summary, summary
    for m in re.finditer(r"LoadModule cors_module (\S+)", summary):
        assert m.group(1) == "/usr/lib/apache2/modules/mod_cors.so", \
            m.group(0)
    # a wildcard over a public suffix is refused only with credentials
    assert not re.search(r"wildcard over a public\s+suffix\) are refused",
                         summary), summary
