"""docs/behaviour.md §3 "Errors raised before the policy is fully known":
httpd fails these requests while it still works out which sections apply,
and they carry the CORS headers of the sections matched as far as it got:
- while decoding the URL (an encoded slash, a malformed escape, an encoded
  NUL): the <Location> sections whose path is a prefix of the URL as sent;
- while walking the directories (a broken .htaccess, a symbolic link the
  Options refuse): the <Directory> sections matched before the failure;
- the virtual host's policy when none of those has one.
Errors raised while httpd still reads the request stay outside the
promise."""

import os
import socket

import pytest

from harness.client import get
from harness.conf import CorsConf
from harness.util import assert_allowed, assert_refused

APP = "https://app.example.com"
DIR = "https://dir.example.com"
HOST = "https://host.example.com"
EVIL = "https://evil.example.net"


class TestEarlyErrors:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, cors_env):
        conf = CorsConf(cors_env)
        conf.add("CORSAllowOrigin %s" % HOST)
        conf.location("/api/", ["CORSAllowOrigin %s" % APP])
        conf.directory("dirpol", ["CORSAllowOrigin %s" % DIR,
                                  "AllowOverride FileInfo"])
        conf.directory("dirpol/nosym", ["Options -FollowSymLinks"])
        conf.doc("api/x.txt", "x\n")
        conf.doc("dirpol/ok/x.txt", "x\n")
        conf.doc("dirpol/nosym/real/s.txt", "s\n")
        conf.htaccess("dirpol/broken", "NoSuchDirectiveHere on\n")
        conf.doc("dirpol/broken/x.txt", "x\n")
        conf.start()
        link = os.path.join(cors_env.htdocs, "dirpol", "nosym", "link")
        if not os.path.lexists(link):
            os.symlink(os.path.join(cors_env.htdocs, "dirpol", "nosym",
                                    "real"), link)

    # while decoding the URL: the <Location> of the URL as sent
    @pytest.mark.parametrize("path,status", [
        ("/api/a%2Fb", 404),   # AllowEncodedSlashes Off
        ("/api/%zz", 400),     # not an escape
        ("/api/a%00b", 404),   # an encoded NUL
    ])
    def test_cors_520_01(self, cors_env, path, status):
        r = get(cors_env, path, APP)
        assert r.status == status, r
        assert_allowed(r, APP)
        r = get(cors_env, path, EVIL)
        assert r.status == status, r
        assert_refused(r)

    # outside any <Location> with a policy: the virtual host's
    @pytest.mark.parametrize("path,status", [
        ("/other/a%2Fb", 404), ("/other/%zz", 400), ("/a%00b", 404)])
    def test_cors_520_02(self, cors_env, path, status):
        r = get(cors_env, path, HOST)
        assert r.status == status, r
        assert_allowed(r, HOST)
        assert_refused(get(cors_env, path, APP))

    # while walking the directories: the <Directory> matched before the
    # failure, for a broken .htaccess (500) and a refused symlink (403)
    @pytest.mark.parametrize("path,status", [
        ("/dirpol/broken/x.txt", 500), ("/dirpol/nosym/link/s.txt", 403)])
    def test_cors_520_03(self, cors_env, path, status):
        r = get(cors_env, path, DIR)
        assert r.status == status, r
        assert_allowed(r, DIR)
        r = get(cors_env, path, HOST)
        assert r.status == status, r
        assert_refused(r)

    # the same directory serves as usual with its policy
    def test_cors_520_04(self, cors_env):
        r = get(cors_env, "/dirpol/ok/x.txt", DIR)
        assert r.status == 200, r
        assert_allowed(r, DIR)

    # still outside the promise: an error while httpd reads the request
    # (a header line without a colon: 400) gets no CORS headers
    def test_cors_520_05(self, cors_env):
        s = socket.create_connection(("127.0.0.1", cors_env.port),
                                     timeout=15)
        try:
            s.sendall(b"GET /api/x.txt HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      b"Origin: " + APP.encode() + b"\r\n"
                      b"this line has no colon\r\n"
                      b"Connection: close\r\n\r\n")
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            s.close()
        head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
        assert head.startswith("HTTP/1.1 400"), head
        assert "access-control-" not in head.lower(), head
