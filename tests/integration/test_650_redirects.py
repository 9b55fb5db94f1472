"""docs/behaviour.md §3: internal redirects and subrequests with real
neighbours (CGI error documents, DirectoryIndex to SSI and CGI, chains of
redirects, mod_rewrite to a CGI, SSI including a CGI that sets its own
CORS headers): never a second copy of any header, and the policy of the
URL the browser asked for.  test_400_merge covers the plain cases
(DirectoryIndex to a file, ErrorDocument to a page, per-directory
rewrite, SSI of files, CGI local redirect); these add what each neighbour
brings.  Every MPM."""

import pytest

from harness.client import get, preflight
from harness.conf import CorsConf
from harness.neighbours import (assert_preflight_allowed,
                                assert_single_headers,
                                mpm_env)  # noqa: F401
from harness.neighbours import _mpm_crash_check  # noqa: F401
from harness.util import assert_allowed, assert_refused

A = "https://a.example"
B = "https://b.example"

CGI = {
    # an error document that is a CGI and sets its own CORS and Vary
    "errcgi/err.cgi": """#!/bin/sh
printf 'Content-Type: text/plain\\r\\n'
printf 'Access-Control-Allow-Origin: https://stale.example\\r\\n'
printf 'Access-Control-Allow-Credentials: true\\r\\n'
printf 'Vary: Accept-Language\\r\\n'
printf 'X-Err-Cgi: %s\\r\\n\\r\\n' "$REDIRECT_STATUS"
printf 'error document cgi for %s (%s)\\n' "$REDIRECT_URL" "$REDIRECT_STATUS"
""",
    # a CGI that fails: its 500 goes to an ErrorDocument
    "r5/fail.cgi": """#!/bin/sh
exit 1
""",
    # a DirectoryIndex that is a CGI
    "dircgi/index.cgi": """#!/bin/sh
printf 'Content-Type: text/plain\\r\\n'
printf 'Access-Control-Allow-Origin: *\\r\\n\\r\\n'
printf 'index cgi\\n'
""",
    # a DirectoryIndex CGI that redirects locally: two internal redirects
    "chain/index.cgi": """#!/bin/sh
printf 'Location: /other/target.txt\\r\\n\\r\\n'
""",
    # what the rewrite sends to
    "rwcgi/app.cgi": """#!/bin/sh
printf 'Content-Type: text/plain\\r\\n'
printf 'Access-Control-Allow-Origin: *\\r\\n\\r\\n'
printf 'app cgi path=%s\\n' "$PATH_INFO"
""",
    # included by SSI: sets CORS headers on its subrequest
    "ssi/part.cgi": """#!/bin/sh
printf 'Content-Type: text/plain\\r\\n'
printf 'Access-Control-Allow-Origin: *\\r\\n'
printf 'Vary: Cookie\\r\\n\\r\\n'
printf 'cgi part'
""",
}


