#!/usr/bin/python3
"""Soak of the origin sources (docs/behaviour.md §7) under load: a real
Apache (event MPM) whose allowed origins come from a CORSAllowOriginFile
replaced 100 times a second and from a real PostgreSQL stopped and started
every few seconds, while client threads send requests and check every
answer.

The list file alternates between two versions.  Origins of four kinds:
  always    in every version of the file: must ALWAYS be allowed (a reload
            never leaves a child with an empty or half-read list);
  flip      in one version only: either answer is right at any moment;
  db        rows of the database: allowed, or refused while it is down
            (fail closed), never a 5xx;
  never     in no version and no row: must NEVER get
            Access-Control-Allow-Origin.
A wrong answer is an always-origin refused, a never-origin allowed, or any
status but 200.  The run fails on one wrong answer, a connection error, a
crashed child, or when the server did not reload the file.

  scripts/soak_sources.py --short      ~12 s (make test, through soak.py)
  scripts/soak_sources.py --seconds 120

MOD_CORS_SO names the module (default .libs/mod_cors.so)."""

import argparse
import functools
import multiprocessing
import os
import re
import sys
import threading
import time

print = functools.partial(print, flush=True)  # noqa: A001

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from harness.client import request  # noqa: E402
from harness.conf import CorsConf  # noqa: E402
from harness.databases import (QUERY, PostgresServer, SqliteDb,  # noqa: E402
                               pg_bindir)
from harness.env import APACHE_MODULES, CorsTestEnv  # noqa: E402

ALWAYS = ["https://always-%d.example" % i for i in range(40)]
FLIP_A = ["https://flip-a-%d.example" % i for i in range(20)]
FLIP_B = ["https://flip-b-%d.example" % i for i in range(20)]
DB = ["https://db-%d.example" % i for i in range(10)]
NEVER = ["https://never-%d.example" % i for i in range(20)]
VERSIONS = ["\n".join(["# version A"] + ALWAYS + FLIP_A) + "\n",
            "\n".join(["# version B"] + FLIP_B + ALWAYS) + "\n"]


def replace(path, text, n):
    tmp = "%s.%d.tmp" % (path, n)
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.rename(tmp, path)


def counters(env):
    r = request(env.port, "GET", "/server-status?auto")
    out = {}
    for m in re.finditer(r"^CORS(\w+)\[[^]]*\]: (\d+)$", r.body.decode(),
                         re.M):
        out[m.group(1)] = out.get(m.group(1), 0) + int(m.group(2))
    return out


class Stats:

    def __init__(self):
        self.lock = threading.Lock()
        self.n = 0
        self.wrong = []
        self.allowed = dict.fromkeys(("always", "flip", "db", "never"), 0)
        self.refused = dict.fromkeys(("always", "flip", "db", "never"), 0)
        self.errors = 0

    def add(self, kind, origin, status, ok):
        with self.lock:
            self.n += 1
            (self.allowed if ok else self.refused)[kind] += 1
            if status != 200 or (kind == "always" and not ok) \
                    or (kind == "never" and ok):
                self.wrong.append((kind, origin, status, ok))


