"""docs/behaviour.md §5, §6: what an administrator meets on a first day
with a Debian-style configuration.

- Start-up warnings (CORS0040 and up) reach `apache2 -t` and the error log
  wherever the directive stands: the main server, a <VirtualHost> in a
  sites-available file, a section inside it; also the warnings that only
  merging reveals (credentials from the virtual host, `*` in a section).
- Sections nested by path (<Location "/api2/"> and <Location
  "/api2/public/">, <Directory> likewise) are merged at start-up as httpd's
  walks merge them: the warnings and DUMP_CORS show the child as it
  applies, and CORS0003 says what to set.
- The shipped examples draw no CORS warning; the packaged README links
  only files the package installs.
- Ctrl-C on `make demo` ends it cleanly.
- server-status names every virtual host as `apache2ctl -S` does: name,
  port and where it is defined, so that two hosts on one address differ.
"""

import os
import glob
import re
import signal
import socket
import subprocess
import time

import pytest

from harness.client import get, request
from harness.conf import CorsConf
from harness.dump import section
from harness.env import APACHE_BIN, APACHE_MODULES
from harness.logs import cors_warnings
from harness.status import server_status

APP = "https://app.example.com"


def site_file(env, name, text):
    """conf/sites-available/NAME.conf, enabled by a symlink in
    conf/sites-enabled, as a2ensite does; returns the path httpd reads it
    by (the link's)."""
    avail = os.path.join(env.conf_dir, "sites-available", name + ".conf")
    enabled_dir = os.path.join(env.conf_dir, "sites-enabled")
    env.write_file(avail, text)
    os.makedirs(enabled_dir, exist_ok=True)
    link = os.path.join(enabled_dir, name + ".conf")
    if os.path.lexists(link):
        os.unlink(link)
    os.symlink(avail, link)
    return link


def include_sites(env):
    return 'IncludeOptional "%s/sites-enabled/*.conf"\n' % env.conf_dir


def site_conf(env, body):
    """A virtual host as a Debian site file has it."""
    return "\n".join([
        "<VirtualHost 127.0.0.1:%d>" % env.port,
        "    ServerName www.example.com",
        '    DocumentRoot "%s"' % env.htdocs,
    ] + ["    " + ln for ln in body] + ["</VirtualHost>", ""])


# The site of the first day: warnings in a <Location> and at the level of
# the virtual host.
SITE_BODY = [
    "CORSMaxAge 9000",
    '<Location "/api/">',
    "    CORSAllowOrigin null https://*.github.io",
    "    CORSMaxAge 10000",
    "</Location>",
]
# (line in the site file, the warning's family, what it says)
SITE_WARNINGS = [
    (4, "max-age", "CORSMaxAge: 9000"),
    (6, "null", "'null' is allowed"),
    (6, "public-suffix", "public suffix 'github.io'"),
    (7, "max-age", "CORSMaxAge: 10000"),
]


# ---- 1. warnings inside <VirtualHost> ----------------------------------

