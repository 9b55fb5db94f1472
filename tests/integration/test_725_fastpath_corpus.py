"""docs/behaviour.md §4: the fast path answers a preflight exactly as the
full walk would.  A generated corpus of 208 configurations (<Location>,
<LocationMatch>, nested paths, <Directory>, <DirectoryMatch>, <Files> and
<If> inside and outside them, .htaccess under AllowOverride and
AllowOverrideList, Options -FollowSymLinks, Alias, Redirect, server
RewriteRule, virtual host policies and main-server sections every host
inherits) is served with -D CORS_FASTPATH_DIFF: every preflight goes
through the full walk, and mod_cors compares the answer the fast path
would have given (CORS0030 on a difference, CORS0031 for each preflight
with what it did).  Zero differences, and the fast path is taken wherever
this file's own model of the plan says it must be."""

import collections
import os
import random
import re

import pytest

from harness.client import request
from harness.conf import CorsConf

SEED = 20261202
BATCHES = 8
HOSTS_PER_BATCH = 26
APP = "https://app.example.com"
OTHER = "https://other.example.org"
ORIGINS = (APP, OTHER, "https://evil.example.net")
#: the URL paths every configuration is asked about
PATHS = ("/", "/x.txt", "/a/x.txt", "/a/b/x.txt", "/a/b/c/", "/api/x",
         "/api/v1/x.json", "/api/v2/y", "/d1/x.txt", "/d1/sub/x.txt",
         "/d2/x.json", "/ht/x.txt", "/ht/sub/x.txt", "/sym/link/x.txt",
         "/al/x.txt", "/old/x", "/shared/x", "/none/here")
DIRS = ("a", "a/b", "d1", "d1/sub", "d2", "ht", "ht/sub", "real")
#: main-server additions, one per batch, every host inherits them
MAIN = [
    "",
    '<Location "/shared/">\n    CORSAllowOrigin %s\n    CORSMaxAge 60\n'
    '</Location>' % OTHER,
    # an AllowOverride All directory that no URL of the corpus maps to
    '<Directory "/srv/elsewhere/wordpress">\n    AllowOverride All\n'
    '</Directory>',
    'Alias "/al/" "{htdocs}/corpus/aliased/"',
    '<Directory "{htdocs}/corpus">\n    AllowOverride FileInfo\n'
    '</Directory>',
    '<LocationMatch "^/api/v[0-9]+/">\n    CORSAllowMethods GET PUT DELETE\n'
    '</LocationMatch>',
    # a main-server policy every host inherits, also one with no mod_cors
    # directive of its own (which must still plan its own fast path)
    "CORSAllowOrigin %s\nCORSAllowMethods PUT\nCORSAllowHeaders X-Custom"
    % APP,
    '<Directory "/srv/elsewhere/wp2">\n    AllowOverrideList CORSMaxAge\n'
    '</Directory>',
]


