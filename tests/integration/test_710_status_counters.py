"""docs/behaviour.md §5: mod_cors's counters in server-status.

Allowed, refused, preflights allowed and refused, and malformed Origins,
per virtual host, kept in shared memory: whichever child answers, the
sums must be exact.  Each MPM gets its own Apache (own ServerRoot, own
port), started and stopped here:

- prefork with StartServers 3: three keep-alive connections held open at
  once must be served by three different children (a prefork child
  serves one connection at a time), and the access log's %P proves it;
- event with two children and ListenCoresBucketsRatio 1: every child
  accepts on its own SO_REUSEPORT socket, so the kernel spreads fresh
  connections over both children.

The counters are read from /server-status?auto (`CORSAllowed[host]: N`)
and from the HTML table, and must agree."""

import http.client
import os
import time

import pytest

from harness.conf import CorsConf
from harness.env import APACHE_MODULES, MPM_TUNING, CorsTestEnv
from harness.status import parse_auto, parse_html, server_status

APP_A = "https://app-a.example.com"
APP_B = "https://app-b.example.com"
EVIL = "https://evil.example.net"
COUNTERS = ["Allowed", "Refused", "PreflightsAllowed", "PreflightsRefused",
            "MalformedOrigins",
            # origin sources (docs/behaviour.md §7): none here, all zero
            "ListReloads", "ListReloadFailures", "DBCacheHits",
            "DBCacheMisses", "DBQueries", "DBErrors", "DBOverBudget"]

TUNING = {
    "prefork": """<IfModule mpm_prefork_module>
    StartServers 3
    MinSpareServers 3
    MaxSpareServers 6
    ServerLimit 8
    MaxRequestWorkers 8
</IfModule>""",
    "event": """<IfModule mpm_event_module>
    StartServers 2
    ServerLimit 2
    ThreadsPerChild 8
    MaxRequestWorkers 16
    MinSpareThreads 8
    MaxSpareThreads 16
    ListenCoresBucketsRatio 1
</IfModule>""",
}


class MpmEnv(CorsTestEnv):
    """A CorsTestEnv of its own, with this file's MPM tuning."""

    def __init__(self, mpm):
        super().__init__(gen_dir=None, mpm=mpm)
        self.port = int(os.environ.get("CORS_TEST_PORT_710", 0)) \
            or self.port

    def base_conf(self, test_conf, with_cors=True):
        text = super().base_conf(test_conf, with_cors)
        assert MPM_TUNING[self.mpm] in text
        return text.replace(MPM_TUNING[self.mpm], TUNING[self.mpm])


#: the workload per virtual host: (kind, origin, count); kinds are "get"
#: (actual request) and "pre" (preflight).  The counts differ per host
#: so that a request counted on the wrong host shows.
WORKLOAD = {
    "a.test": [
        ("get", APP_A, 7), ("get", EVIL, 5), ("get", APP_A + "/", 3),
        ("get", APP_B, 2), ("get", None, 4),
        ("pre", APP_A, 6), ("pre", EVIL, 4), ("pre", "https://App-A.example"
                                              ".com", 2),
    ],
    "b.test": [
        ("get", APP_B, 3), ("get", APP_A, 1), ("get", "null", 2),
        ("get", None, 3),
        ("pre", APP_B, 2), ("pre", APP_A, 3), ("pre", APP_B + ":443", 1),
    ],
}


def expected(host):
    allowed_origin = {"a.test": APP_A, "b.test": APP_B}[host]
    want = dict.fromkeys(COUNTERS, 0)
    for kind, origin, n in WORKLOAD[host]:
        if origin is None:
            continue
        malformed = origin not in (APP_A, APP_B, EVIL, "null")
        ok = origin == allowed_origin
        if kind == "get":
            want["Allowed" if ok else "Refused"] += n
        else:
            want["PreflightsAllowed" if ok else "PreflightsRefused"] += n
        if malformed:
            want["MalformedOrigins"] += n
    return want


def requests_for(host):
    out = []
    for kind, origin, n in WORKLOAD[host]:
        for _ in range(n):
            hdrs = {"Host": host}
            if origin is not None:
                hdrs["Origin"] = origin
            if kind == "pre":
                hdrs["Access-Control-Request-Method"] = "PUT"
                out.append(("OPTIONS", "/api/x.txt", hdrs))
            else:
                out.append(("GET", "/api/x.txt", hdrs))
    return out


def interleaved():
    """Both hosts' requests, interleaved, in a fixed order."""
    a, b = requests_for("a.test"), requests_for("b.test")
    out = []
    for i in range(max(len(a), len(b))):
        out.extend(x[i] for x in (a, b) if i < len(x))
    return out


def send(conn, method, path, hdrs):
    conn.request(method, path, headers=hdrs)
    resp = conn.getresponse()
    resp.read()
    return resp.status


def expected_status(method, hdrs):
    host = hdrs["Host"]
    ok = hdrs.get("Origin") == {"a.test": APP_A, "b.test": APP_B}[host]
    if method == "OPTIONS":
        return 204 if ok else 403
    return 200


def host_key(table, host):
    """The status key of a virtual host: its name, maybe with a port."""
    keys = [k for k in table if k == host or k.startswith(host + ":")]
    assert len(keys) == 1, (host, list(table))
    return keys[0]