class TestVhostWarnings:

    @pytest.fixture(autouse=True, scope="class")
    def _disable_site(self, cors_env):
        yield
        link = os.path.join(cors_env.conf_dir, "sites-enabled",
                            "first-day.conf")
        if os.path.lexists(link):
            os.unlink(link)

    # `apache2 -t` prints every warning of a site file, with file and line
    def test_cors_730_01(self, cors_env):
        path = site_file(cors_env, "first-day", site_conf(cors_env,
                                                          SITE_BODY))
        rc, out = cors_env.check_config(include_sites(cors_env))
        assert rc == 0, out
        for line, family, what in SITE_WARNINGS:
            hits = [ln for ln in cors_warnings(out, family) if what in ln
                    and ("(%s:%d)" % (path, line)) in ln]
            assert len(hits) == 1, (what, line, out)
        assert len(cors_warnings(out)) == len(SITE_WARNINGS), out

    # after a start, the error log has each of them once
    def test_cors_730_02(self, cors_env):
        path = site_file(cors_env, "first-day", site_conf(cors_env,
                                                          SITE_BODY))
        mark = cors_env.log_size()
        CorsConf(cors_env, include_sites(cors_env)).start()
        log = cors_env.read_log(mark)
        for line, family, what in SITE_WARNINGS:
            hits = [ln for ln in cors_warnings(log, family) if what in ln
                    and ("(%s:%d)" % (path, line)) in ln]
            assert len(hits) == 1, (what, line, log)

    # a virtual host with an ErrorLog of its own gets its warnings there
    def test_cors_730_03(self, cors_env):
        vlog = os.path.join(cors_env.logs_dir, "vhost_730_error_log")
        if os.path.exists(vlog):
            os.unlink(vlog)
        path = site_file(cors_env, "first-day", site_conf(
            cors_env, ['ErrorLog "%s"' % vlog] + SITE_BODY))
        CorsConf(cors_env, include_sites(cors_env)).start()
        with open(vlog) as f:
            w = cors_warnings(f.read())
        for line, _, what in SITE_WARNINGS:
            assert any(what in ln and ("(%s:%d)" % (path, line + 1)) in ln
                       for ln in w), (what, w)

    # a warning that only merging reveals (plain http origin in a section,
    # credentials from the virtual host) reaches `apache2 -t` too, also
    # from a virtual host with an ErrorLog of its own (not open under -t)
    def test_cors_730_04(self, cors_env):
        site_file(cors_env, "first-day", site_conf(cors_env, [
            'ErrorLog "%s/vhost_730_04_log"' % cors_env.logs_dir,
            "CORSAllowCredentials On",
            "CORSAllowOrigin %s" % APP,
            '<Location "/legacy/">',
            "    CORSAllowOrigin http://old.example.com",
            "</Location>",
        ]))
        rc, out = cors_env.check_config(include_sites(cors_env))
        assert rc == 0, out
        hits = [ln for ln in cors_warnings(out, "inherited-insecure")
                if "http://old.example.com" in ln and "plain http" in ln]
        assert hits, out
        assert any("/legacy/" in ln for ln in hits), out

    # the main server's warnings still come, once each
    def test_cors_730_05(self, cors_env):
        rc, out = cors_env.check_config("CORSMaxAge 10000\n")
        assert rc == 0, out
        assert len(cors_warnings(out)) == 1, out
        assert len(cors_warnings(out, "max-age")) == 1, out


# ---- 10. server-status names ---------------------------------------------

class TestStatusNames:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        site = site_file(cors_env, "status-names", "\n".join([
            # no ServerName: inherits the main server's, 127.0.0.1
            "<VirtualHost 127.0.0.1:%d>" % cors_env.port,
            '    DocumentRoot "%s"' % cors_env.htdocs,
            "    CORSAllowOrigin %s" % APP,
            "</VirtualHost>",
            "<VirtualHost 127.0.0.1:%d>" % cors_env.port,
            "    ServerName www.example.com",
            '    DocumentRoot "%s"' % cors_env.htdocs,
            "    CORSAllowOrigin %s" % APP,
            "</VirtualHost>",
            "",
        ]))
        conf = CorsConf(cors_env)
        conf.add([
            "<IfModule !status_module>",
            "    LoadModule status_module %s/mod_status.so" % APACHE_MODULES,
            "</IfModule>",
            '<Location "/server-status">',
            "    SetHandler server-status",
            "    Require local",
            "</Location>",
        ])
        conf.add(include_sites(cors_env))
        conf.start()
        type(self).site = site
        yield
        os.unlink(os.path.join(cors_env.conf_dir, "sites-enabled",
                               "status-names.conf"))

    def _names(self, env):
        text = server_status(env, "?auto", "www.example.com")
        return sorted(set(re.findall(r"^CORSAllowed\[(.*)\]: \d+$", text,
                                     re.M)))

    # every server has its own name; a virtual host is named
    # "name:port (file:line)", the main server "name (main server)"
    def test_cors_730_90(self, cors_env):
        names = self._names(cors_env)
        port = cors_env.port
        assert "127.0.0.1 (main server)" in names, names
        # httpd names a virtual host without ServerName after its address
        assert [n for n in names if n.endswith(":%d (%s:1)"
                                               % (port, self.site))], names
        assert "www.example.com:%d (%s:5)" % (port, self.site) in names, \
            names
        assert len(names) == 3, names

    # the HTML table names them the same way, escaped
    def test_cors_730_91(self, cors_env):
        html = server_status(cors_env, "", "www.example.com")
        at = html.find("<h2>mod_cors</h2>")
        assert at >= 0, html[-2000:]
        rows = re.findall(r"<tr><td>([^<]*)</td>", html[at:])
        assert "www.example.com:%d (%s:5)" % (cors_env.port, self.site) \
            in rows, rows
        assert "127.0.0.1 (main server)" in rows, rows

    # counters stay apart: a request to www.example.com counts there only
    def test_cors_730_92(self, cors_env):
        assert get(cors_env, "/alive.json", APP,
                   host="www.example.com").status == 200
        deadline = time.time() + 5
        while True:
            text = server_status(cors_env, "?auto", "www.example.com")
            counts = dict(re.findall(r"^CORSAllowed\[(.*)\]: (\d+)$", text,
                                     re.M))
            www = counts["www.example.com:%d (%s:5)" % (cors_env.port,
                                                          self.site)]
            if www == "1" or time.time() > deadline:
                break
            time.sleep(0.1)
        assert www == "1", counts
        other = [n for n in counts
                 if n.endswith(":%d (%s:1)" % (cors_env.port, self.site))]
        assert len(other) == 1 and counts[other[0]] == "0", counts


