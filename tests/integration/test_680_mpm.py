"""Every MPM.  Concurrent clients of different origins never
see each other's answer (threads of event/worker, processes of prefork),
and a graceful restart (apache2 -k graceful) with a changed policy takes
effect without one failed request while a client keeps sending.

The whole suite runs under another MPM with MPM=worker or MPM=prefork;
the neighbour tests (test_6[1-9]*) run under all three by themselves
(CORS_TEST_MPMS narrows that)."""

import http.client
import sys
import threading
import time

import pytest

from harness.client import preflight, request
from harness.conf import CorsConf
from harness.neighbours import graceful, mpm_env  # noqa: F401
from harness.neighbours import _mpm_crash_check  # noqa: F401

A = "https://a.example"
B = "https://b.example"
C = "https://c.example"


def policy(env, origin, gen):
    conf = CorsConf(env)
    conf.location("/gr/", ["CORSAllowOrigin %s" % origin,
                           "CORSExposeHeaders X-Gen%d" % gen])
    conf.location("/mix/", ["CORSAllowOrigin %s %s" % (A, B),
                            "CORSAllowMethods GET PUT",
                            "CORSExposeHeaders X-Mix"])
    conf.doc("gr/x.txt", "gr\n")
    conf.doc("mix/x.txt", "mix\n")
    return conf


def generation(origin, r):
    """Which policy answered: 1 (A allowed), 2 (B allowed); a refusal
    fits the generation that does not allow this origin."""
    acao = r.get_all("Access-Control-Allow-Origin")
    aceh = r.get_all("Access-Control-Expose-Headers")
    if origin == A:
        if acao == [A] and aceh == ["X-Gen1"]:
            return 1
        if acao == [] and aceh == []:
            return 2
    if origin == B:
        if acao == [B] and aceh == ["X-Gen2"]:
            return 2
        if acao == [] and aceh == []:
            return 1
    return None


class TestMpm:

    @pytest.fixture(autouse=True)
    def _conf(self, mpm_env):
        policy(mpm_env, A, 1).start()

    # 8 clients, three origins and preflights interleaved: each response
    # is the one for its own request
    def test_cors_680_01(self, mpm_env):
        errors = []

        def client(n):
            for i in range(30):
                origin = (A, B, C)[(n + i) % 3]
                try:
                    if i % 4 == 3:
                        r = preflight(mpm_env, "/mix/x.txt", origin, "PUT")
                        ok_status = 204 if origin != C else 403
                        want = [origin] if origin != C else []
                        if r.status != ok_status or r.get_all(
                                "Access-Control-Allow-Origin") != want \
                                or r.get_all("Access-Control-Allow-Methods") \
                                != (["PUT"] if want else []):
                            errors.append((origin, "preflight", r))
                        continue
                    r = request(mpm_env.port, "GET", "/mix/x.txt",
                                [("Origin", origin)])
                    want = [origin] if origin != C else []
                    if r.status != 200 or r.body != b"mix\n" \
                            or r.get_all("Access-Control-Allow-Origin") \
                            != want or r.vary_tokens() != ["origin"]:
                        errors.append((origin, "get", r))
                except Exception as e:  # noqa: BLE001
                    errors.append((origin, "exception", repr(e)))

        threads = [threading.Thread(target=client, args=(n,))
                   for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert errors == [], errors[:5]

    # a graceful restart switching the policy from A to B while a client
    # keeps sending: no failed request, every answer is one generation's,
    # the new policy takes effect and stays
    def test_cors_680_02(self, mpm_env):
        log = []
        retried = []
        stop = threading.Event()

        def client():
            i = 0
            while not stop.is_set():
                origin = (A, B)[i % 2]
                i += 1
                t = time.time()
                # A connection that an exiting old-generation child had
                # accepted can be closed before any byte of a response:
                # httpd's graceful restart does that, and HTTP clients
                # (browsers first) retry an idempotent request then (RFC
                # 9112 9.3.1).  Do the same, once, and count it; any
                # response that does come is judged as it is.
                for attempt in (1, 2):
                    try:
                        r = request(mpm_env.port, "GET", "/gr/x.txt",
                                    [("Origin", origin)], timeout=30)
                        log.append((t, origin, r.status,
                                    generation(origin, r), r))
                        break
                    except (http.client.RemoteDisconnected,
                            ConnectionResetError) as e:
                        if attempt == 2:
                            log.append((t, origin, None, None, repr(e)))
                        else:
                            retried.append(repr(e))
                    except Exception as e:  # noqa: BLE001
                        log.append((t, origin, None, None, repr(e)))
                        break

        th = threading.Thread(target=client)
        th.start()
        try:
            time.sleep(1.0)
            conf = policy(mpm_env, B, 2)
            conf.install()
            rc, out = graceful(mpm_env)
            assert rc == 0, out
            t_graceful = time.time()
            deadline = t_graceful + 30
            while time.time() < deadline:
                recent = [e for e in log[-4:] if e[0] > t_graceful]
                if len(recent) == 4 and all(e[3] == 2 for e in recent):
                    break
                time.sleep(0.1)
            time.sleep(1.0)
        finally:
            stop.set()
            th.join(60)
        failed = [e for e in log if e[2] != 200 or e[3] is None]
        assert failed == [], failed[:5]
        sys.stderr.write("\n%d requests, %d retried once after a closed "
                         "connection\n" % (len(log), len(retried)))
        gens = [e[3] for e in log]
        assert gens[0] == 1 and gens[-1] == 2, gens
        # once the new generation answered after the restart, the old one
        # never comes back (requests open new connections each time)
        first_new = next(i for i, e in enumerate(log)
                         if e[3] == 2 and e[0] > t_graceful and e[1] == B)
        assert all(g == 2 for g in gens[first_new + 4:]), gens
        assert len(log) >= 10, len(log)
        # the new policy is what a fresh request gets now
        r = request(mpm_env.port, "GET", "/gr/x.txt", [("Origin", B)])
        assert generation(B, r) == 2, r
