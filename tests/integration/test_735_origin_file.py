"""docs/behaviour.md §7: CORSAllowOriginFile, a list of origins in a file
that every child reloads when it changes, without a restart.

- the file's origins add up with CORSAllowOrigin lines;
- a refusal names the file ("not in /path");
- a replaced file is picked up within CORSAllowOriginFileCheck seconds by
  every child; a bad replacement keeps the previous list, logged with file
  and line;
- at start-up a missing or bad file fails `apache2 -t` with file and line;
- in .htaccess (shared hosting), relative to the .htaccess's directory;
- DUMP_CORS names the file, its size and load time; server-status counts
  the reloads and the failed ones."""

import os
import re
import threading
import time

import pytest

from harness.client import get
from harness.conf import CorsConf
from harness.env import APACHE_MODULES
from harness.status import counter_sums
from harness.util import assert_allowed, assert_refused, wait_for

A = "https://a.example"
B = "https://b.example"
CONF_ORIGIN = "https://config.example"
WILD = "https://x.clients.example"


def replace(path, text):
    """How the docs tell administrators to update the file."""
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.rename(tmp, path)


def wait_until(cond):
    """wait_for() with this file's bound: the check interval, and then
    some."""
    return wait_for(cond, timeout=4.0, step=0.1)


def all_of(env, path, origin, n=12):
    """The verdicts of n requests: True allowed, False refused."""
    out = set()
    for _ in range(n):
        r = get(env, path, origin)
        assert r.status == 200, r
        out.add(r.header("Access-Control-Allow-Origin") == origin)
    return out


