"""docs/behaviour.md §7: CORSAllowOriginDBDQuery, allowed origins in a
database, through mod_dbd, with answers cached in mod_socache_shmcb.

Real components only: Debian's PostgreSQL started here (initdb + pg_ctl as
the unprivileged `postgres` user, 127.0.0.1, a free port) shared by two
Apache servers, a small fleet; and a SQLite file for one server.

- a row inserted or deleted changes both servers' answers within the
  cache's time-to-live (CORSAllowOriginDBDCache 2 1 here), no restart;
- PostgreSQL stopped: both servers keep serving (never a 5xx), refuse
  origins they have no answer for, log it, count it, and answer again
  once it is back; a locked SQLite database likewise, within APR's bound;
- a flood of distinct unknown origins sends at most
  CORSAllowOriginDBDRate queries a second; the rest are refused unasked;
- DUMP_CORS shows the query, refusals say "not in the database",
  server-status counts hits, misses, queries, errors, over-budget misses;
- the directive is refused in .htaccess and without mod_dbd."""

import os
import threading
import time

import pytest

from harness.client import get, request
from harness.conf import CorsConf
from harness.databases import QUERY, PostgresServer, SqliteDb, pg_bindir
from harness.env import APACHE_MODULES, REPO_ROOT, CorsTestEnv
from harness.status import counter_sums
from harness.util import assert_allowed, assert_refused, wait_for

A = "https://a.example"
B = "https://b.example"
D = "https://d.example"
CONF_ORIGIN = "https://config.example"
RATE = 20
DB_PATH = "/db/x.txt"


class DbEnv(CorsTestEnv):
    """One Apache of the fleet: a ServerRoot and a port of its own."""

    def __init__(self):
        super().__init__(gen_dir=None)


def server_conf(env, dbd_lines, rate=RATE):
    conf = CorsConf(env)
    conf.add([
        "<IfModule !status_module>",
        "    LoadModule status_module %s/mod_status.so" % APACHE_MODULES,
        "</IfModule>",
        "LoadModule dbd_module %s/mod_dbd.so" % APACHE_MODULES,
        "LoadModule socache_shmcb_module %s/mod_socache_shmcb.so"
        % APACHE_MODULES,
    ] + dbd_lines + [
        "CORSAllowOriginDBDCache 2 1",
        "CORSAllowOriginDBDRate %d" % rate,
    ])
    conf.location("/server-status", ["SetHandler server-status"])
    conf.location("/db/", [
        'CORSAllowOriginDBDQuery "%s"' % QUERY,
        "CORSAllowOrigin +%s" % CONF_ORIGIN,
        "CORSDebugHeader On"])
    env.write_file(env.docroot_path("db/x.txt"), "x\n")
    return conf


def verdict(env, origin):
    r = get(env, DB_PATH, origin)
    assert r.status == 200, r
    return r.header("Access-Control-Allow-Origin") == origin


def start(env, conf):
    conf = conf(env)
    conf.start()
    return env


@pytest.fixture(scope="module")
def pg():
    if pg_bindir() is None:
        pytest.fail("PostgreSQL is not installed (make deps)", pytrace=False)
    server = PostgresServer().init()
    yield server
    server.destroy()


@pytest.fixture(scope="class")
def fleet(pg, cors_env):
    pg.insert(A)
    envs = []
    for _ in range(2):
        e = DbEnv()
        e.setup()
        start(e, lambda env: server_conf(env, pg.dbd_conf()))
        envs.append(e)
    yield envs
    for e in envs:
        e.finish()


