"""A deliberately wrong CORS server: Python's http.server on 127.0.0.1 and
a free port (plain or over TLS), in a thread of the test process.  Each path is one mistake
seen in the wild (or, for /w/ok, none); the query string is ignored, so
every caller can make its URL unique.

The server is told the page origin it should (mis)answer and the base URL
of a second API origin to redirect to."""

import http.server
import threading

SAFE_BODY = b'{"from": "wrong server"}\n'


class WrongServer:

    def __init__(self, page_origin, other_base, tls=None):
        self.page = page_origin
        self.other = other_base
        # (method, path with query, {header: value}) of every request
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                path, _, query = self.path.partition("?")
                server.requests.append((self.command, self.path,
                                        dict(self.headers.items())))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                status, headers, body = server.answer(
                    self.command, path, self.headers, query)
                if self.command == "HEAD":
                    body = b""
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = _any
            do_DELETE = do_OPTIONS = _any

            def log_message(self, *args):
                pass

        # fetch() keeps a lowercase "patch" as it is
        setattr(Handler, "do_patch", Handler._any)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        scheme = "http"
        if tls is not None:
            # tls: (certificate file, key file)
            import ssl
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(*tls)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket,
                                                server_side=True)
            scheme = "https"
        self.origin = "%s://127.0.0.1:%d" % (scheme, self.port)
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    # ---- the behaviours ----------------------------------------------------

    def answer(self, method, path, req, query=""):
        """(status, [(name, value)...], body) for one request; redirects
        to this server keep the query, so that a test can follow its own
        requests."""
        page = self.page
        preflight = (method == "OPTIONS"
                     and req.get("Access-Control-Request-Method"))
        acrh = req.get("Access-Control-Request-Headers", "")
        acrm = req.get("Access-Control-Request-Method", "")
        name = path[len("/w/"):] if path.startswith("/w/") else ""
        json_type = [("Content-Type", "application/json")]
        vary = [("Vary", "Origin")]
        ok_pf = [("Access-Control-Allow-Origin", page),
                 ("Access-Control-Allow-Methods", acrm),
                 ("Access-Control-Allow-Headers", acrh)] + vary

        def pf(headers, status=204):
            return status, headers, b""

        def actual(headers, status=200):
            return status, json_type + headers, SAFE_BODY

        # -- the actual response: Access-Control-Allow-Origin and friends
        if name == "ok":
            return pf(ok_pf) if preflight else actual(
                [("Access-Control-Allow-Origin", page)] + vary)
        if name == "two-acao":
            return actual([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Origin", page)] + vary)
        if name == "acao-list":
            return actual([("Access-Control-Allow-Origin",
                            page + ", " + self.other)] + vary)
        if name == "acao-space-list":
            return actual([("Access-Control-Allow-Origin",
                            page + " " + self.other)] + vary)
        if name == "slash":
            return actual([("Access-Control-Allow-Origin", page + "/")]
                          + vary)
        if name == "upper":
            return actual([("Access-Control-Allow-Origin",
                            page.upper())] + vary)
        if name == "star":
            return actual([("Access-Control-Allow-Origin", "*")])
        if name == "star-cred":
            return actual([("Access-Control-Allow-Origin", "*"),
                           ("Access-Control-Allow-Credentials", "true")])
        if name == "cred-True":
            return actual([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Credentials", "True")]
                          + vary)
        if name == "cred-missing":
            return actual([("Access-Control-Allow-Origin", page)] + vary)
        if name == "cred-two":
            return actual([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Credentials", "true"),
                           ("Access-Control-Allow-Credentials", "true")]
                          + vary)
        if name == "null":
            return actual([("Access-Control-Allow-Origin", "null")] + vary)
        if name == "echo-ok":
            echo = req.get("Origin", "")
            if preflight:
                return pf([("Access-Control-Allow-Origin", echo),
                           ("Access-Control-Allow-Methods", acrm),
                           ("Access-Control-Allow-Headers", acrh)] + vary)
            return actual([("Access-Control-Allow-Origin", echo)] + vary)
        if name == "null-ok":
            if preflight:
                return pf([("Access-Control-Allow-Origin", "null"),
                           ("Access-Control-Allow-Methods", acrm),
                           ("Access-Control-Allow-Headers", acrh)] + vary)
            return actual([("Access-Control-Allow-Origin", "null")] + vary)
        if name == "no-vary":
            return actual([("Access-Control-Allow-Origin", page)])
        if name == "404-acao":
            return actual([("Access-Control-Allow-Origin", page)] + vary,
                          404)
        if name == "500-no-acao":
            return actual([], 500)

        # -- preflights
        if name == "pf401":
            if preflight:
                return pf(ok_pf + [("WWW-Authenticate",
                                    'Basic realm="api"')], 401)
            return actual([("Access-Control-Allow-Origin", page)] + vary)
        if name == "pf-redirect":
            if preflight:
                return pf(ok_pf + [("Location", "/w/ok")], 302)
            return actual([("Access-Control-Allow-Origin", page)] + vary)
        if name == "pf-no-acah":
            if preflight:
                return pf([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Methods", "PUT"),
                           ("Access-Control-Allow-Headers", "content-type")]
                          + vary)
            return actual([("Access-Control-Allow-Origin", page)] + vary)
        if name == "pf-no-acam":
            if preflight:
                return pf([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Headers", "Content-Type")]
                          + vary)
            return actual([("Access-Control-Allow-Origin", page)] + vary)
        if name == "pf-acam-lower":
            if preflight:
                return pf([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Methods", "put, patch")]
                          + vary)
            return actual([("Access-Control-Allow-Origin", page)] + vary)
        if name == "pf-star":
            if preflight:
                return pf([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Credentials", "true"),
                           ("Access-Control-Allow-Methods", "*"),
                           ("Access-Control-Allow-Headers", "*")] + vary)
            return actual([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Credentials", "true")]
                          + vary)
        if name == "pf-acah-bad":
            if preflight:
                return pf([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Headers",
                            "x-custom, (bad)")] + vary)
            return actual([("Access-Control-Allow-Origin", page)] + vary)
        if name == "pf-acah-sloppy":
            if preflight:
                return pf([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Headers",
                            " X-Custom ,, ,Content-Type,")] + vary)
            return actual([("Access-Control-Allow-Origin", page)] + vary)
        if name == "pf-acah-two":
            if preflight:
                return pf([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Headers", "x-custom"),
                           ("Access-Control-Allow-Headers", "content-type")]
                          + vary)
            return actual([("Access-Control-Allow-Origin", page)] + vary)
        if name == "pf-star-acao":
            if preflight:
                return pf([("Access-Control-Allow-Origin", "*"),
                           ("Access-Control-Allow-Credentials", "true"),
                           ("Access-Control-Allow-Headers", "x-custom")])
            return actual([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Credentials", "true")]
                          + vary)
        if name == "pf-no-acac":
            if preflight:
                return pf([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Headers", "x-custom")]
                          + vary)
            return actual([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Credentials", "true")]
                          + vary)

        # -- redirects of the actual request
        if name.startswith("redirect-"):
            target = {
                "redirect-other-no-acao": self.other + "/o/star/data.json",
                "redirect-other-star": self.other + "/o/star/data.json",
                "redirect-other-page": self.other + "/o/page/data.json",
                "redirect-other-null": self.other + "/o/null/data.json",
                "redirect-same": "/w/ok",
                "redirect-to-page": page + "/index.html",
                "redirect-307": "/w/ok",
                "redirect-303": "/w/ok",
                # the same server under another name: another origin
                "redirect-localhost-auth":
                    "http://localhost:%d/w/null-ok" % self.port,
                "redirect-localhost-echo":
                    "http://localhost:%d/w/echo-ok" % self.port,
            }.get(name)
            if target is None:
                return 404, [], b""
            if query and "/w/" in target:
                target += "?" + query
            headers = [("Location", target)]
            if name != "redirect-other-no-acao":
                headers += [("Access-Control-Allow-Origin", page)] + vary
            if preflight:
                return pf(ok_pf)
            return {"redirect-307": 307, "redirect-303": 303,
                    "redirect-localhost-auth": 307,
                    "redirect-localhost-echo": 307}.get(name, 302), \
                headers, b""

        # -- what JavaScript can read
        extra = [("X-A", "a"), ("X-B", "b"), ("X-C", "c"),
                 ("Set-Cookie", "s=1; path=/")]
        if name == "expose":
            return actual([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Expose-Headers", "X-A, x-b")]
                          + vary + extra)
        if name == "expose-star":
            return actual([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Allow-Credentials", "true"),
                           ("Access-Control-Expose-Headers", "*")]
                          + vary + extra)
        if name == "expose-bad":
            return actual([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Expose-Headers", "X-A, (bad)")]
                          + vary + extra)
        if name == "expose-set-cookie":
            return actual([("Access-Control-Allow-Origin", page),
                           ("Access-Control-Expose-Headers",
                            "Set-Cookie, X-C")] + vary + extra)
        return 404, [("Content-Type", "text/plain")], b"no such case\n"