@pytest.fixture(scope="class", params=["prefork", "event"])
def menv(request):
    e = MpmEnv(request.param)
    e.setup()
    e.write_file(e.docroot_path("api/x.txt"), "x\n")
    conf = CorsConf(e)
    conf.add([
        "<IfModule !status_module>",
        "    LoadModule status_module %s/mod_status.so" % APACHE_MODULES,
        "</IfModule>",
        "KeepAlive On",
        "KeepAliveTimeout 30",
        "MaxKeepAliveRequests 0",
        'LogFormat "%P %{Host}i \\"%r\\" %>s %{CORS}e" pid710',
        'CustomLog "%s/pid_log" pid710' % e.logs_dir,
        '<Location "/server-status">',
        "    SetHandler server-status",
        "    Require ip 127.0.0.1",
        "</Location>",
    ])
    conf.vhost("a.test", [
        '<Location "/api/">',
        "    CORSAllowOrigin %s" % APP_A,
        "    CORSAllowMethods PUT",
        "</Location>",
    ])
    conf.vhost("b.test", [
        '<Location "/api/">',
        "    CORSAllowOrigin %s" % APP_B,
        "    CORSAllowMethods PUT",
        "</Location>",
    ])
    conf.start()
    yield e
    e.finish()


def status(env, query=""):
    return server_status(env, query, host="a.test")


def pids_in_log(env):
    pids = set()
    for ln in env.read_log(path=os.path.join(env.logs_dir,
                                             "pid_log")).splitlines():
        if "/api/" in ln:
            pids.add(ln.split(" ", 1)[0])
    return pids


class TestStatusCounters:

    # before any CORS request: every counter of every host is 0, in ?auto
    # and in the HTML table
    def test_cors_710_01(self, menv):
        auto = parse_auto(status(menv, "?auto"))
        html = parse_html(status(menv))
        for host in ("a.test", "b.test"):
            assert auto[host_key(auto, host)] == dict.fromkeys(COUNTERS, 0)
            assert html[host_key(html, host)] == dict.fromkeys(COUNTERS, 0)

    # the workload, spread over children, adds up exactly per host
    def test_cors_710_02(self, menv):
        work = interleaved()
        # 1. three keep-alive connections held open together: under
        # prefork each is its own child; under event they may share one
        held = [http.client.HTTPConnection("127.0.0.1", menv.port,
                                           timeout=30) for _ in range(3)]
        try:
            first, rest = work[:len(work) // 2], work[len(work) // 2:]
            for i, (method, path, hdrs) in enumerate(first):
                st = send(held[i % 3], method, path, hdrs)
                assert st == expected_status(method, hdrs), (method, hdrs)
            # 2. the rest on fresh connections, one request each
            for method, path, hdrs in rest:
                c = http.client.HTTPConnection("127.0.0.1", menv.port,
                                               timeout=30)
                try:
                    h = dict(hdrs, Connection="close")
                    assert send(c, method, path, h) == \
                        expected_status(method, hdrs), (method, hdrs)
                finally:
                    c.close()
        finally:
            for c in held:
                c.close()
        # several children really answered
        deadline = time.time() + 5
        while True:
            pids = pids_in_log(menv)
            lines = [ln for ln in menv.read_log(
                path=os.path.join(menv.logs_dir, "pid_log")).splitlines()
                if "/api/" in ln]
            if len(lines) >= len(work) or time.time() > deadline:
                break
            time.sleep(0.1)
        assert len(lines) == len(work), len(lines)
        if menv.mpm == "prefork":
            assert len(pids) >= 3, pids
        elif (os.cpu_count() or 1) >= 2:
            assert len(pids) >= 2, pids
        auto = parse_auto(status(menv, "?auto"))
        html = parse_html(status(menv))
        for host in ("a.test", "b.test"):
            want = expected(host)
            assert auto[host_key(auto, host)] == want, (host, auto)
            assert html[host_key(html, host)] == want, (host, html)
        # the main server (no request reaches it) stays at zero
        others = [k for k in auto if not k.startswith(("a.test", "b.test"))]
        for k in others:
            assert set(auto[k].values()) == {0}, (k, auto)

    # requests outside the CORS scope and Origin-less ones count nothing;
    # server-status itself is not counted
    def test_cors_710_03(self, menv):
        before = parse_auto(status(menv, "?auto"))
        for host in ("a.test", "b.test"):
            for origin in (None, EVIL):
                c = http.client.HTTPConnection("127.0.0.1", menv.port,
                                               timeout=15)
                hdrs = {"Host": host, "Connection": "close"}
                if origin:
                    hdrs["Origin"] = origin
                try:
                    assert send(c, "GET", "/alive.json", hdrs) == 200
                    if origin is None:
                        assert send(http.client.HTTPConnection(
                            "127.0.0.1", menv.port, timeout=15), "GET",
                            "/api/x.txt", dict(hdrs)) == 200
                finally:
                    c.close()
        after = parse_auto(status(menv, "?auto"))
        assert after == before, (before, after)

    # one more of each kind on a.test moves exactly its counters
    def test_cors_710_04(self, menv):
        before = parse_auto(status(menv, "?auto"))
        key = host_key(before, "a.test")
        for method, origin in (("GET", APP_A), ("GET", EVIL),
                               ("OPTIONS", APP_A), ("OPTIONS", EVIL),
                               ("GET", "https://APP-A.example.com")):
            c = http.client.HTTPConnection("127.0.0.1", menv.port,
                                           timeout=15)
            hdrs = {"Host": "a.test", "Origin": origin,
                    "Connection": "close"}
            if method == "OPTIONS":
                hdrs["Access-Control-Request-Method"] = "PUT"
            try:
                send(c, method, "/api/x.txt", hdrs)
            finally:
                c.close()
        after = parse_auto(status(menv, "?auto"))
        delta = {k: after[key][k] - before[key][k] for k in COUNTERS}
        assert delta == dict(dict.fromkeys(COUNTERS, 0), Allowed=1,
                             Refused=2, PreflightsAllowed=1,
                             PreflightsRefused=1, MalformedOrigins=1), delta
        kb = host_key(before, "b.test")
        assert after[kb] == before[kb]