class TestPostgresFleet:

    def test_rows_change_both_servers(self, pg, fleet):
        for e in fleet:
            assert_allowed(get(e, DB_PATH, A), A)
            assert_allowed(get(e, DB_PATH, CONF_ORIGIN), CONF_ORIGIN)
            r = get(e, DB_PATH, B)
            assert_refused(r)
            assert "not in the database" in r.header("CORS-Debug"), r.headers
        # inserted: within the refused answers' time-to-live (1 s)
        pg.insert(B)
        assert wait_for(lambda: all(verdict(e, B) for e in fleet), 4, 0.1)
        # deleted: within the allowed answers' (2 s)
        pg.delete(A)
        t0 = time.time()
        assert wait_for(lambda: not any(verdict(e, A) for e in fleet), 5, 0.1)
        assert time.time() - t0 < 4.0
        cs = [counter_sums(e) for e in fleet]
        for c in cs:
            assert c["DBQueries"] >= 2 and c["DBErrors"] == 0, c
        assert sum(c["DBCacheHits"] for c in cs) >= 1, cs

    def test_malformed_origin_never_queried(self, fleet):
        e = fleet[0]
        before = counter_sums(e)["DBQueries"]
        for bad in ("https://B.example", "https://b.example/", "null",
                    "https://b.example:443", "https://x.example'--"):
            r = get(e, DB_PATH, bad)
            assert r.status == 200
            assert_refused(r)
        assert counter_sums(e)["DBQueries"] == before

    def test_outage_fails_closed_and_recovers(self, pg, fleet):
        pg.insert(D)
        marks = [e.log_size() for e in fleet]
        before = [counter_sums(e) for e in fleet]
        pg.stop()
        try:
            for e in fleet:
                t0 = time.time()
                r = get(e, DB_PATH, D)
                took = time.time() - t0
                assert r.status == 200, r
                assert_refused(r)
                assert "unavailable" in r.header("CORS-Debug"), r.headers
                # the stated bound: connect_timeout=2 (refused at once here)
                assert took < 3.0, took
                # a flood while it is down: refused, counted, logged once
                for i in range(20):
                    assert get(e, DB_PATH, "https://down%d.example"
                               % i).status == 200
        finally:
            pg.start()
        for e, mark, b in zip(fleet, marks, before):
            c = counter_sums(e)
            assert c["DBErrors"] > b["DBErrors"], c
            log = e.read_log(mark)
            assert log.count("origin database:") == 1, log
        # back: answers again (one second's pause, then a new connection)
        assert wait_for(lambda: all(verdict(e, D) for e in fleet), 8, 0.1)

    def test_flood_is_bounded(self, fleet):
        """Distinct, well-formed, unknown origins: at most RATE queries a
        second for the whole server, the rest refused without a query;
        cached answers keep flowing."""
        e = fleet[0]
        assert verdict(e, D)          # cached from here on (2 s)
        before = counter_sums(e)
        results = []

        def flood(k):
            for i in range(40):
                r = get(e, DB_PATH, "https://flood-%d-%d.example" % (k, i))
                results.append(r.status)

        threads = [threading.Thread(target=flood, args=(k,))
                   for k in range(6)]
        t0 = time.time()
        for t in threads:
            t.start()
        allowed_during = [verdict(e, D) for _ in range(5)]
        for t in threads:
            t.join()
        elapsed = time.time() - t0
        after = counter_sums(e)
        queries = after["DBQueries"] - before["DBQueries"]
        over = after["DBOverBudget"] - before["DBOverBudget"]
        assert set(results) == {200}
        assert all(allowed_during)
        # the bound: RATE per wall-clock second the flood touched
        assert queries <= RATE * (int(elapsed) + 2), (queries, elapsed)
        assert over > 0 and queries + over >= 200, (queries, over)

    def test_dump_shows_the_query(self, pg, cors_env):
        conf = server_conf(cors_env, pg.dbd_conf())
        rc, out = cors_env.check_config(conf.text(), dump=True)
        assert rc == 0, out
        assert 'origin source: database query "%s"' % QUERY in out, out


class TestFleetExample:
    """conf-examples/origin-lists-fleet.conf as written, pointed at the
    test's PostgreSQL and a list file: the file and the table add up."""

    def test_example_live(self, pg):
        e = DbEnv()
        e.setup()
        listfile = os.path.join(e.conf_dir, "cors-origins.txt")
        e.write_file(listfile, "# our own sites\n%s\n" % CONF_ORIGIN)
        pg.insert("https://shop.customer.example")
        conf = CorsConf(e)
        conf.add([
            "LoadModule dbd_module %s/mod_dbd.so" % APACHE_MODULES,
            "LoadModule socache_shmcb_module %s/mod_socache_shmcb.so"
            % APACHE_MODULES,
            # the example's own DBDParams, time bounds included
            "Define CORS_DB \"%s\"" % pg.conninfo(),
            "Define CORS_ORIGIN_FILE %s" % listfile,
            'Include "%s"' % os.path.join(REPO_ROOT, "conf-examples",
                                          "origin-lists-fleet.conf")])
        e.write_file(e.docroot_path("api/x.txt"), "x\n")
        conf.start()
        try:
            for origin, ok in (("https://shop.customer.example", True),
                               (CONF_ORIGIN, True),
                               ("https://evil.example", False)):
                r = get(e, "/api/x.txt", origin)
                assert r.status == 200
                if ok:
                    assert_allowed(r, origin, credentials=True,
                                   expose="X-Request-Id")
                else:
                    assert_refused(r)
        finally:
            e.finish()


