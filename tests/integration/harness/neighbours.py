"""Real neighbours for mod_cors: an Apache per MPM, a Python
HTTP backend that sets its own CORS headers, php-fpm on a unix socket,
varnishd with its default VCL, self-signed certificates for mod_ssl and
nghttp for HTTP/2.  Every process is started here on 127.0.0.1 (or a unix
socket in a temp dir) and stopped by its pid, also when a test fails."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile

import pytest

from .env import (APACHE_BIN, BASE_MODULES, BUILTIN_MODULES, CorsTestEnv,
                  free_port)
from .util import PREFLIGHT_VARY, wait_for

#: the MPMs every neighbour test runs under: all three by default; an
#: explicit MPM=... (the whole suite under one MPM) or CORS_TEST_MPMS
#: (e.g. "event" for a quick run) narrows it
MPMS = os.environ.get("CORS_TEST_MPMS",
                      os.environ.get("MPM", "event worker prefork")).split()

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") \
    else sys.executable


def which(name):
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")


def php_fpm_bin():
    for name in ("php-fpm", "php-fpm8.2", "php-fpm8.3", "php-fpm8.1"):
        path = which(name)
        if path:
            return path
    return None


def need(tool, package):
    """Fail (not skip) when a neighbour is missing: the issue requires the
    real component, and `make deps` installs it."""
    if not (php_fpm_bin() if tool == "php-fpm" else which(tool)):
        pytest.fail("%s not found: apt-get install %s" % (tool, package),
                    pytrace=False)


def port_open(port, host="127.0.0.1"):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def closed_port():
    """A loopback port nobody listens on (bound then released)."""
    return free_port()


def stop_pid(proc, sig=signal.SIGTERM, timeout=20):
    """Stop a Popen by its pid; SIGKILL if it will not go."""
    if proc is None or proc.poll() is not None:
        return
    try:
        os.kill(proc.pid, sig)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


# ---- Apache, one per MPM ---------------------------------------------------

def load_modules(conf, *names):
    """LoadModule lines for modules the base config does not load."""
    for m in names:
        if m in BASE_MODULES or m in BUILTIN_MODULES:
            continue
        conf.add("LoadModule %s_module %s/mod_%s.so"
                 % (m, conf.env.modules_dir, m))
    return conf


def start_mpm_env(mpm):
    env = CorsTestEnv(mpm=mpm).require_module()
    env.setup()
    return env


@pytest.fixture(scope="module", params=MPMS)
def mpm_env(request):
    """An Apache of its own for one test module and one MPM, on its own
    free port, stopped at the end of the module."""
    env = start_mpm_env(request.param)
    request.addfinalizer(env.finish)
    return env


@pytest.fixture(autouse=True)
def _mpm_crash_check(request):
    """Like conftest's check, for the per-MPM Apache: a crashed child is
    seen by no assertion, so look for httpd's report after each test."""
    if "mpm_env" not in request.fixturenames:
        yield
        return
    env = request.getfixturevalue("mpm_env")
    env.log_mark = env.log_size()
    yield
    env.fail_on_crashes(env.log_mark, request.node.name)