class Gen:
    """One virtual host's configuration, and this file's model of what
    decides its preflights."""

    def __init__(self, rng, n, root, main):
        self.rng, self.n, self.root = rng, n, root
        self.host = "c%d.corpus.test" % n
        self.lines, self.files, self.links = [], {}, []
        self.off = False         # the whole host takes the full walk
        self.claims = []         # URL prefixes other modules map
        self.relevant = []       # directory prefixes (absolute, '/'-ended)
        self.locs = []           # (matcher, directives, has_if)
        self.server = {}         # the host's own directives
        self.main = main
        self.build()

    # ---- what the host is made of ----------------------------------------

    def policy(self, allow_cont=True):
        r = self.rng
        d = {}
        if r.random() < 0.8:
            d["CORSAllowOrigin"] = r.choice(
                [APP, OTHER, "%s %s" % (APP, OTHER), "+" + OTHER,
                 "https://*.example.com", "*"])
        if r.random() < 0.4:
            d["CORSAllowMethods"] = r.choice(["GET PUT", "PUT DELETE", "*"])
        if r.random() < 0.4:
            d["CORSAllowHeaders"] = r.choice(["X-Custom", "Content-Type", "*"])
        if r.random() < 0.3:
            d["CORSMaxAge"] = str(r.choice([0, 60, 600]))
        if r.random() < 0.15 and allow_cont:
            d["CORSPreflight"] = r.choice(["continue", "handle"])
        if r.random() < 0.1:
            d["CORSPreflightStatus"] = "200"
        if r.random() < 0.1:
            d["CORSDebugHeader"] = "On"
        if r.random() < 0.05:
            d["CORSShadow"] = r.choice(["On", "Off"])
        if r.random() < 0.15 and "*" not in d.get("CORSAllowOrigin", "*"):
            d["CORSAllowCredentials"] = "On"
        if r.random() < 0.1:
            d["CORSAllowPrivateNetwork"] = "On"
        return d

    @staticmethod
    def body(d):
        return ["    %s %s" % kv for kv in sorted(d.items())]

    def section(self, open_tag, close_tag, lines):
        self.lines += [open_tag] + lines + [close_tag]

    def dir_path(self, rel):
        return "%s/%s/" % (self.root, rel)

    def build(self):
        r = self.rng
        for rel in DIRS:
            self.files["%s/x.txt" % rel] = "x\n"
            self.files["%s/x.json" % rel] = "{}\n"
        self.files["x.txt"] = "x\n"
        self.files["real/x.txt"] = "x\n"
        # a host with no mod_cors directive at all: only what it inherits
        # from the main server applies (and it must plan on its own)
        self.bare = r.random() < 0.15
        if not self.bare and r.random() < 0.7:
            self.server = self.policy()
            self.lines += [ln.strip() for ln in self.body(self.server)]
        if not self.bare:
            self.gen_locations()
        self.gen_directories()
        self.gen_foreign()

    def gen_locations(self):
        r = self.rng
        for _ in range(r.randint(0, 4)):
            kind = r.random()
            d = self.policy()
            inner = []
            has_if = False
            if r.random() < 0.15:
                inner = ["    <If \"%{HTTP:X-Env} == 'dev'\">",
                         "        CORSMaxAge 5", "    </If>"]
                has_if = True
            if kind < 0.6:
                path = r.choice(["/api/", "/api", "/api/v1/", "/a/", "/d1/",
                                 "/", "/ht/", "/al/"])
                self.section('<Location "%s">' % path, "</Location>",
                             self.body(d) + inner)
                self.locs.append((("prefix", path), d, has_if))
            else:
                rx = r.choice([r"^/api/v[0-9]+/", r"\.json$", r"^/a/b",
                               r"^/(d1|d2)/"])
                self.section('<LocationMatch "%s">' % rx, "</LocationMatch>",
                             self.body(d) + inner)
                self.locs.append((("regex", rx), d, has_if))

    def gen_directories(self):
        r = self.rng
        for rel in r.sample(["a", "a/b", "d1", "d1/sub", "d2"],
                            r.randint(0, 3)):
            lines, relevant = [], False
            choice = 0.9 if self.bare else r.random()
            if choice < 0.35:
                lines = self.body(self.policy())
                relevant = True
            elif choice < 0.5:
                lines = ['    <Files "*.json">'] + [
                    "    " + ln for ln in self.body(self.policy())] \
                    + ["    </Files>"]
                relevant = True
            elif choice < 0.6:
                lines = ["    <If \"%{HTTP:X-Env} == 'dev'\">",
                         "        CORSMaxAge 5", "    </If>"]
                relevant = True
            else:
                lines = ["    Options +Includes", "    Header set X-Dir 1"]
            self.section('<Directory "%s">' % self.dir_path(rel),
                         "</Directory>", lines)
            if relevant:
                self.relevant.append(self.dir_path(rel))
        # .htaccess files, read only where an AllowOverride lets them
        ov = r.choice(["FileInfo", "All", "AuthConfig", "None", "list", ""])
        if ov:
            body = ["    AllowOverrideList CORSMaxAge CORSAllowOrigin"] \
                if ov == "list" else ["    AllowOverride %s" % ov]
            self.section('<Directory "%s">' % self.dir_path("ht"),
                         "</Directory>", body)
            if ov != "None":
                self.relevant.append(self.dir_path("ht"))
            self.files["ht/sub/.htaccess"] = (
                "CORSMaxAge 42\n" if ov in ("FileInfo", "All", "list")
                else "Header set X-Ht 1\n")
        if not self.bare and r.random() < 0.3:
            rx = r.choice([r"/d2/$", r"/a/b/$", r"\.json$"])
            self.section('<DirectoryMatch "%s">' % rx, "</DirectoryMatch>",
                         self.body(self.policy()))
            self.relevant.append(None)  # matches anywhere, for this model
        self.links.append(("sym/link", "real"))
        if r.random() < 0.3:
            self.section('<Directory "%s">' % self.dir_path("sym"),
                         "</Directory>", ["    Options -FollowSymLinks"])
            self.relevant.append(self.dir_path("sym"))

    def gen_foreign(self):
        r = self.rng
        if not self.bare and r.random() < 0.1:
            self.section('<Files "*.json">', "</Files>",
                         self.body(self.policy()))
            self.off = True
        if not self.bare and r.random() < 0.05:
            self.section("<If \"%{HTTP:X-Env} == 'dev'\">", "</If>",
                         ["    CORSMaxAge 1"])
            self.off = True
        if r.random() < 0.2:
            self.lines.append('Alias "/al/" "%s/aliased/"' % self.root)
            self.files["aliased/x.txt"] = "x\n"
            self.claims.append("/al")
        if r.random() < 0.15:
            self.lines.append("Redirect /old https://example.com/new")
            self.claims.append("/old")
        if r.random() < 0.05:
            self.lines += ["RewriteEngine On", "RewriteRule ^/old/(.*) /$1"]
            self.off = True
        if r.random() < 0.05:
            self.section('<Location "/d2/">', "</Location>",
                         ["    SetEnvIf Origin . CORPUS=1"])
            self.off = True

    def vhost(self, port):
        return (['<VirtualHost 127.0.0.1:%d>' % port,
                 "ServerName %s" % self.host,
                 'DocumentRoot "%s"' % self.root]
                + self.lines + ["</VirtualHost>"])

    # ---- this file's model of the fast path ------------------------------

    def loc_matches(self, m, path):
        kind, arg = m
        if kind == "regex":
            return re.search(arg, path) is not None
        return path.startswith(arg) and (
            arg.endswith("/") or len(path) == len(arg)
            or path[len(arg)] == "/")

    def expected_fast(self, path, main_off, main_claims, main_relevant,
                      main_locs, main_server):
        if self.off or main_off:
            return False
        if any(path.startswith(c) for c in self.claims + main_claims):
            return False
        mapped = self.root + path + ("" if path.endswith("/") else "/")
        for d in self.relevant + main_relevant:
            if d is None or mapped.startswith(d):
                return False
        merged = dict(main_server)
        merged.update(self.server)
        for m, d, has_if in main_locs + self.locs:
            if self.loc_matches(m, path):
                if has_if:
                    return False
                merged.update(d)
        origins = merged.get("CORSAllowOrigin")
        return (origins is not None and not origins.startswith("+")
                and merged.get("CORSPreflight", "handle") == "handle"
                and merged.get("CORSShadow", "Off") == "Off")


