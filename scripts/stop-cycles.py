#!/usr/bin/python3
"""Start, load, graceful and stop Apache hundreds of times under each MPM,
with and without mod_cors, and count the children that crash.

Twice in about ten full test runs an httpd child logged AH00052 (exit
signal) while httpd stopped.  This loop does on purpose what the suite
does by chance, many times over, and keeps what a crash leaves behind:

  start -> load -> graceful (SIGUSR1, `-k graceful`) under load -> load
        -> stop (SIGTERM, `-k stop`) or graceful-stop (SIGWINCH,
           `-k graceful-stop`), in turn, with the load still running

The load is wrk (one thread, 8 kept-alive connections) sending a mix of
allowed, refused and malformed CORS requests, allowed and refused
preflights, CGI requests (in every other pair of cycles one that sleeps
0.3 s, so that requests are in flight when the stop comes), proxied
requests to a backend of their own (some answered after 0.3 s), a
preflight passed on to it (`CORSPreflight continue`), server-status
(which reads the module's shared-memory counters), and origins looked up
in a list file that is replaced during every cycle (CORSAllowOriginFile,
children reload it) and in a database (CORSAllowOriginDBDQuery through
mod_dbd and sqlite3, the shared shmcb answer cache and its mutex).  The
same database is asked by httpd's own mod_authn_dbd for a slow proxied
URL in every arm, so that the controls, too, hold a database connection
during requests, as mod_cors does.  The times between start, graceful
and stop are random (up to --load seconds; half the stops within 0.1 s
of the graceful, while its new children start), the same for every arm
of a cycle.

Arms, run in turn within each MPM so that they share the machine's load:
  cors-asan  the module built with ASan + UBSan (scripts/asan-module.sh
             --build-only), clang's runtime preloaded into Debian's apache2
  none-asan  the control: the same apache2, same runtime, same
             configuration and load, without LoadModule cors_module
  cors       the module as `make` builds it, plain apache2 (as the suite)
  none       the control of that one

Every crash is looked for three ways: httpd's own AH00052 / "exit signal"
lines in the error log, a core file (RLIMIT_CORE unlimited,
CoreDumpDirectory, and, as root, /proc/sys/kernel/core_pattern pointed at
the run's directory while the loop runs; restored afterwards), and
sanitizer reports (ASan handles SIGSEGV itself: it writes the report, then
aborts, so the crash still leaves a core).  gdb writes each core's
backtrace (Debian has no apache2-dbgsym: httpd's and APR's exported names
only; the first MAX_BACKTRACES cores of an arm, the others are counted).
What the runs found is in SECURITY.md (robustness).

  scripts/stop-cycles.py                         15 min per MPM, all arms
  scripts/stop-cycles.py --minutes 3 --mpm event
  scripts/stop-cycles.py --cycles 50             50 cycles per arm and MPM
  scripts/stop-cycles.py --quick                 no graceful: start, up to
                                                 0.15 s of load, stop
  scripts/stop-cycles.py --short                 a < 60 s smoke: prefork
                                                 and event, 2 cycles per
                                                 arm, core_pattern left

A stop that has not finished 15 s (--short: 8 s) after its signal is
counted ("stop not done"): the signal is sent once more, and after as
long again everything is killed.

Exit status 1 when a cors arm crashed where its control did not, or when
any sanitizer report or backtrace names mod_cors; the figures are printed
as a table and written to build/stop-cycles/summary.json."""

import argparse
import base64
import functools
import glob
import hashlib
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time

print = functools.partial(print, flush=True)  # noqa: A001 (progress)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))

from harness.env import CorsTestEnv, free_port  # noqa: E402

APACHE_REAL = os.environ.get("APACHE_REAL", "/usr/sbin/apache2")
PLAIN_SO = os.environ.get("MOD_CORS_SO",
                          os.path.join(ROOT, ".libs", "mod_cors.so"))
ASAN_SO = os.path.join(ROOT, "build", "asan", "mod_cors.so")
OUT = os.path.join(ROOT, "build", "stop-cycles")
CORE_PATTERN = "/proc/sys/kernel/core_pattern"
ARMS = ("cors-asan", "none-asan", "cors", "none")
CRASH_RE = re.compile(r"AH00052|AH00060|exit signal")