def graceful(env):
    """apache2 -k graceful on the running server; its output."""
    p = subprocess.run([APACHE_BIN, "-f", env.httpd_conf, "-k", "graceful"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=60)
    return p.returncode, p.stdout.decode("utf-8", "replace")


# ---- a Python HTTP backend -------------------------------------------------

BACKEND_CODE = r'''
import socket, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = sys.argv[1]
lock = threading.Lock()
hits = [0]

# the CORS headers a backend framework typically sets by itself
OWN = [
    ("Access-Control-Allow-Origin", "https://backend.example"),
    ("Access-Control-Allow-Credentials", "true"),
    ("Access-Control-Allow-Methods", "GET, PUT, DELETE"),
    ("Access-Control-Allow-Headers", "X-Backend"),
    ("Access-Control-Expose-Headers", "X-Backend-Secret"),
    ("Access-Control-Max-Age", "999"),
    ("Vary", "Accept-Encoding, Cookie"),
]

class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def answer(self):
        with lock:
            hits[0] += 1
            n = hits[0]
            with open(LOG, "a") as f:
                f.write("%s %s origin=%s\n" % (self.command, self.path,
                        self.headers.get("Origin")))
        n_body = int(self.headers.get("Content-Length") or 0)
        if n_body:
            self.rfile.read(n_body)
        path, _, query = self.path.partition("?")
        if path == "/close":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if path == "/garbage":
            # a header line without a colon: ProxyBadHeader IsError, 502
            self.wfile.write(b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n")
            self.wfile.flush()
            self.close_connection = True
            return
        status = 200
        if path.startswith("/status/"):
            status = int(path.split("/")[2])
        if path.startswith("/slow/"):
            time.sleep(float(path.split("/")[2]))
        body = ("backend %s %s #%d\n" % (self.command, path, n)).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("X-Backend", "yes")
        self.send_header("X-Backend-Secret", "s3")
        if "echo" in query:
            # a framework that reflects any Origin, sends no Vary and lets
            # shared caches keep the answer (the attack on a cache)
            if self.headers.get("Origin"):
                self.send_header("Access-Control-Allow-Origin",
                                 self.headers.get("Origin"))
            self.send_header("Cache-Control", "public, max-age=300")
        elif "nocors" not in query:
            for name, value in OWN:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = answer
    do_PATCH = answer

srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
srv.daemon_threads = True
print(srv.server_address[1], flush=True)
srv.serve_forever()
'''

#: what the backend sets itself, for the tests' assertions
BACKEND_ACAO = "https://backend.example"


class Backend:
    """The Python backend as a separate process, on a free loopback port."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mod_cors_backend_")
        self.script = os.path.join(self.dir, "backend.py")
        self.log = os.path.join(self.dir, "requests.log")
        with open(self.script, "w") as f:
            f.write(BACKEND_CODE)
        open(self.log, "w").close()
        self.proc = None
        self.port = None

    def start(self):
        self.proc = subprocess.Popen([PYTHON, self.script, self.log],
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL)
        line = self.proc.stdout.readline().decode().strip()
        assert line.isdigit(), "backend did not start: %r" % line
        self.port = int(line)
        assert wait_for(lambda: port_open(self.port)), "backend not up"
        return self

    def requests(self):
        with open(self.log) as f:
            return f.read().splitlines()

    def stop(self):
        stop_pid(self.proc)
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def backend(request):
    b = Backend()
    request.addfinalizer(b.stop)
    return b.start()


# ---- php-fpm on a unix socket ----------------------------------------------

PHP_FPM_CONF = """[global]
pid = {dir}/php-fpm.pid
error_log = {dir}/php-fpm.log
daemonize = no

[cors]
user = www-data
group = www-data
listen = {sock}
listen.owner = www-data
listen.group = www-data
listen.mode = 0660
pm = static
pm.max_children = 2
catch_workers_output = yes
php_admin_flag[display_errors] = off
php_admin_flag[log_errors] = on
php_admin_value[error_log] = {dir}/php-errors.log
"""


class PhpFpm:
    """Debian's php-fpm with a pool of its own, listening on a unix socket
    in a temp dir, master in the foreground (-F) so its pid is ours."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mod_cors_fpm_")
        os.chmod(self.dir, 0o755)
        self.sock = os.path.join(self.dir, "php.sock")
        self.conf = os.path.join(self.dir, "php-fpm.conf")
        self.log = os.path.join(self.dir, "php-fpm.log")
        self.errors = os.path.join(self.dir, "php-errors.log")
        with open(self.conf, "w") as f:
            f.write(PHP_FPM_CONF.format(dir=self.dir, sock=self.sock))
        open(self.errors, "w").close()
        shutil.chown(self.errors, "www-data", "www-data")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [php_fpm_bin(), "-F", "-y", self.conf, "-p", self.dir],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        ok = wait_for(lambda: os.path.exists(self.sock)
                      or self.proc.poll() is not None)
        assert ok and self.proc.poll() is None, \
            "php-fpm did not start:\n" + self.read(self.log)
        return self

    @staticmethod
    def read(path):
        try:
            with open(path) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        # SIGQUIT: graceful stop of the master and its workers
        stop_pid(self.proc, signal.SIGQUIT)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def php_fpm(request):
    need("php-fpm", "php-fpm")
    fpm = PhpFpm()
    request.addfinalizer(fpm.stop)
    return fpm.start()


# ---- varnishd ------------------------------------------------------------

class Varnish:
    """varnishd in the foreground with its built-in default VCL (-b),
    listening on a free loopback port, the test Apache as backend."""

    def __init__(self, backend_port):
        self.dir = tempfile.mkdtemp(prefix="mod_cors_varnish_")
        os.chmod(self.dir, 0o755)
        self.backend_port = backend_port
        self.port = None
        self.proc = None
        self.out = os.path.join(self.dir, "varnishd.out")

    def start(self):
        for attempt in range(3):
            self.port = free_port()
            with open(self.out, "wb") as out:
                self.proc = subprocess.Popen(
                    [which("varnishd"), "-F",
                     "-a", "127.0.0.1:%d" % self.port,
                     "-b", "127.0.0.1:%d" % self.backend_port,
                     "-n", os.path.join(self.dir, "n"),
                     "-T", "127.0.0.1:0", "-s", "malloc,32m",
                     "-p", "thread_pools=1", "-p", "thread_pool_min=10",
                     "-p", "thread_pool_max=50"],
                    stdout=out, stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL)
            if wait_for(lambda: port_open(self.port)
                        or self.proc.poll() is not None, timeout=60):
                if self.proc.poll() is None:
                    return self
            stop_pid(self.proc)
        raise AssertionError("varnishd did not start:\n"
                             + PhpFpm.read(self.out))

    def stop(self):
        stop_pid(self.proc)
        shutil.rmtree(self.dir, ignore_errors=True)