def client(env, stats, stop, k):
    kinds = [("always", ALWAYS), ("flip", FLIP_A + FLIP_B), ("db", DB),
             ("never", NEVER)]
    i = k
    while not stop.is_set():
        kind, pool = kinds[i % len(kinds)]
        origin = pool[(i // len(kinds)) % len(pool)]
        i += 1
        try:
            r = request(env.port, "GET", "/soak/x.txt",
                        headers={"Origin": origin}, timeout=10)
        except OSError:
            with stats.lock:
                stats.errors += 1
            continue
        stats.add(kind, origin, r.status,
                  r.header("Access-Control-Allow-Origin") == origin)


def replacer(path, done, count, rate):
    """Replace the file rate times a second, on a schedule, until done."""
    n = 0
    t0 = time.monotonic()
    while not done.is_set():
        n += 1
        replace(path, VERSIONS[n % 2], n)
        count.value = n
        delay = t0 + n / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)


def run(seconds, threads=6, keep=False, rate=100):
    env = CorsTestEnv(mpm="event")
    env.setup()
    listfile = os.path.join(env.writable_dir, "cors-origins.txt")
    replace(listfile, VERSIONS[0], 0)
    if pg_bindir() is not None:
        db = PostgresServer().init()
        dbname = "PostgreSQL"
    else:
        db = SqliteDb(env.writable_dir)
        dbname = "SQLite (no PostgreSQL here)"
    db.insert(*DB)
    conf = CorsConf(env)
    conf.add([
        "<IfModule !status_module>",
        "    LoadModule status_module %s/mod_status.so" % APACHE_MODULES,
        "</IfModule>",
        "LoadModule dbd_module %s/mod_dbd.so" % APACHE_MODULES,
        "LoadModule socache_shmcb_module %s/mod_socache_shmcb.so"
        % APACHE_MODULES,
    ] + db.dbd_conf() + [
        "CORSAllowOriginDBDCache 1 1",
        "CORSAllowOriginDBDRate 200",
    ])
    conf.location("/server-status", ["SetHandler server-status"])
    conf.location("/soak/", [
        "CORSAllowOriginFile %s" % listfile,
        "CORSAllowOriginFileCheck 1",
        'CORSAllowOriginDBDQuery "%s"' % QUERY])
    conf.doc("soak/x.txt", "x\n")
    conf.start()
    stats = Stats()
    stop = threading.Event()
    replaced = [0]
    outages = [0]


    def database():
        while not stop.wait(2.0):
            if isinstance(db, PostgresServer):
                db.stop()
                outages[0] += 1
                stop.wait(1.5)
                db.start()
            else:
                db.lock()
                outages[0] += 1
                stop.wait(1.5)
                db.unlock()

    workers = [threading.Thread(target=client, args=(env, stats, stop, k))
               for k in range(threads)]
    workers += [threading.Thread(target=database)]
    # Its own process, out of the clients' GIL: 100 replacements a second.
    done = multiprocessing.Event()
    count = multiprocessing.Value("i", 0)
    rep = multiprocessing.Process(target=replacer,
                                  args=(listfile, done, count, rate))
    t0 = time.monotonic()
    for w in workers:
        w.start()
    rep.start()
    time.sleep(seconds)
    stop.set()
    done.set()
    for w in workers:
        w.join()
    rep.join()
    replaced[0] = count.value
    elapsed = time.monotonic() - t0
    c = counters(env)
    rc = env.apache_stop()
    crashes = env.crash_lines(0)
    if isinstance(db, PostgresServer):
        db.destroy()
    print("soak-sources: %d requests in %.0f s (%.0f/s), list file replaced "
          "%d times (%.0f/s), %s down %d times"
          % (stats.n, elapsed, stats.n / elapsed, replaced[0],
             replaced[0] / elapsed, dbname, outages[0]))
    print("soak-sources: allowed %s; refused %s" % (stats.allowed,
                                                    stats.refused))
    print("soak-sources: server: ListReloads %d, ListReloadFailures %d, "
          "DBQueries %d, DBCacheHits %d, DBErrors %d, DBOverBudget %d"
          % tuple(c.get(k, 0) for k in (
              "ListReloads", "ListReloadFailures", "DBQueries",
              "DBCacheHits", "DBErrors", "DBOverBudget")))
    failed = []
    if stats.wrong:
        failed.append("%d wrong answers, first %s"
                      % (len(stats.wrong), stats.wrong[:5]))
    if stats.errors:
        failed.append("%d connection errors" % stats.errors)
    if crashes or rc != 0:
        failed.append("crashes: %s" % crashes)
    if c.get("ListReloads", 0) < 2:
        failed.append("the file was not reloaded")
    if stats.allowed["db"] == 0:
        failed.append("no database origin was ever allowed")
    if not keep:
        import shutil
        shutil.rmtree(env.base, ignore_errors=True)
    print("soak-sources: %s" % ("FAILED: " + "; ".join(failed) if failed
                                else "passed: 0 wrong answers"))
    return not failed


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--short", action="store_true",
                    help="12 s (make test)")
    ap.add_argument("--seconds", type=int, default=120)
    ap.add_argument("--threads", type=int, default=6)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    return 0 if run(12 if args.short else args.seconds, args.threads,
                    args.keep) else 1


if __name__ == "__main__":
    sys.exit(main())