class TestRedirectsWithNeighbours:

    @pytest.fixture(autouse=True, scope="class")
    def _conf(self, mpm_env):
        conf = CorsConf(mpm_env)
        for rel, text in CGI.items():
            conf.doc(rel, text, mode=0o755)
        for d in ("errcgi", "r5", "dircgi", "chain", "rwcgi", "ssi"):
            conf.directory(d, ["Options +ExecCGI +Includes",
                               "AddHandler cgi-script .cgi"])
        # policy A on what the browser asks for, B where redirects land
        conf.location("/e404/", ["CORSAllowOrigin %s" % A,
                                 "CORSExposeHeaders X-Err-Cgi",
                                 "ErrorDocument 404 /errcgi/err.cgi"])
        conf.location("/errcgi/", ["CORSAllowOrigin %s" % B,
                                   "CORSAllowCredentials On"])
        conf.location("/r5/", ["CORSAllowOrigin %s" % A,
                               "ErrorDocument 500 /other/500.html"])
        conf.location("/e403/", ["CORSAllowOrigin %s" % A,
                                 "Require all denied",
                                 "ErrorDocument 403 /errcgi/err.cgi"])
        conf.location("/other/", ["CORSAllowOrigin %s" % B,
                                  "CORSExposeHeaders X-Other"])
        conf.directory("dircgi", ["DirectoryIndex index.cgi"])
        conf.location("/dircgi/", ["CORSAllowOrigin %s" % A])
        conf.directory("chain", ["DirectoryIndex index.cgi"])
        conf.location("/chain/", ["CORSAllowOrigin %s" % A,
                                  "CORSAllowCredentials On"])
        conf.directory("dirssi", ["DirectoryIndex index.shtml"])
        conf.location("/dirssi/", ["CORSAllowOrigin %s" % A])
        conf.location("/ssi/", ["CORSAllowOrigin %s" % B])
        # mod_rewrite, per-directory, to a CGI in another scope
        conf.directory("rwdir", ["RewriteEngine On",
                                 "RewriteRule ^api/(.*)$ /rwcgi/app.cgi/$1"
                                 " [L]"])
        conf.location("/rwdir/", ["CORSAllowOrigin %s" % A,
                                  "CORSAllowMethods GET PUT"])
        conf.location("/rwcgi/", ["CORSAllowOrigin %s" % B])
        # mod_rewrite in server context, to a path in policy B's tree
        conf.add(["RewriteEngine On",
                  "RewriteRule ^/srvrw/(.*)$ /other/$1"])
        conf.location("/srvrw/", ["CORSAllowOrigin %s" % A])
        conf.doc("other/500.html", "custom 500\n")
        conf.doc("other/target.txt", "chain target\n")
        conf.doc("rwdir/placeholder", "")
        conf.doc("ssi/part.txt", "file part")
        conf.doc("dirssi/index.shtml",
                 '[<!--#include virtual="/ssi/part.txt" -->|'
                 '<!--#include virtual="/ssi/part.cgi" -->|'
                 '<!--#include virtual="/errcgi/err.cgi" -->]\n')
        for d in ("e404", "e403", "dircgi"):
            conf.doc("%s/x.txt" % d, "x\n")
        conf.start()

    # ErrorDocument to a CGI that sets its own CORS headers and Vary: the
    # CGI's body, one copy of each header, the asked URL's policy (A, no
    # credentials, its expose list), the CGI's Vary token merged
    @pytest.mark.parametrize("origin", [A, B, None])
    def test_cors_650_01(self, mpm_env, origin):
        r = get(mpm_env, "/e404/missing", origin)
        assert r.status == 404, r
        assert r.body == b"error document cgi for /e404/missing (404)\n"
        assert_single_headers(r)
        if origin == A:
            assert_allowed(r, A, expose="X-Err-Cgi", vary=False)
        else:
            assert r.cors_headers() == [], r.headers
        assert sorted(r.vary_tokens()) == ["accept-language", "origin"]

    # ErrorDocument 403 to the same CGI for a request Require refused
    def test_cors_650_02(self, mpm_env):
        r = get(mpm_env, "/e403/x.txt", A)
        assert r.status == 403, r
        assert r.body.startswith(b"error document cgi for /e403/x.txt")
        assert_allowed(r, A, vary=False)
        assert_single_headers(r)
        assert_refused(get(mpm_env, "/e403/x.txt", B), vary=False)

    # a failing CGI whose 500 is an ErrorDocument page in policy B's scope
    @pytest.mark.parametrize("origin", [A, B])
    def test_cors_650_03(self, mpm_env, origin):
        r = get(mpm_env, "/r5/fail.cgi", origin)
        assert r.status == 500, r
        assert r.body == b"custom 500\n"
        assert_single_headers(r)
        if origin == A:
            assert_allowed(r, A)
        else:
            assert_refused(r)

    # DirectoryIndex to a CGI that sets "*": the directory's policy
    @pytest.mark.parametrize("origin", [A, B])
    def test_cors_650_04(self, mpm_env, origin):
        r = get(mpm_env, "/dircgi/", origin)
        assert r.status == 200 and r.body == b"index cgi\n", r
        if origin == A:
            assert_allowed(r, A)
        else:
            assert_refused(r)

    # two internal redirects (DirectoryIndex, then the CGI's local
    # Location) landing in policy B's scope: still /chain/'s policy
    @pytest.mark.parametrize("origin", [A, B])
    def test_cors_650_05(self, mpm_env, origin):
        r = get(mpm_env, "/chain/", origin)
        assert r.status == 200 and r.body == b"chain target\n", r
        if origin == A:
            assert_allowed(r, A, credentials=True)
        else:
            assert_refused(r)

    # DirectoryIndex to an SSI page whose subrequests include a file and
    # two CGIs that set their own CORS headers: nothing of theirs leaks,
    # one copy of each header, /dirssi/'s policy
    @pytest.mark.parametrize("origin", [A, B])
    def test_cors_650_06(self, mpm_env, origin):
        r = get(mpm_env, "/dirssi/", origin)
        assert r.status == 200, r
        assert r.body.startswith(b"[file part|cgi part|error document cgi"), \
            r.body
        assert_single_headers(r)
        if origin == A:
            assert_allowed(r, A)
        else:
            assert_refused(r)
        assert r.count("X-Err-Cgi") == 0, r.headers

    # mod_rewrite (per-directory) to a CGI in policy B's scope: /rwdir/'s
    # policy, the CGI's "*" replaced
    @pytest.mark.parametrize("origin", [A, B])
    def test_cors_650_07(self, mpm_env, origin):
        r = get(mpm_env, "/rwdir/api/items", origin)
        assert r.status == 200, r
        assert r.body == b"app cgi path=/items\n"
        assert_single_headers(r)
        if origin == A:
            assert_allowed(r, A)
        else:
            assert_refused(r)

    # a preflight to a rewritten URL: answered with /rwdir/'s policy
    # (PUT allowed there, not under /rwcgi/), the CGI never runs
    def test_cors_650_08(self, mpm_env):
        r = preflight(mpm_env, "/rwdir/api/items", A, "PUT")
        assert_preflight_allowed(r, A, "PUT")
        assert r.body == b""

    # a preflight to a missing URL with an ErrorDocument: 204, not the
    # error document
    def test_cors_650_09(self, mpm_env):
        r = preflight(mpm_env, "/e404/missing", A, "GET")
        assert_preflight_allowed(r, A, "GET")
        assert r.body == b""

    # mod_rewrite in server context (no [PT]): the file comes from policy
    # B's tree, the policy is that of /srvrw/, the URL asked for
    @pytest.mark.parametrize("origin", [A, B])
    def test_cors_650_10(self, mpm_env, origin):
        r = get(mpm_env, "/srvrw/target.txt", origin)
        assert r.status == 200 and r.body == b"chain target\n", r
        assert_single_headers(r)
        if origin == A:
            assert_allowed(r, A)
        else:
            assert_refused(r)