# ---- 4. sections nested by path ------------------------------------------

def nested_locations(env):
    return site_conf(env, [
        '<Location "/api2/">',
        "    CORSAllowOrigin %s" % APP,
        "    CORSAllowCredentials On",
        "</Location>",
        '<Location "/api2/public/">',
        "    CORSAllowOrigin *",
        "</Location>",
        # not under /api2/: httpd's walk does not merge it with /api2/
        '<Location "/api2x/">',
        "    CORSAllowOrigin *",
        "</Location>",
    ])


class TestNestedSections:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        site_file(cors_env, "nested", nested_locations(cors_env))
        conf = CorsConf(cors_env, include_sites(cors_env))
        conf.doc("api2/public/data.json", '{"public": true}\n')
        conf.doc("api2x/data.json", '{"x": true}\n')
        conf.start()
        yield
        os.unlink(os.path.join(cors_env.conf_dir, "sites-enabled",
                               "nested.conf"))

    # configtest warns about the child that inherits credentials from the
    # section whose path contains it, and says what to set
    def test_cors_730_20(self, cors_env):
        rc, out = cors_env.check_config(include_sites(cors_env))
        assert rc == 0, out
        w = cors_warnings(out, "merged-conflict")
        assert len(w) == 1, out
        assert "fails closed" in w[0], w
        assert '<Location "/api2/public/">' in w[0], w
        assert 'merged with <Location "/api2/">' in w[0], w
        assert "to fix:" in w[0] and "CORSAllowCredentials Off" in w[0], w

    # DUMP_CORS shows the child as it applies: credentials on, fails
    # closed, what to set; the sibling /api2x/ is not merged with /api2/
    def test_cors_730_21(self, cors_env):
        rc, out, err = cors_env.check_config_split(include_sites(cors_env),
                                                   dump=True)
        assert rc == 0, out + err
        child = section(out.splitlines(), '<Location "/api2/public/">')
        assert 'merged with <Location "/api2/">' in child[0], child
        assert "credentials: on" in child, child
        assert any(ln.startswith("CORS: on, FAILS CLOSED") for ln in child), \
            child
        assert any(ln.startswith("no CORS headers are sent here; to fix:")
                   for ln in child), child
        sibling = section(out.splitlines(), '<Location "/api2x/">')
        assert "credentials: off" in sibling, sibling
        assert not any("merged with" in ln for ln in sibling), sibling
        assert not any("FAILS CLOSED" in ln for ln in sibling), sibling

    # at request time the child fails closed; CORS0003 says what to set
    def test_cors_730_22(self, cors_env):
        r = request(cors_env.port, "GET", "/api2/public/data.json",
                    [("Host", "www.example.com"), ("Origin", APP)])
        assert r.status == 200, r
        assert r.count("Access-Control-Allow-Origin") == 0, r.headers
        deadline = time.time() + 5
        while True:
            lines = [ln for ln in cors_env.read_log(
                cors_env.log_mark).splitlines() if "CORS0003" in ln]
            if lines or time.time() > deadline:
                break
            time.sleep(0.05)
        assert len(lines) == 1, lines
        assert "to fix:" in lines[0], lines[0]
        assert "CORSAllowCredentials Off" in lines[0], lines[0]
        # the sibling is public, as configured
        r = request(cors_env.port, "GET", "/api2x/data.json",
                    [("Host", "www.example.com"), ("Origin", APP)])
        assert r.get_all("Access-Control-Allow-Origin") == ["*"], r.headers

    # <Directory> sections nested by path merge the same way
    def test_cors_730_23(self, cors_env):
        d = cors_env.docroot_path("d730")
        rc, out, err = cors_env.check_config_split("\n".join([
            '<Directory "%s">' % d,
            "    CORSAllowOrigin %s" % APP,
            "    CORSAllowCredentials On",
            "</Directory>",
            '<Directory "%s/pub">' % d,
            "    CORSAllowOrigin null",
            "</Directory>",
            ""]), dump=True)
        assert rc == 0, out + err
        child = section(out.splitlines(), '<Directory "%s/pub/">' % d)
        assert 'merged with <Directory "%s/">' % d in child[0], child
        assert "credentials: on" in child, child
        w = cors_warnings(err, "merged-conflict")
        assert len(w) == 1 and "remove null" in w[0], err
        assert "fails closed" in w[0], err

    # a wider section written after a narrower one overrides it there, as
    # httpd's location walk applies sections in the order written
    def test_cors_730_24(self, cors_env):
        rc, out, err = cors_env.check_config_split("\n".join([
            '<Location "/o/inner/">',
            "    CORSMaxAge 60",
            "    CORSAllowOrigin %s" % APP,
            "</Location>",
            '<Location "/o/">',
            "    CORSMaxAge 600",
            "</Location>",
            ""]), dump=True)
        assert rc == 0, out + err
        inner = section(out.splitlines(), '<Location "/o/inner/">')
        assert "max-age: 600" in inner, inner
        assert "origins: %s" % APP in inner, inner