class TestOriginFile:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        env = cors_env
        self.__class__.path = os.path.join(env.conf_dir, "cors-origins.txt")
        replace(self.path, "# clients\n%s\n\nhttps://*.clients.example\n" % A)
        conf = CorsConf(env)
        conf.add("LoadModule status_module %s/mod_status.so"
                 % APACHE_MODULES)
        conf.location("/server-status", ["SetHandler server-status"])
        conf.location("/cors-policy", ["SetHandler cors-policy"])
        conf.location("/file/", [
            "CORSAllowOriginFile %s" % self.path,
            "CORSAllowOriginFileCheck 1",
            "CORSAllowOrigin %s" % CONF_ORIGIN,
            "CORSDebugHeader On"])
        conf.location("/file/narrow/", ["CORSAllowOrigin %s" % CONF_ORIGIN])
        conf.location("/file/plus/", ["CORSAllowOrigin +%s" % B])
        conf.doc("file/x.txt", "x\n")
        conf.doc("file/narrow/x.txt", "x\n")
        conf.doc("file/plus/x.txt", "x\n")
        conf.start()
        yield

    def test_file_and_config_add_up(self, cors_env):
        assert_allowed(get(cors_env, "/file/x.txt", A), A)
        assert_allowed(get(cors_env, "/file/x.txt", WILD), WILD)
        assert_allowed(get(cors_env, "/file/x.txt", CONF_ORIGIN), CONF_ORIGIN)

    def test_refusal_names_the_file(self, cors_env):
        r = get(cors_env, "/file/x.txt", B)
        assert_refused(r)
        assert "not in %s" % self.path in r.header("CORS-Debug"), r.headers
        assert "not in %s" % self.path in cors_env.read_log(
            cors_env.log_mark)

    def test_malformed_origin_never_reaches_the_file(self, cors_env):
        r = get(cors_env, "/file/x.txt", A.upper())
        assert_refused(r)
        assert "not in" not in (r.header("CORS-Debug") or "")

    def test_inheritance(self, cors_env):
        # a list without prefix replaces the inherited one, file included
        assert_refused(get(cors_env, "/file/narrow/x.txt", A))
        assert_allowed(get(cors_env, "/file/narrow/x.txt", CONF_ORIGIN),
                       CONF_ORIGIN)
        # "+" keeps it
        assert_allowed(get(cors_env, "/file/plus/x.txt", A), A)
        assert_allowed(get(cors_env, "/file/plus/x.txt", B), B)

    def test_reload_and_bad_file(self, cors_env):
        env = cors_env
        before = counter_sums(env)
        replace(self.path, "%s\n" % B)
        # every child, within the check interval (1 s) of its next request
        assert wait_until(lambda: all_of(env, "/file/x.txt", B) == {True}
                          and all_of(env, "/file/x.txt", A) == {False})
        assert "reloaded %s: 1 origins" % self.path in env.read_log(
            env.log_mark)
        # a bad file keeps the previous list and says where it is wrong
        mark = env.log_size()
        replace(self.path, "%s\n# ok so far\n%s/path\n" % (A, A))
        time.sleep(1.5)
        for _ in range(3):
            assert all_of(env, "/file/x.txt", B) == {True}
            assert all_of(env, "/file/x.txt", A) == {False}
            time.sleep(0.6)
        log = env.read_log(mark)
        assert "%s:3: " % self.path in log, log
        # logged once per child for this version of the file, not per look
        assert 1 <= log.count("%s:3: " % self.path) <= 8, log
        # fixed: picked up
        replace(self.path, "%s\n%s\n" % (A, B))
        assert wait_until(lambda: all_of(env, "/file/x.txt", A) == {True})
        after = counter_sums(env)
        assert after["ListReloads"] >= before.get("ListReloads", 0) + 2
        assert after["ListReloadFailures"] >= \
            before.get("ListReloadFailures", 0) + 1

    def test_deleted_file_keeps_list(self, cors_env):
        env = cors_env
        replace(self.path, "%s\n" % A)
        assert wait_until(lambda: all_of(env, "/file/x.txt", A) == {True})
        mark = env.log_size()
        os.unlink(self.path)
        time.sleep(1.5)
        assert all_of(env, "/file/x.txt", A) == {True}
        assert "%s: cannot be read" % self.path in env.read_log(mark)
        replace(self.path, "%s\n" % A)

    def test_hostile_replacements_keep_list(self, cors_env):
        """Whatever lands in the file (binary garbage, a line far longer
        than any origin, NUL bytes, one huge line of origins): the list
        read before stays, every answer is a 200, and the log names the
        line."""
        env = cors_env
        replace(self.path, "%s\n" % A)
        assert wait_until(lambda: all_of(env, "/file/x.txt", A) == {True})
        for bad, line in ((bytes(range(256)) * 4, 1),
                          (b"https://ok.example\n" + b"a" * 200000, 2),
                          (b"https://ok.example\n\0\n", 2),
                          (b" ".join(b"https://o%d.example" % i
                                     for i in range(2000)), 1)):
            mark = env.log_size()
            tmp = self.path + ".tmp"
            with open(tmp, "wb") as f:
                f.write(bad)
            os.rename(tmp, self.path)
            time.sleep(1.2)
            assert all_of(env, "/file/x.txt", A) == {True}
            assert all_of(env, "/file/x.txt", "https://ok.example") \
                == {False}
            assert "%s:%d: " % (self.path, line) in env.read_log(mark)
        replace(self.path, "%s\n" % A)

    def test_policy_handler_shows_the_file(self, cors_env):
        r = get(cors_env, "/cors-policy?url=/file/x.txt&auto", None)
        assert r.status == 200, r
        assert re.search(r"origin source: file %s, \d+ origins, loaded "
                         % re.escape(self.path), r.body.decode()), r.body


class TestOriginFileStartup:

    def _check(self, env, body, path):
        conf = CorsConf(env)
        conf.location("/api/", ["CORSAllowOriginFile %s" % path] + body)
        return conf.check()

    def test_missing_file_fails(self, cors_env):
        path = os.path.join(cors_env.conf_dir, "no-such-origins.txt")
        rc, out = self._check(cors_env, [], path)
        assert rc != 0
        assert "CORSAllowOriginFile: %s: cannot be read" % path in out, out

    def test_bad_file_fails_with_line(self, cors_env):
        path = os.path.join(cors_env.conf_dir, "bad-origins.txt")
        replace(path, "%s\n\n*\n" % A)
        rc, out = self._check(cors_env, [], path)
        assert rc != 0
        assert "%s:3: " % path in out, out
        assert "configuration" in out, out

    def test_relative_path_is_under_server_root(self, cors_env):
        replace(os.path.join(cors_env.root, "rel-origins.txt"), A + "\n")
        rc, out = self._check(cors_env, [], "rel-origins.txt")
        assert rc == 0, out

    def test_bad_check_interval(self, cors_env):
        path = os.path.join(cors_env.conf_dir, "ok-origins.txt")
        replace(path, A + "\n")
        rc, out = self._check(cors_env, ["CORSAllowOriginFileCheck 0"], path)
        assert rc != 0
        assert "CORSAllowOriginFileCheck: '0'" in out, out

    def test_dump_names_the_file(self, cors_env):
        env = cors_env
        path = os.path.join(env.conf_dir, "dump-origins.txt")
        replace(path, "%s\n%s\n" % (A, B))
        conf = CorsConf(env)
        conf.location("/api/", ["CORSAllowOriginFile %s" % path])
        rc, out = env.check_config(conf.text(), dump=True)
        assert rc == 0, out
        assert re.search(r"origin source: file %s, 2 origins, loaded \d{4}-"
                         % re.escape(path), out), out