APP = "https://app.example.com"

CONF = """
LoadModule proxy_module {mods}/mod_proxy.so
LoadModule proxy_http_module {mods}/mod_proxy_http.so
LoadModule status_module {mods}/mod_status.so
LoadModule dbd_module {mods}/mod_dbd.so
LoadModule socache_shmcb_module {mods}/mod_socache_shmcb.so
LoadModule authn_dbd_module {mods}/mod_authn_dbd.so
DBDriver sqlite3
DBDParams "{base}/origins.db"
# the same database held by httpd's own mod_authn_dbd, with or without
# mod_cors, during a request the backend answers slowly
<Location "/px/dbauth/">
    AuthType Basic
    AuthName "stop-cycles"
    AuthBasicProvider dbd
    AuthDBDUserPWQuery "SELECT password FROM users WHERE name = %s"
    Require valid-user
</Location>
KeepAlive On
MaxKeepAliveRequests 0
KeepAliveTimeout 5
GracefulShutdownTimeout 5
ExtendedStatus On
<Location "/server-status">
    SetHandler server-status
    Require ip 127.0.0.1
</Location>
ProxyPass "/px/" "http://127.0.0.1:{port2}/"
<IfModule cors_module>
<Location "/api/">
    CORSAllowOrigin {app} https://*.example.org
    CORSAllowCredentials On
    CORSAllowMethods PUT PATCH
    CORSAllowHeaders X-Req Content-Type
    CORSExposeHeaders X-Id
    CORSMaxAge 600
</Location>
<Location "/px/">
    CORSAllowOrigin {app}
    CORSPreflight continue
</Location>
<Location "/cgi/">
    CORSAllowOrigin {app}
    CORSAllowMethods PUT
</Location>
# origins kept outside the configuration: a list file rewritten every
# cycle and looked at every second, so that children reload it under load;
# a database (mod_dbd, sqlite3) behind the shared shmcb cache, whose
# mutex each child attaches to in child_init
<Location "/list/">
    CORSAllowOriginFile "{base}/origins.txt"
    CORSAllowOriginFileCheck 1
</Location>
CORSAllowOriginDBDCache 2 1
<Location "/db/">
    CORSAllowOrigin https://config.example
    CORSAllowOriginDBDQuery "SELECT 1 FROM cors_origins WHERE origin = %s"
</Location>
<Location "/px/dbcors/">
    CORSAllowOriginDBDQuery "SELECT 1 FROM cors_origins WHERE origin = %s"
</Location>
</IfModule>
"""

# The proxied backend (a server of its own: a proxy to httpd itself waits
# out Timeout at every stop, its own listener being closed).
BACKEND = r"""
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self):
        if "slow" in self.path:
            time.sleep(0.3)
        body = b"backend\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_OPTIONS = do_POST = do_PUT = answer

ThreadingHTTPServer.daemon_threads = True
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
"""

SLOW_CGI = """#!/bin/sh
cat > /dev/null
sleep 0.3
printf 'Content-Type: text/plain\\r\\n\\r\\nslow\\n'
"""