class TestDbdConfig:

    def test_needs_one_parameter(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add("LoadModule dbd_module %s/mod_dbd.so" % APACHE_MODULES)
        conf.location("/x/", ['CORSAllowOriginDBDQuery "SELECT 1 FROM t"'])
        rc, out = conf.check()
        assert rc != 0
        assert "exactly one parameter" in out, out

    def test_needs_mod_dbd(self, cors_env):
        conf = CorsConf(cors_env)
        conf.location("/x/", ['CORSAllowOriginDBDQuery "%s"' % QUERY])
        rc, out = conf.check()
        assert rc != 0
        assert "mod_dbd is not loaded" in out, out

    def test_needs_a_driver(self, cors_env):
        """mod_dbd loaded, no DBDriver: caught by apache2 -t, with the
        directive's place and what to add, not left to refuse every
        origin at run time."""
        conf = CorsConf(cors_env)
        conf.add("LoadModule dbd_module %s/mod_dbd.so" % APACHE_MODULES)
        conf.location("/x/", ['CORSAllowOriginDBDQuery "%s"' % QUERY])
        rc, out = conf.check()
        assert rc != 0, out
        assert "CORS0024: CORSAllowOriginDBDQuery (" in out, out
        assert "the main server, which has no DBDriver: add DBDriver" in out

    def test_a_virtual_host_needs_a_driver(self, cors_env):
        """mod_dbd's configuration is per server: a virtual host inherits
        the main server's DBDriver, not another virtual host's."""
        def conf_with(main_driver, own_driver):
            conf = CorsConf(cors_env)
            conf.add("LoadModule dbd_module %s/mod_dbd.so" % APACHE_MODULES)
            if main_driver:
                conf.add(["DBDriver sqlite3", "DBDParams /nonexistent.db"])
            conf.vhost("with.test", ["DBDriver sqlite3",
                                     "DBDParams /nonexistent.db"])
            conf.vhost("without.test", (["DBDriver sqlite3"]
                                        if own_driver else []) + [
                '<Location "/x/">',
                'CORSAllowOriginDBDQuery "%s"' % QUERY,
                "</Location>"])
            return conf.check()

        rc, out = conf_with(False, False)
        assert rc != 0, out
        assert "in virtual host without.test, which has no DBDriver" in out
        for main_driver, own_driver in ((True, False), (False, True)):
            rc, out = conf_with(main_driver, own_driver)
            assert rc == 0 and "CORS0024" not in out, \
                (main_driver, own_driver, out)

    def test_cache_is_main_server_only(self, cors_env):
        conf = CorsConf(cors_env)
        conf.vhost("v.test", ["CORSAllowOriginDBDCache 5 5"])
        rc, out = conf.check()
        assert rc != 0, out

    def test_not_in_htaccess(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add("LoadModule dbd_module %s/mod_dbd.so" % APACHE_MODULES)
        conf.directory("dbht", ["AllowOverride All"])
        conf.htaccess("dbht", 'CORSAllowOriginDBDQuery "%s"\n' % QUERY)
        conf.doc("dbht/x.txt", "x\n")
        conf.start()
        r = request(cors_env.port, "GET", "/dbht/x.txt",
                    headers={"Origin": A})
        assert r.status == 500
        assert "CORSAllowOriginDBDQuery not allowed here" in \
            cors_env.read_log(cors_env.log_mark)


class TestSqlite:

    @pytest.fixture(scope="class")
    def lite(self, cors_env):
        e = DbEnv()
        e.setup()
        db = SqliteDb(e.writable_dir)
        db.insert(A)
        start(e, lambda env: server_conf(env, db.dbd_conf()))
        yield e, db
        e.finish()

    def test_rows_change(self, lite):
        e, db = lite
        assert_allowed(get(e, DB_PATH, A), A)
        assert_refused(get(e, DB_PATH, B))
        db.insert(B)
        assert wait_for(lambda: verdict(e, B), 4, 0.1)
        db.delete(A)
        assert wait_for(lambda: not verdict(e, A), 5, 0.1)

    def test_locked_database_fails_closed(self, lite):
        e, db = lite
        db.insert(D)
        mark = e.log_size()
        db.lock()
        try:
            t0 = time.time()
            r = get(e, DB_PATH, D)
            took = time.time() - t0
            assert r.status == 200
            assert_refused(r)
            assert "unavailable" in r.header("CORS-Debug"), r.headers
            # APR retries a busy SQLite database 15 times 100 ms
            assert took < 2.5, took
        finally:
            db.unlock()
        assert "origin database:" in e.read_log(mark)
        assert counter_sums(e)["DBErrors"] >= 1
        assert wait_for(lambda: verdict(e, D), 5, 0.1)