# ---- 7. the shipped examples draw no warning ------------------------------

EXAMPLES_DIR = os.path.join(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))), "conf-examples")


def example_confs():
    return sorted(n for n in os.listdir(EXAMPLES_DIR) if n.endswith(".conf"))


class TestExamplesQuiet:
    """Every file of conf-examples/ passes `apache2 -t` without a single
    CORS warning: an example that warns teaches the warning away."""

    def _conf(self, env, names):
        conf = CorsConf(env)
        conf.add(["<IfModule !proxy_module>",
                  "    LoadModule proxy_module %s/mod_proxy.so"
                  % APACHE_MODULES,
                  "</IfModule>"]
                 + ["<IfModule !%s_module>\n    LoadModule %s_module "
                    "%s/mod_%s.so\n</IfModule>" % (m, m, APACHE_MODULES, m)
                    for m in ("proxy_http", "proxy_fcgi", "dbd",
                              "socache_shmcb")])
        # origin-lists-fleet.conf's list file must exist to pass -t
        conf.add("Define CORS_ORIGIN_FILE %s" % env.write_file(
            os.path.join(env.conf_dir, "example-origins.txt"),
            "https://www.example.com\n"))
        for name in names:
            conf.add('Include "%s"' % os.path.join(EXAMPLES_DIR, name))
        return conf

    # each one alone
    @pytest.mark.parametrize("name", example_confs())
    def test_cors_730_30(self, cors_env, name):
        rc, out = self._conf(cors_env, [name]).check()
        assert rc == 0, out
        assert cors_warnings(out) == [], out

    # the .htaccess example, read for a request (its warnings would be
    # logged at debug level there, which this suite's LogLevel shows)
    def test_cors_730_31(self, cors_env):
        conf = CorsConf(cors_env)
        conf.directory("shared730", ["AllowOverride FileInfo"])
        with open(os.path.join(EXAMPLES_DIR,
                               "shared-hosting.htaccess")) as f:
            conf.htaccess("shared730", f.read())
        conf.doc("shared730/x.txt", "x\n")
        conf.start()
        mark = cors_env.log_size()
        r = request(cors_env.port, "GET", "/shared730/x.txt",
                    [("Origin", "https://www.customer.example")])
        assert r.status == 200, r
        time.sleep(0.3)
        assert cors_warnings(cors_env.read_log(mark)) == [], \
            cors_env.read_log(mark)


# ---- 7. the packaged README links only what the package ships ------------

REPO = os.path.dirname(EXAMPLES_DIR)


def packaged_docs():
    """The names under /usr/share/doc/PACKAGE/ that debian/*.docs and
    *.examples install (dh_installdocs flattens; examples go to
    examples/)."""
    names = set()
    with open(os.path.join(REPO, "debian",
                           "libapache2-mod-cors.docs")) as f:
        for ln in f:
            if ln.strip():
                names.add(os.path.basename(ln.strip()))
    with open(os.path.join(REPO, "debian",
                           "libapache2-mod-cors.examples")) as f:
        for ln in f:
            if ln.strip():
                names.add("examples/")
                for p in glob.glob(os.path.join(REPO, ln.strip())):
                    names.add("examples/" + os.path.basename(p))
    return names