class TestOriginFileHtaccess:
    """Shared hosting: the list next to the .htaccess that names it, read
    once per child and per change, not on every request."""

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        env = cors_env
        conf = CorsConf(env)
        conf.directory("htfile", ["AllowOverride FileInfo"])
        conf.htaccess("htfile", "CORSAllowOriginFile origins.txt\n"
                      "CORSAllowOriginFileCheck 1\n")
        conf.doc("htfile/origins.txt", A + "\n")
        conf.doc("htfile/x.txt", "x\n")
        # shared hosting: another site's file, by path or by link
        conf.directory("htout", ["AllowOverride FileInfo"])
        conf.htaccess("htout", "CORSAllowOriginFile ../htfile/origins.txt\n")
        conf.doc("htout/x.txt", "x\n")
        conf.directory("htabs", ["AllowOverride FileInfo"])
        conf.htaccess("htabs", "CORSAllowOriginFile %s\n"
                      % env.docroot_path("htfile/origins.txt"))
        conf.doc("htabs/x.txt", "x\n")
        conf.directory("htlink", ["AllowOverride FileInfo"])
        conf.htaccess("htlink", "CORSAllowOriginFile origins.txt\n")
        conf.doc("htlink/x.txt", "x\n")
        # a link to another site's directory, the file named through it
        conf.directory("htdirlink", ["AllowOverride FileInfo"])
        conf.htaccess("htdirlink", "CORSAllowOriginFile other/origins.txt\n")
        conf.doc("htdirlink/x.txt", "x\n")
        conf.directory("htbad", ["AllowOverride FileInfo"])
        conf.htaccess("htbad", "CORSAllowOriginFile origins.txt\n")
        conf.doc("htbad/origins.txt", A + "/app\n")
        conf.doc("htbad/x.txt", "x\n")
        conf.write_files()
        link = env.docroot_path("htlink/origins.txt")
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(env.docroot_path("htfile/origins.txt"), link)
        dirlink = env.docroot_path("htdirlink/other")
        if os.path.lexists(dirlink):
            os.unlink(dirlink)
        os.symlink(env.docroot_path("htfile"), dirlink)
        conf.start()
        self.__class__.path = env.docroot_path("htfile/origins.txt")
        yield

    def test_allowed_and_reloaded(self, cors_env):
        env = cors_env
        assert_allowed(get(env, "/htfile/x.txt", A), A)
        assert_refused(get(env, "/htfile/x.txt", B))
        replace(self.path, B + "\n")
        assert wait_until(lambda: all_of(env, "/htfile/x.txt", B) == {True}
                          and all_of(env, "/htfile/x.txt", A) == {False})

    def test_not_read_per_request(self, cors_env):
        """strace would show it; the log does too: one load per child, and
        no 'reloaded' line while the file stays the same."""
        env = cors_env
        mark = env.log_size()
        for _ in range(30):
            get(env, "/htfile/x.txt", B)
        assert "reloaded" not in env.read_log(mark)

    def test_only_files_of_its_own_directory(self, cors_env):
        for d, why in (("htout", "inside the .htaccess file's directory"),
                       ("htabs", "inside the .htaccess file's directory"),
                       ("htlink", "may not be a symbolic link"),
                       ("htdirlink", "may not be a symbolic link")):
            mark = cors_env.log_size()
            r = get(cors_env, "/%s/x.txt" % d, A)
            assert r.status == 500, (d, r)
            assert why in cors_env.read_log(mark), d

    def test_bad_file_is_a_bad_htaccess(self, cors_env):
        r = get(cors_env, "/htbad/x.txt", A)
        assert r.status == 500
        assert "%s:1: " % cors_env.docroot_path("htbad/origins.txt") in \
            cors_env.read_log(cors_env.log_mark)