LUA = r"""
-- generated by scripts/stop-cycles.py
local reqs = {}
local i = 0
local app = "%(app)s"
local function add(method, path, headers)
   table.insert(reqs, wrk.format(method, path, headers))
end
function init(args)
   add("GET", "/api/data.json", {["Origin"] = app})
   add("GET", "/api/data.json", {["Origin"] = "https://evil.example.net"})
   add("GET", "/api/data.json", {["Origin"] = "HTTPS://App.Example.com/"})
   add("GET", "/api/index.html", {["Origin"] = "https://x.y.example.org"})
   add("OPTIONS", "/api/data.json", {["Origin"] = app,
       ["Access-Control-Request-Method"] = "PUT",
       ["Access-Control-Request-Headers"] = "x-req,content-type"})
   add("OPTIONS", "/api/data.json", {["Origin"] = "https://evil.example.net",
       ["Access-Control-Request-Method"] = "PUT"})
   add("GET", "/cgi/ok.cgi", {["Origin"] = app})
   add("OPTIONS", "/cgi/ok.cgi", {["Origin"] = app,
       ["Access-Control-Request-Method"] = "PUT"})
   add("GET", "/px/file.txt", {["Origin"] = app})
   add("OPTIONS", "/px/file.txt", {["Origin"] = app,
       ["Access-Control-Request-Method"] = "GET"})
   add("GET", "/api/data.json", {["Origin"] = string.rep("a", 2000)})
   if os.getenv("STOP_CYCLES_SLOW") == "1" then
      add("GET", "/cgi/slow.cgi", {["Origin"] = app})
   end
   add("GET", "/px/other", {["Origin"] = "https://evil.example.net"})
   add("GET", "/server-status?auto", {})
   add("GET", "/missing", {["Origin"] = app})
   add("GET", "/px/dbauth/slow", {["Origin"] = app,
       ["Authorization"] = "Basic %(basic)s"})
end
local n = 0
function request()
   i = i %% (#reqs + 2) + 1
   if i > #reqs then
      -- origins that change, so that the database is asked (cache misses)
      -- and the list is looked up with origins on it and not
      n = n + 1
      local o = "https://o" .. (n %% 200) .. ".example"
      if i == #reqs + 1 then
         if n %% 2 == 0 then
            return wrk.format("GET", "/px/dbcors/slow", {["Origin"] = o})
         end
         return wrk.format("GET", "/db/x.txt", {["Origin"] = o})
      end
      return wrk.format("GET", "/list/x.txt", {["Origin"] = o})
   end
   return reqs[i]
end
""" % {"app": APP, "basic": base64.b64encode(b"user:pw").decode()}


#: what an interrupted run must not leave behind: wrk, the backend, httpd
LIVE = {}


def kill_live():
    for name, pid in list(LIVE.items()):
        procs = [pid] + (descendants(pid) if name == "httpd" else [])
        for p in procs:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
    LIVE.clear()


# ---- core dumps ------------------------------------------------------------

class CorePattern:
    """Point the kernel's core_pattern at our directory while the loop
    runs, and put the old one back (also on SIGINT/SIGTERM).  The pattern
    is machine-wide: other processes' cores land here meanwhile; only
    those of our own servers are counted (see core_is_ours)."""

    def __init__(self, cores_dir, keep):
        self.cores_dir = cores_dir
        self.keep = keep
        self.saved = None

    def __enter__(self):
        if self.keep:
            return self
        try:
            with open(CORE_PATTERN) as f:
                self.saved = f.read().rstrip("\n")
            with open(CORE_PATTERN, "w") as f:
                f.write(os.path.join(self.cores_dir, "core.%e.%p.%s.%t"))
            print("stop-cycles: core_pattern was %r, now %s/core.*"
                  % (self.saved, self.cores_dir))
        except OSError as e:
            self.saved = None
            print("stop-cycles: cannot set core_pattern (%s); cores go "
                  "where it says, into the server root if relative" % e)
        return self

    def restore(self):
        if self.saved is not None:
            with open(CORE_PATTERN, "w") as f:
                f.write(self.saved)
            print("stop-cycles: core_pattern restored to %r" % self.saved)
            self.saved = None

    def __exit__(self, *exc):
        self.restore()


def core_is_ours(path, roots):
    """A core of one of our servers: its command line (the first 80
    bytes, kept in the core) names one of our server roots."""
    try:
        out = subprocess.run(["file", "-b", path], stdout=subprocess.PIPE,
                             timeout=30).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired):
        return False, ""
    return any(r in out for r in roots), out.strip()