# ---- TLS and HTTP/2 ------------------------------------------------------

def make_cert(directory, cn="127.0.0.1"):
    """A self-signed certificate and key made with openssl; (cert, key)."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-days", "2", "-subj", "/CN=%s" % cn,
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key, "-out", cert],
                   check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)
    os.chmod(key, 0o644)
    return cert, key


class H2Response:
    """What nghttp received for one stream: status, headers in order
    (duplicates kept), and the protocol it spoke."""

    def __init__(self, status, headers, body, raw):
        self.status = status
        self.headers = headers
        self.body = body
        self.raw = raw

    def get_all(self, name):
        name = name.lower()
        return [v for (n, v) in self.headers if n == name]

    def count(self, name):
        return len(self.get_all(name))

    def cors_headers(self):
        return [(n, v) for (n, v) in self.headers
                if n.startswith("access-control-")]

    def vary_tokens(self):
        out = []
        for v in self.get_all("vary"):
            out.extend(t.strip().lower() for t in v.split(",") if t.strip())
        return out

    def __repr__(self):
        return "<H2Response %s %r>" % (self.status, self.headers)


_RECV = re.compile(r"^\[\s*[\d.]+\] recv \(stream_id=(\d+)\) ([^:]*|:[a-z]+)"
                   r": (.*)$")


def nghttp(url, method="GET", headers=(), timeout=30):
    """One request with nghttp (h2c with prior knowledge for http://, h2
    over TLS with ALPN for https://); its response headers parsed from
    the -v frame log."""
    cmd = ["nghttp", "-v", "-n", "--no-dep", "-t", str(timeout),
           "-H", ":method: %s" % method]
    for n, v in headers:
        cmd += ["-H", "%s: %s" % (n, v)]
    cmd.append(url)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout + 30)
    raw = p.stdout.decode("utf-8", "replace")
    streams = {}
    for line in raw.splitlines():
        m = _RECV.match(line)
        if m:
            streams.setdefault(int(m.group(1)), []).append(
                (m.group(2).lower(), m.group(3)))
    assert p.returncode == 0 and streams, \
        "nghttp failed (rc %d):\n%s" % (p.returncode, raw[-3000:])
    sid = max(streams)
    hdrs = streams[sid]
    status = int(dict(hdrs)[":status"])
    return H2Response(status, [(n, v) for (n, v) in hdrs
                               if not n.startswith(":")], None, raw)


# ---- requests and assertions shared by the neighbour tests -----------------


#: headers a response may legitimately repeat
REPEATABLE = {"set-cookie", "via", "warning"}


def assert_single_headers(r):
    """Never a second copy of any header (internal redirects, subrequests,
    proxies, caches must not duplicate what mod_cors or others wrote)."""
    names = [n.lower() for (n, _) in r.headers]
    dups = sorted({n for n in names if names.count(n) > 1} - REPEATABLE)
    assert not dups, "duplicated %s in %r" % (dups, r.headers)


def assert_preflight_allowed(r, origin, method, acah=None, credentials=False,
                             max_age="7200", status=204):
    assert r.status == status, r
    assert r.get_all("Access-Control-Allow-Origin") == [origin], r.headers
    assert r.get_all("Access-Control-Allow-Methods") == [method], r.headers
    if acah is None:
        assert r.count("Access-Control-Allow-Headers") == 0, r.headers
    else:
        assert r.get_all("Access-Control-Allow-Headers") == [acah], r.headers
    assert r.get_all("Access-Control-Max-Age") == [max_age], r.headers
    assert r.get_all("Access-Control-Allow-Credentials") == (
        ["true"] if credentials else []), r.headers
    assert r.count("Vary") == 1, r.headers
    assert sorted(r.vary_tokens()) == PREFLIGHT_VARY, r.headers
    assert_single_headers(r)


def assert_preflight_refused(r, status=403):
    assert r.status == status, r
    allow = [(n, v) for (n, v) in r.headers
             if n.lower().startswith("access-control-allow-")]
    assert allow == [], r.headers
    assert r.count("Access-Control-Max-Age") == 0, r.headers
    assert sorted(r.vary_tokens()) == PREFLIGHT_VARY, r.headers
    assert_single_headers(r)


def example_path(name):
    from .env import REPO_ROOT
    return os.path.join(REPO_ROOT, "conf-examples", name)