SECRET = "https://secret.example"


def htaccess_with_a_window(name, lines):
    """A .htaccess whose CORSAllowOriginFile line comes first and whose
    remaining lines take httpd a while to read: the time, on every
    request, between mod_cors's symbolic link check of the list's path
    (when the line is read) and the lookup that may reload the list (in
    header_parser).  A site owner can write such a file."""
    return ("CORSAllowOriginFile %s\nCORSAllowOriginFileCheck 1\n" % name
            + "CORSAllowOriginMatch ^https://w[0-9]+\\.window\\.example$\n"
            * lines)


class TestOriginFileHtaccessSwappedForLink:
    """A list named in .htaccess, checked for symbolic links when the
    .htaccess is read, swapped for a link to another site's list after the
    check and before the reload: the reload opens each component without
    following links, so the other site's list is never read, the list
    loaded before stays and the log says it is a link."""

    WINDOW_LINES = 80000

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        env = cors_env
        conf = CorsConf(env)
        conf.doc("htsecret/origins.txt", SECRET + "\n")
        for d, name in (("htswap", "origins.txt"),
                        ("htswapdir", "sub/origins.txt")):
            conf.directory(d, ["AllowOverride FileInfo"])
            conf.htaccess(d, htaccess_with_a_window(name, self.WINDOW_LINES))
            conf.doc("%s/%s" % (d, name), A + "\n")
            conf.doc("%s/x.txt" % d, "x\n")
        conf.write_files()
        conf.start()
        yield

    def timed_get(self, env, path, origin):
        t = time.monotonic()
        r = get(env, path, origin, timeout=30)
        return r, time.monotonic() - t

    def swap_round(self, env):
        """Requests that passed the check, then the swap, then their
        lookups: [(dir, response)] and the log of the round."""
        took = 0
        for d in ("htswap", "htswapdir"):
            for _ in range(2):
                r, t = self.timed_get(env, "/%s/x.txt" % d, A)
                assert_allowed(r, A)
                took = max(took, t)
        assert took > 0.3, "the window is too short to test: %.2fs" % took
        time.sleep(1.2)  # the next lookup looks at the file again
        mark = env.log_size()
        results = []

        def ask(d):
            results.append((d, get(env, "/%s/x.txt" % d, SECRET, timeout=30)))

        threads = [threading.Thread(target=ask, args=(d,))
                   for d in ("htswap", "htswapdir") for _ in range(3)]
        for t in threads:
            t.start()
        # the requests are past their .htaccess's first line: swap now
        time.sleep(took / 4)
        secret = env.docroot_path("htsecret/origins.txt")
        link = env.docroot_path("htswap/origins.txt")
        sub = env.docroot_path("htswapdir/sub")
        os.symlink(secret, link + ".tmp")
        os.rename(link + ".tmp", link)
        os.rename(sub, sub + ".old")
        os.symlink(env.docroot_path("htsecret"), sub)
        for t in threads:
            t.join()
        log = env.read_log(mark)
        os.unlink(link)
        with open(link, "w") as f:
            f.write(A + "\n")
        os.unlink(sub)
        os.rename(sub + ".old", sub)
        return results, log

    def test_swapped_after_the_check(self, cors_env):
        env = cors_env
        for _ in range(3):
            results, log = self.swap_round(env)
            assert len(results) == 6
            in_window = set()
            for d, r in results:
                # a request that came after the swap fails its .htaccess
                # check (500); one in the window is answered (200)
                assert r.status in (200, 500), (d, r)
                # never the other site's origin, whatever the timing
                assert r.header("Access-Control-Allow-Origin") is None, \
                    (d, r.headers)
                if r.status == 200:
                    in_window.add(d)
            if in_window == {"htswap", "htswapdir"}:
                break
            time.sleep(1.2)  # a busy machine: the swap came too early
        assert in_window == {"htswap", "htswapdir"}, results
        for d, name in (("htswap", "origins.txt"),
                        ("htswapdir", "sub/origins.txt")):
            assert "%s: not read: a symbolic link" % \
                env.docroot_path("%s/%s" % (d, name)) in log, log