def backtrace(core):
    """gdb's backtrace of every thread of a core (exported names only)."""
    try:
        p = subprocess.run(
            ["nice", "-n", "10", "gdb", "-batch", "-nx",
             "-iex", "set debuginfod enabled off", "-iex", "set width 0",
             "-iex", "set pagination off",
             "-ex", "bt 40", "-ex", "info threads",
             "-ex", "thread apply all bt 30",
             APACHE_REAL, core],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
        return p.stdout.decode("utf-8", "replace")
    except (OSError, subprocess.TimeoutExpired) as e:
        return "gdb failed: %s" % e


# ---- processes -------------------------------------------------------------

def descendants(pid):
    """pids of every process below pid (children, cgid's scripts...)."""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        for k in kids.get(todo.pop(), []):
            out.append(k)
            todo.append(k)
    return out


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def read_pid(path):
    try:
        with open(path) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


class Server:
    """One server root; httpd.conf rewritten per arm."""

    def __init__(self, mpm, base, asan_env):
        self.port2 = free_port()
        self.backend = subprocess.Popen(
            ["nice", "-n", "10", "/usr/bin/python3", "-c", BACKEND,
             str(self.port2)], stderr=subprocess.DEVNULL)
        LIVE["backend"] = self.backend.pid
        deadline = time.time() + 30
        while time.time() < deadline and not port_open(self.port2):
            time.sleep(0.1)
        self.env = CorsTestEnv(gen_dir=base, mpm=mpm)
        self.env.setup()
        # children (www-data) write their cores here when core_pattern is
        # relative (CoreDumpDirectory)
        os.chmod(self.env.logs_dir, 0o1777)
        self.env.write_file(os.path.join(self.env.htdocs, "cgi", "slow.cgi"),
                            SLOW_CGI, mode=0o755)
        self.asan_env = asan_env
        self.base = base
        for d in ("db", "list"):
            self.env.write_file(os.path.join(self.env.htdocs, d, "x.txt"),
                                d + "\n")
        db = sqlite3.connect(os.path.join(base, "origins.db"))
        db.execute("CREATE TABLE cors_origins (origin TEXT PRIMARY KEY)")
        db.executemany("INSERT INTO cors_origins VALUES (?)",
                       [("https://o%d.example" % i,)
                        for i in range(0, 200, 3)])
        db.execute("CREATE TABLE users (name TEXT PRIMARY KEY, "
                   "password TEXT)")
        sha = base64.b64encode(hashlib.sha1(b"pw").digest()).decode()
        db.execute("INSERT INTO users VALUES ('user', ?)", ("{SHA}" + sha,))
        db.commit()
        db.close()
        os.chmod(os.path.join(base, "origins.db"), 0o644)
        self.list_gen = 0
        self.write_list()
        self.lua = os.path.join(base, "load.lua")
        with open(self.lua, "w") as f:
            f.write(LUA)

    def write_list(self):
        """Replace the list file the way the manual says (rename)."""
        self.list_gen += 1
        path = os.path.join(self.base, "origins.txt")
        with open(path + ".tmp", "w") as f:
            f.write("# generation %d\n" % self.list_gen)
            for i in range(self.list_gen % 5, 200, 5):
                f.write("https://o%d.example\n" % i)
        os.chmod(path + ".tmp", 0o644)
        os.rename(path + ".tmp", path)

    def configure(self, arm):
        e = self.env
        e.mod_cors_so = ASAN_SO if arm == "cors-asan" else PLAIN_SO
        e.install(CONF.format(mods=e.modules_dir, port2=self.port2, app=APP,
                              base=self.base),
                  with_cors=arm.startswith("cors"))
        for log in (e.error_log, e.access_log):
            with open(log, "w"):
                pass

    def environ(self, arm):
        return dict(os.environ, **self.asan_env) if arm.endswith("asan") \
            else dict(os.environ)

    def start(self, arm):
        e = self.env
        p = subprocess.run(["nice", "-n", "10", APACHE_REAL, "-f",
                            e.httpd_conf, "-k", "start"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           env=self.environ(arm), timeout=60)
        if p.returncode != 0:
            return None, p.stdout.decode("utf-8", "replace")
        deadline = time.time() + 20
        while time.time() < deadline:
            pid = read_pid(e.pid_file)
            if pid and alive(pid) and e._port_open():
                return pid, ""
            time.sleep(0.05)
        pid = read_pid(e.pid_file)
        if pid and alive(pid):
            stop_and_wait(pid, signal.SIGTERM)
        return None, "httpd did not come up: " + e.read_log()[-1500:]

    def wrk(self, slow):
        environ = dict(os.environ, STOP_CYCLES_SLOW="1" if slow else "0")
        return subprocess.Popen(
            ["nice", "-n", "10", "wrk", "-t", "1", "-c", "8", "-d", "120s",
             "--timeout", "5s", "-s", self.lua,
             "http://127.0.0.1:%d/" % self.env.port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=environ)


def proc_line(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        return "%d %s %s" % (pid, stat.split(") ")[1][0], cmd[:50])
    except OSError:
        return "%d gone" % pid


#: seconds a stop may take before its signal is sent again (--short: 8)
STOP_TIMEOUT = 15.0


def stop_and_wait(pid, sig, timeout=None):
    """Signal the parent, wait until it and every process it had below it
    are gone.  If they are still there after timeout, the signal is sent
    once more (an admin would), then everything is killed.  Returns
    (number of signals sent, the processes left after the first one)."""
    procs = [pid] + descendants(pid)
    left = []
    timeout = timeout or STOP_TIMEOUT
    for attempt in (1, 2):
        if alive(pid):
            os.kill(pid, sig)
        deadline = time.time() + timeout
        while time.time() < deadline:
            # children forked after the look above (a graceful's new
            # generation) are below a parent still alive: look again
            if alive(pid):
                procs = sorted(set(procs) | set(descendants(pid)))
            if not any(alive(p) for p in procs):
                return attempt, left
            time.sleep(0.05)
        if attempt == 1:
            left = [proc_line(p) for p in procs if alive(p)]
    # the parent stopped first forks no child that the sweep would miss
    try:
        os.kill(pid, signal.SIGSTOP)
        procs = sorted(set(procs) | set(descendants(pid)))
    except ProcessLookupError:
        pass
    for p in procs:
        try:
            os.kill(p, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.time() + 10
    while time.time() < deadline and any(alive(p) for p in procs):
        time.sleep(0.05)
    return 3, left


# ---- the loop --------------------------------------------------------------

def one_cycle(srv, arm, final, slow, rng, args, stats, keep_dir, n):
    srv.configure(arm)
    pid, why = srv.start(arm)
    st = stats[arm]
    if pid is None:
        st["start_failures"] += 1
        print("stop-cycles: %s did not start: %s" % (arm, why[-2000:]))
        return
    t_up = time.time()
    LIVE["httpd"] = pid
    w = srv.wrk(slow)
    LIVE["wrk"] = w.pid
    time.sleep(rng.uniform(0, args.load))
    srv.write_list()
    t_grace = t_up if args.quick else time.time()
    if not args.quick:
        os.kill(pid, signal.SIGUSR1)            # graceful restart
        st["gracefuls"] += 1
        # half the stops come while the graceful's new children start
        time.sleep(rng.uniform(0, 0.1) if rng.random() < 0.5
                   else rng.uniform(0, args.load))
    t_stop = time.time()
    sent, left = stop_and_wait(pid, signal.SIGTERM if final == "stop"
                               else signal.SIGWINCH)
    ok = sent == 1
    if os.environ.get("STOP_CYCLES_DEBUG"):
        print("  %s %s up->stop %.2f s, stop %.2f s" % (
            arm, final, t_stop - t_up, time.time() - t_stop))
    w.kill()
    w.wait()
    LIVE.pop("wrk", None)
    LIVE.pop("httpd", None)
    st["cycles"] += 1
    st[final] += 1
    e = srv.env
    with open(e.access_log, "rb") as f:
        st["requests"] += sum(1 for _ in f)
    log = e.read_log()
    crash = [ln for ln in log.splitlines() if CRASH_RE.search(ln)]
    if not ok:
        st["hung"] += 1
        if sent == 3:
            st["killed"] += 1
    if crash or not ok:
        st["crash_lines"] += len(crash)
        d = os.path.join(keep_dir, "%s-%s-%04d" % (e.mpm, arm, n))
        os.makedirs(d, exist_ok=True)
        for name in ("error_log", "access_log"):
            shutil.copy(os.path.join(e.logs_dir, name), d)
        shutil.copy(e.httpd_conf, d)
        shutil.copy(e.test_conf, d)
        st["events"].append({"cycle": n, "final": final, "signals": sent,
                             "left": left, "lines": crash, "kept": d,
                             "to_stop": round(t_stop - t_grace, 3)})
        print("stop-cycles: %s %s cycle %d (%s %.3f s after the %s): "
              "%s%s" % (e.mpm, arm, n, final, t_stop - t_grace,
                        "start" if args.quick else "graceful",
                        "" if ok else "STOP NOT DONE after %g s (%s), "
                        "left then: %s; " % (
                            STOP_TIMEOUT,
                            "done after the signal again" if sent == 2
                            else "not even after the signal again: "
                            "killed", left),
                        "; ".join(crash)))
    try:
        os.unlink(e.pid_file)
    except OSError:
        pass


#: cores backtraced per MPM and arm; the others are counted
MAX_BACKTRACES = 8


def collect_cores(cores_dir, roots, seen, done):
    """New cores: ours are backtraced, others' left alone.  A relative
    core_pattern (the default "core") puts them in CoreDumpDirectory, the
    server root's logs/: those are moved to cores_dir first."""
    for root in roots:
        for path in glob.glob(os.path.join(root, "server", "logs", "core*")):
            shutil.move(path, os.path.join(cores_dir, "core.%s.%d" % (
                os.path.basename(path), len(seen))))
    found = []
    for path in sorted(glob.glob(os.path.join(cores_dir, "core.*"))):
        if path.endswith(".bt.txt"):
            continue
        if path in seen:
            continue
        seen.add(path)
        ours, desc = core_is_ours(path, roots)
        if not ours:
            continue
        if done >= MAX_BACKTRACES:
            found.append({"core": path, "file": desc, "names_cors": False,
                          "bt_head": []})
            continue
        done += 1
        bt = backtrace(path)
        with open(path + ".bt.txt", "w") as f:
            f.write(desc + "\n\n" + bt)
        frames = [ln for ln in bt.splitlines() if ln.startswith("#")]
        found.append({"core": path, "file": desc,
                      "names_cors": any("mod_cors" in f or " cors_" in f
                                        for f in frames),
                      "bt_head": bt_summary(bt)})
    return found


def bt_summary(bt):
    """The frames of the thread that got the signal: gdb's first bt (the
    first run of frames from frame 0 that has more than one)."""
    blocks = []
    for ln in bt.splitlines():
        if ln.startswith("#0 "):
            blocks.append([])
        if ln.startswith("#") and blocks:
            blocks[-1].append(ln.strip())
    for frames in blocks:
        if len(frames) > 1:
            return frames[:32]
    return blocks[0] if blocks else []


def asan_reports(rep_dir, seen):
    out = []
    for path in sorted(glob.glob(os.path.join(rep_dir, "*"))):
        if path in seen or os.path.getsize(path) == 0:
            continue
        seen.add(path)
        with open(path, errors="replace") as f:
            text = f.read()
        out.append({"report": path, "names_cors": "mod_cors" in text
                    or "cors_" in text, "head": text.splitlines()[:30]})
    return out


def asan_environ(rep_dir):
    runtime = subprocess.run(
        ["clang", "-print-file-name=libclang_rt.asan-x86_64.so"],
        stdout=subprocess.PIPE).stdout.decode().strip()
    if not os.path.isfile(runtime):
        sys.exit("stop-cycles: no ASan runtime %s (libclang-rt-14-dev)"
                 % runtime)
    # abort_on_error: a report ends in SIGABRT, so httpd logs AH00052 and
    # a core is written; the shadow memory is left out of it (MADV_DONTDUMP)
    return {"LD_PRELOAD": runtime,
            "ASAN_OPTIONS": "detect_leaks=0:abort_on_error=1:"
                            "disable_coredump=0:use_madv_dontdump=1:"
                            "detect_odr_violation=0:log_path=%s/asan"
                            % rep_dir,
            "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1:"
                             "abort_on_error=1:log_path=%s/ubsan" % rep_dir}


def new_stats():
    return {"cycles": 0, "stop": 0, "graceful-stop": 0, "gracefuls": 0,
            "requests": 0, "start_failures": 0, "hung": 0, "killed": 0,
            "crash_lines": 0,
            "events": [], "cores": [], "reports": [], "seconds": 0.0}


def run_mpm(mpm, args, arms, cores_dir, keep_dir, rep_dir, asan_env,
            roots):
    base = tempfile.mkdtemp(prefix="sc-%s-" % mpm[:2], dir="/tmp")
    roots.append(base)
    srv = Server(mpm, base, asan_env)
    stats = {a: new_stats() for a in arms}
    seen_cores, seen_reports = set(), set()
    t_end = time.time() + args.minutes * 60
    n = 0
    print("stop-cycles: %s: arms %s, %s" % (
        mpm, ", ".join(arms), "%d cycles each" % args.cycles if args.cycles
        else "%.1f minutes" % args.minutes))
    while True:
        if args.cycles and n >= args.cycles:
            break
        if not args.cycles and time.time() >= t_end:
            break
        final = ("stop", "graceful-stop")[n % 2]
        slow = n % 4 < 2 and not args.quick
        for arm in arms:
            t0 = time.time()
            # the same delays for every arm of a cycle
            rng = random.Random("%s-%d" % (mpm, n))
            one_cycle(srv, arm, final, slow, rng, args, stats, keep_dir, n)
            stats[arm]["seconds"] += time.time() - t0
            done = sum(1 for c in stats[arm]["cores"] if c["bt_head"])
            for c in collect_cores(cores_dir, [base], seen_cores, done):
                stats[arm]["cores"].append(c)
                print("stop-cycles: %s %s cycle %d: core %s%s"
                      % (mpm, arm, n, c["core"], "".join(
                          "\n  " + f[:160] for f in c["bt_head"][:14])))
            for r in asan_reports(rep_dir, seen_reports):
                stats[arm]["reports"].append(r)
                print("stop-cycles: %s %s cycle %d: sanitizer report %s\n  %s"
                      % (mpm, arm, n, r["report"], "\n  ".join(r["head"])))
        n += 1
        if n % 20 == 0:
            print("stop-cycles: %s: %d cycles per arm, %s" % (
                mpm, n, ", ".join("%s %d crash lines %d cores" % (
                    a, stats[a]["crash_lines"], len(stats[a]["cores"]))
                    for a in arms)))
    srv.backend.terminate()
    srv.backend.wait()
    LIVE.pop("backend", None)
    shutil.rmtree(base, ignore_errors=True)
    return stats


def table(results):
    rows = ["| MPM | arm | cycles | stop / graceful-stop | gracefuls | "
            "requests | AH00052 lines | cores | sanitizer reports | "
            "stop not done (signal again / killed) |"
            " s/cycle |",
            "|---|---|---|---|---|---|---|---|---|---|---|"]
    for mpm, stats in results.items():
        for arm, s in stats.items():
            rows.append("| %s | %s | %d | %d / %d | %d | %d | %d | %d | %d "
                        "| %d (%d / %d) | %.2f |" % (
                            mpm, arm, s["cycles"], s["stop"],
                            s["graceful-stop"], s["gracefuls"],
                            s["requests"], s["crash_lines"], len(s["cores"]),
                            len(s["reports"]), s["hung"],
                            s["hung"] - s["killed"], s["killed"],
                            s["seconds"] / max(1, s["cycles"])))
    return "\n".join(rows)


def verdict(results, compare):
    """Failures that are the module's: a report or backtrace naming it,
    or (compare: a run long enough to) crashes in a cors arm while its
    control had none."""
    bad = []
    for mpm, stats in results.items():
        for arm, s in stats.items():
            for c in s["cores"]:
                if c["names_cors"]:
                    bad.append("%s %s: backtrace names mod_cors: %s"
                               % (mpm, arm, c["core"]))
            for r in s["reports"]:
                if r["names_cors"] or arm.startswith("cors"):
                    bad.append("%s %s: sanitizer report %s"
                               % (mpm, arm, r["report"]))
            if not compare or not arm.startswith("cors"):
                continue
            ctrl = stats.get("none" + arm[4:])
            n = s["crash_lines"] + len(s["cores"])
            if n and ctrl is not None and \
                    ctrl["crash_lines"] + len(ctrl["cores"]) == 0:
                bad.append("%s %s: %d crash(es), none in its control"
                           % (mpm, arm, n))
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mpm", default=None,
                    help="default event,worker,prefork (--short: "
                         "prefork,event)")
    ap.add_argument("--arms", default=",".join(ARMS))
    ap.add_argument("--minutes", type=float, default=15.0,
                    help="per MPM, all arms together (default 15)")
    ap.add_argument("--cycles", type=int, default=0,
                    help="cycles per arm and MPM instead of --minutes")
    ap.add_argument("--load", type=float, default=None,
                    help="at most this many seconds of load before the "
                         "graceful and again before the stop (random, "
                         "default 0.6)")
    ap.add_argument("--quick", action="store_true",
                    help="no graceful: start, at most --load seconds of load "
                         "(default 0.15 here), stop; as the test suite "
                         "restarts its servers for every test class")
    ap.add_argument("--keep-core-pattern", action="store_true",
                    help="leave /proc/sys/kernel/core_pattern alone")
    ap.add_argument("--short", action="store_true",
                    help="smoke (< 60 s): 2 cycles per arm under prefork and "
                         "event, cors-asan and none-asan")
    args = ap.parse_args()
    if args.load is None:
        args.load = 0.15 if args.quick else 0.6
    if args.short:
        # one stop and one graceful-stop per MPM and arm
        args.cycles, args.arms, args.load = 2, "cors-asan,none-asan", 0.3
        args.keep_core_pattern = True
        args.mpm = args.mpm or "prefork,event"
        global MAX_BACKTRACES, STOP_TIMEOUT
        MAX_BACKTRACES, STOP_TIMEOUT = 1, 8.0
    args.mpm = args.mpm or "event,worker,prefork"
    arms = [a for a in args.arms.split(",") if a]
    for a in arms:
        if a not in ARMS:
            sys.exit("stop-cycles: unknown arm %s (%s)" % (a, ", ".join(ARMS)))
    for tool in ("wrk", "gdb", "file", "clang"):
        if shutil.which(tool) is None:
            sys.exit("stop-cycles: %s not found (make deps)" % tool)
    if "cors-asan" in arms and not os.path.isfile(ASAN_SO):
        subprocess.run([os.path.join(ROOT, "scripts", "asan-module.sh"),
                        "--build-only"], check=True)
    if "cors" in arms and not os.path.isfile(PLAIN_SO):
        sys.exit("stop-cycles: %s not built (make)" % PLAIN_SO)

    os.makedirs(OUT, exist_ok=True)
    run_dir = tempfile.mkdtemp(prefix=time.strftime("run-%Y%m%d-%H%M%S-"),
                               dir=OUT)
    cores_dir = os.path.join(run_dir, "cores")
    keep_dir = os.path.join(run_dir, "crashes")
    rep_dir = os.path.join(run_dir, "sanitizer")
    for d in (cores_dir, keep_dir, rep_dir):
        os.makedirs(d)
    # the children run as www-data: they write cores and reports here
    for d in (run_dir, cores_dir, rep_dir):
        os.chmod(d, 0o1777)
    d = run_dir
    while d != "/":
        os.chmod(d, os.stat(d).st_mode | 0o005)
        d = os.path.dirname(d)
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY,
                                              resource.RLIM_INFINITY))
    asan_env = asan_environ(rep_dir)
    results, roots = {}, []
    cp = CorePattern(cores_dir, args.keep_core_pattern)

    def on_signal(signum, frame):
        kill_live()
        cp.restore()
        sys.exit(128 + signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    t0 = time.time()
    with cp:
        for mpm in args.mpm.split(","):
            results[mpm] = run_mpm(mpm, args, arms, cores_dir, keep_dir,
                                   rep_dir, asan_env, roots)
            print(table({mpm: results[mpm]}))
    summary = os.path.join(OUT, "summary.json")
    with open(summary, "w") as f:
        json.dump({"run": run_dir, "args": vars(args), "results": results,
                   "seconds": time.time() - t0}, f, indent=1)
    print("\nstop-cycles: %.0f s; %s; details in %s\n" % (
        time.time() - t0, summary, run_dir))
    print(table(results))
    for mpm, stats in results.items():
        for arm, s in stats.items():
            # the first core of each arm; the others are in run_dir/cores
            for c in [c for c in s["cores"] if c["bt_head"]][:1]:
                print("\n%s %s, the first of %d cores, %s:\n  %s" % (
                    mpm, arm, len(s["cores"]), c["core"],
                    "\n  ".join(f[:160] for f in c["bt_head"])))
    bad = verdict(results, not args.short)
    if args.short:
        # a smoke keeps the backtraces, not the cores (tens of MiB each)
        for path in glob.glob(os.path.join(cores_dir, "core.*")):
            if not path.endswith(".bt.txt"):
                os.unlink(path)
    if bad:
        print("\nstop-cycles: FAILED:\n  " + "\n  ".join(bad))
        return 1
    print("\nstop-cycles: no crash that is the module's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