def packaged_readme():
    """README.md as debian/rules rewrites it for the package."""
    with open(os.path.join(REPO, "debian", "rules")) as f:
        rules = f.read()
    m = re.search(r"^README_LINKS := (.*)$", rules, re.M)
    assert m, "debian/rules has no README_LINKS line"
    args = re.findall(r"-e '([^']*)'", m.group(1))
    cmd = ["sed"]
    for a in args:
        cmd += ["-e", a]
    p = subprocess.run(cmd + [os.path.join(REPO, "README.md")],
                       stdout=subprocess.PIPE, check=True)
    return p.stdout.decode("utf-8")


class TestPackagedReadme:

    # every relative link of the installed README.md (and of the other
    # installed Markdown documents) names a file the package installs,
    # uncompressed (debian/rules keeps *.md as they are)
    def test_cors_730_40(self):
        shipped = packaged_docs()
        texts = {"README.md": packaged_readme()}
        for name in shipped:
            if name.endswith(".md") and name != "README.md":
                src = [os.path.join(REPO, d, name) for d in ("", "docs")]
                for s in src:
                    if os.path.isfile(s):
                        with open(s, encoding="utf-8") as f:
                            texts[name] = f.read()
        for name, text in texts.items():
            for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
                if re.match(r"^[a-z]+:", target):
                    continue
                assert target in shipped, (name, target, sorted(shipped))
        with open(os.path.join(REPO, "debian", "rules")) as f:
            assert "dh_compress -X.md" in f.read()


# ---- 9. stopping the demo with Ctrl-C ------------------------------------

class TestDemoStop:

    # `make demo` stopped with SIGINT to its process group (Ctrl-C): the
    # script stops its Apache, removes its ServerRoot and says so; Apache
    # does not exit by itself first (no "Apache exited ..."), nothing of
    # it is left running, and the ports are free again
    def test_cors_730_50(self, cors_env):
        from harness.env import free_port
        port = free_port(3)
        log_path = os.path.join(cors_env.logs_dir, "demo730.log")
        with open(log_path, "w+b") as log:
            # what make runs for `make demo`: the recipe's shell
            proc = subprocess.Popen(
                ["sh", "-c", "PORT=%d MOD_CORS_SO=%s APACHE2=%s "
                 "scripts/demo.sh" % (port, cors_env.mod_cors_so,
                                      APACHE_BIN)],
                cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
            try:
                deadline = time.time() + 60
                while True:
                    log.seek(0)
                    out = log.read().decode("utf-8", "replace")
                    if "mod_cors demo is running" in out:
                        break
                    assert proc.poll() is None and time.time() < deadline, \
                        out
                    time.sleep(0.1)
                root = re.search(r"ServerRoot (\S+)\)", out).group(1)
                os.killpg(proc.pid, signal.SIGINT)
                proc.wait(30)
            finally:
                if proc.poll() is None:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(10)
            log.seek(0)
            out = log.read().decode("utf-8", "replace")
        assert "demo: stopped, removed %s" % root in out, out
        assert "Apache exited" not in out, out
        assert not os.path.exists(root), out
        for p in (port, port + 1, port + 2):
            with socket.socket() as s:
                assert s.connect_ex(("127.0.0.1", p)) != 0, (p, out)


class TestDocsSayApache2ctl:

    # what users read says `apache2ctl -t -D DUMP_CORS`: Debian's
    # `apache2 -t` fails without the variables /etc/apache2/envvars defines
    def test_cors_730_41(self):
        files = ["README.md", "CHANGELOG.md", "SECURITY.md",
                 os.path.join("docs", "mod_cors.xml")]
        files += [os.path.join("docs", n)
                  for n in os.listdir(os.path.join(REPO, "docs"))
                  if n.endswith(".md")]
        files += [os.path.join("conf-examples", n)
                  for n in os.listdir(EXAMPLES_DIR)]
        for name in files:
            with open(os.path.join(REPO, name), encoding="utf-8") as f:
                for n, ln in enumerate(f, 1):
                    assert not re.search(r"\bapache2 -t -D DUMP_CORS", ln), \
                        "%s:%d: %s" % (name, n, ln.strip())