def main_model(text):
    """(off, claims, relevant dirs, locations, server policy) of a
    main-server addition."""
    if "AllowOverride FileInfo" in text:
        return False, [], [None], [], {}
    if text.startswith("Alias"):
        return False, ["/al"], [], [], {}
    if text.startswith('<Location "/shared/">'):
        return False, [], [], [(("prefix", "/shared/"),
                                {"CORSAllowOrigin": OTHER}, False)], {}
    if text.startswith("<LocationMatch"):
        return False, [], [], [(("regex", r"^/api/v[0-9]+/"),
                                {"CORSAllowMethods": "GET PUT DELETE"},
                                False)], {}
    if text.startswith("CORSAllowOrigin"):
        return False, [], [], [], {"CORSAllowOrigin": APP}
    return False, [], [], [], {}


LOG_LINE = re.compile(r"CORS003([01]): fast path(?::| differs for) "
                      r"(same answer for |full walk for )?([^ :,]+)")


@pytest.fixture(scope="module")
def corpus(cors_env):
    """Serve every batch, send every preflight, and read what mod_cors
    logged: {(host, path, origin): 'same'|'full'|'differs'} plus the
    model's expectations and the difference lines."""
    rng = random.Random(SEED)
    seen, expected, diffs, hosts = {}, set(), [], 0
    for b in range(BATCHES):
        base = os.path.join(cors_env.htdocs, "corpus")
        main = MAIN[b].format(htdocs=cors_env.htdocs)
        mm = main_model(main)
        gens = [Gen(rng, b * HOSTS_PER_BATCH + i,
                    os.path.join(base, "c%d" % (b * HOSTS_PER_BATCH + i)),
                    main)
                for i in range(HOSTS_PER_BATCH)]
        conf = CorsConf(cors_env)
        conf.add(["Define CORS_FASTPATH_DIFF", "LogLevel warn cors:debug"])
        conf.add(main)
        for g in gens:
            conf.add(g.vhost(cors_env.port))
            for rel, text in g.files.items():
                cors_env.write_file(os.path.join(g.root, rel), text)
            for link, target in g.links:
                lp = os.path.join(g.root, link)
                os.makedirs(os.path.dirname(lp), exist_ok=True)
                if not os.path.lexists(lp):
                    os.symlink(os.path.join(g.root, target), lp)
        conf.start()
        mark = cors_env.log_size()
        for g in gens:
            hosts += 1
            for path in PATHS:
                for origin in ORIGINS[:2] if len(path) % 2 else ORIGINS:
                    r = request(cors_env.port, "OPTIONS", path, [
                        ("Host", g.host), ("Origin", origin),
                        ("Access-Control-Request-Method", "PUT"),
                        ("Access-Control-Request-Headers", "X-Custom"),
                        ("X-Corpus", "%s %s" % (g.host, origin))])
                    assert r.status < 600
                    key = (g.host, path)
                    if g.expected_fast(path, *mm):
                        expected.add(key)
        log = cors_env.read_log(mark)
        for ln in log.splitlines():
            if "CORS0030" in ln:
                diffs.append(ln)
            m = LOG_LINE.search(ln)
            if m is None:
                continue
            hostpath = m.group(3)
            host, _, path = hostpath.partition("/")
            kind = ("differs" if m.group(1) == "0"
                    else "same" if m.group(2).startswith("same")
                    else "full")
            seen.setdefault((host, "/" + path), collections.Counter())[
                kind] += 1
    return {"seen": seen, "expected": expected, "diffs": diffs,
            "hosts": hosts}


