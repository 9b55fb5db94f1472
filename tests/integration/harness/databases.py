"""Real databases for the origin sources (docs/behaviour.md §7).

PostgresServer: Debian's PostgreSQL 15, started by the test itself in a
temporary directory, as an unprivileged user (`postgres`, which the
package creates, through runuser when the tests run as root), listening
on 127.0.0.1 and a free port, with trust authentication on loopback only.
It can be stopped and started again mid-test to play a database outage.

SqliteDb: a SQLite file that httpd's children (www-data) can read, and a
way to make it unavailable: another connection holding an exclusive lock.
"""

import glob
import os
import pwd
import shutil
import sqlite3
import subprocess
import tempfile

from .env import free_port

SCHEMA = ("CREATE TABLE cors_origins (origin TEXT PRIMARY KEY, "
          "note TEXT)")
QUERY = "SELECT 1 FROM cors_origins WHERE origin = %s"


def pg_bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return os.path.dirname(found[-1]) if found else None


class PostgresServer:

    USER = "postgres"

    def __init__(self):
        self.bindir = pg_bindir()
        self.base = tempfile.mkdtemp(prefix="mod_cors_pg_")
        self.data = os.path.join(self.base, "data")
        self.log = os.path.join(self.base, "postgres.log")
        self.port = free_port()
        os.chmod(self.base, 0o755)
        if os.geteuid() == 0:
            pw = pwd.getpwnam(self.USER)
            os.chown(self.base, pw.pw_uid, pw.pw_gid)

    def _as_user(self, argv):
        if os.geteuid() == 0:
            return ["runuser", "-u", self.USER, "--"] + argv
        return argv

    def _run(self, argv, timeout=60):
        p = subprocess.run(self._as_user(argv), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout,
                           cwd=self.base)
        if p.returncode != 0:
            raise RuntimeError("%s failed:\n%s" % (
                " ".join(argv), p.stdout.decode("utf-8", "replace")))
        return p.stdout.decode("utf-8", "replace")

    def init(self):
        self._run([os.path.join(self.bindir, "initdb"), "-D", self.data,
                   "-A", "trust", "-U", self.USER, "--no-sync",
                   "--no-instructions"])
        self.start()
        self.psql("CREATE DATABASE cors", db="postgres")
        self.psql(SCHEMA)
        return self

    def start(self):
        self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data,
                   "-l", self.log, "-w", "-t", "30", "-o",
                   "-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c max_connections=200" % (self.port, self.base),
                   "start"])

    def stop(self):
        self._run([os.path.join(self.bindir, "pg_ctl"), "-D", self.data,
                   "-w", "-t", "30", "-m", "fast", "stop"])

    def destroy(self):
        try:
            self.stop()
        except Exception:
            pass
        shutil.rmtree(self.base, ignore_errors=True)

    def psql(self, sql, db="cors"):
        return self._run([os.path.join(self.bindir, "psql"), "-X", "-q",
                          "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                          str(self.port), "-U", self.USER, "-d", db, "-c",
                          sql])

    def insert(self, *origins):
        self.psql("INSERT INTO cors_origins (origin) VALUES %s" % ", ".join(
            "('%s')" % o for o in origins))

    def delete(self, *origins):
        self.psql("DELETE FROM cors_origins WHERE origin IN (%s)" % ", ".join(
            "'%s'" % o for o in origins))

    def conninfo(self):
        """Where the database is, as libpq's connection string."""
        return "host=127.0.0.1 port=%d dbname=cors user=%s" % (self.port,
                                                               self.USER)

    def dbd_conf(self):
        """mod_dbd's lines for this server, with the stated time bounds."""
        return [
            "DBDriver pgsql",
            "DBDParams \"host=127.0.0.1 port=%d dbname=cors user=%s "
            "connect_timeout=2 options='-c statement_timeout=500' "
            "keepalives=1 keepalives_idle=1 keepalives_interval=1 "
            "keepalives_count=2 tcp_user_timeout=2000\""
            % (self.port, self.USER),
            "DBDMin 0",
            "DBDKeep 2",
            # ThreadsPerChild of the test servers: no thread waits for a
            # connection (README, how long a worker can wait)
            "DBDMax 16",
            "DBDExptime 30",
        ]


class SqliteDb:

    def __init__(self, directory):
        self.path = os.path.join(directory, "cors-origins.sqlite")
        if os.path.exists(self.path):
            os.unlink(self.path)
        with sqlite3.connect(self.path) as c:
            c.execute(SCHEMA)
        # the directory too: SQLite writes its journal beside the file
        os.chmod(directory, 0o777)
        os.chmod(self.path, 0o666)
        self._locker = None

    def _exec(self, sql, args=()):
        with sqlite3.connect(self.path, timeout=10) as c:
            c.executemany(sql, args) if args else c.execute(sql)

    def insert(self, *origins):
        self._exec("INSERT INTO cors_origins (origin) VALUES (?)",
                   [(o,) for o in origins])

    def delete(self, *origins):
        self._exec("DELETE FROM cors_origins WHERE origin = ?",
                   [(o,) for o in origins])

    def lock(self):
        """Make the database unavailable to readers: an exclusive lock."""
        self._locker = sqlite3.connect(self.path, isolation_level=None)
        self._locker.execute("BEGIN EXCLUSIVE")

    def unlock(self):
        self._locker.execute("ROLLBACK")
        self._locker.close()
        self._locker = None

    def dbd_conf(self):
        return ["DBDriver sqlite3", 'DBDParams "%s"' % self.path]