class TestFastPathCorpus:

    # at least 200 configurations were served
    def test_cors_725_01(self, corpus):
        assert corpus["hosts"] >= 200

    # zero differences between the fast path and the full walk
    def test_cors_725_02(self, corpus):
        assert corpus["diffs"] == [], "\n".join(corpus["diffs"][:20])

    # every preflight was compared (one CORS0031 or CORS0030 line each)
    def test_cors_725_03(self, corpus):
        total = sum(sum(c.values()) for c in corpus["seen"].values())
        assert total >= corpus["hosts"] * len(PATHS) * 2, total

    # the fast path is taken wherever the model says it must be, and
    # often: it is no fast path if it never applies
    def test_cors_725_04(self, corpus):
        seen = corpus["seen"]
        missed = sorted(k for k in corpus["expected"]
                        if seen.get(k, {}).get("same", 0) == 0
                        or seen[k].get("full", 0) > 0)
        assert missed == [], missed[:20]
        same = sum(c.get("same", 0) for c in seen.values())
        full = sum(c.get("full", 0) for c in seen.values())
        print("\nfast path corpus: %d hosts, %d preflights answered by the "
              "fast path, %d by the full walk only, %d expected URLs"
              % (corpus["hosts"], same, full, len(corpus["expected"])))
        assert len(corpus["expected"]) >= 500
        assert same >= 1000, (same, full)


class TestFastPathTaken:
    """Without the debugging switch: the README's first example (a policy
    in <Location "/api/">) on a server with an AllowOverride All directory
    elsewhere answers its preflights before the directory walk.  The walk
    would refuse a directory that www-data cannot search (403): the fast
    path, which never touches the file system, answers 204 there; the
    same URL under the .htaccess directory takes the full walk."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/api/", ["CORSAllowOrigin %s" % APP,
                                "CORSAllowMethods PUT"])
        conf.location("/wp/", ["CORSAllowOrigin %s" % APP,
                               "CORSAllowMethods PUT"])
        conf.directory("wp", ["AllowOverride All"])
        for d in ("api/locked", "wp/locked"):
            conf.doc(d + "/x.txt", "x\n")
        conf.start()
        for d in ("api/locked", "wp/locked"):
            os.chmod(os.path.join(cors_env.htdocs, d), 0o700)
        yield
        for d in ("api/locked", "wp/locked"):
            os.chmod(os.path.join(cors_env.htdocs, d), 0o755)

    @staticmethod
    def pf(env, path):
        return request(env.port, "OPTIONS", path, [
            ("Origin", APP), ("Access-Control-Request-Method", "PUT")])

    # answered before the walk: 204, where the walk would say 403
    def test_cors_725_10(self, cors_env):
        r = self.pf(cors_env, "/api/locked/x.txt")
        assert r.status == 204, r
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers
        # the actual request walks the directories and is refused
        r = request(cors_env.port, "GET", "/api/locked/x.txt",
                    [("Origin", APP)])
        assert r.status == 403, r
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers

    # under the AllowOverride All directory the full walk runs (and meets
    # the directory it cannot search)
    def test_cors_725_11(self, cors_env):
        r = self.pf(cors_env, "/wp/locked/x.txt")
        assert r.status == 403, r
        assert r.get_all("Access-Control-Allow-Origin") == [APP], r.headers
