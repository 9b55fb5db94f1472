"""Raw HTTP/1.1 client: any method, any header bytes (repeated headers
kept in order), and a response whose headers stay an ordered list with
duplicates, so that two Access-Control-Allow-Origin lines are visible."""

import http.client
import socket
import time


class Response:

    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        #: [(name, value)] in wire order, duplicates kept
        self.headers = headers
        self.body = body

    def get_all(self, name):
        name = name.lower()
        return [v for (n, v) in self.headers if n.lower() == name]

    def count(self, name):
        return len(self.get_all(name))

    def header(self, name):
        """The single value of name, None when absent; fails on duplicates."""
        values = self.get_all(name)
        assert len(values) <= 1, "%s sent %d times: %r" % (
            name, len(values), values)
        return values[0] if values else None

    def names(self):
        return [n.lower() for (n, _) in self.headers]

    def cors_headers(self):
        return [(n, v) for (n, v) in self.headers
                if n.lower().startswith("access-control-")]

    def vary_tokens(self):
        """Every Vary token, lowercased, over all Vary lines."""
        out = []
        for v in self.get_all("Vary"):
            out.extend(t.strip().lower() for t in v.split(",") if t.strip())
        return out

    def __repr__(self):
        return "<Response %d %r>" % (self.status, self.headers)


def _b(x):
    if isinstance(x, bytes):
        return x
    return str(x).encode("latin-1")


def request(port, method="GET", path="/", headers=None, body=None,
            host="127.0.0.1", timeout=15):
    """Send one request on a fresh connection and read the response.

    headers: a list of (name, value) pairs (or a dict); names and values may
    be str (latin-1) or bytes and are sent exactly as given."""
    if headers is None:
        headers = []
    elif isinstance(headers, dict):
        headers = list(headers.items())
    hdr_names = [_b(n).lower() for (n, _) in headers]
    lines = [_b(method) + b" " + _b(path) + b" HTTP/1.1"]
    if b"host" not in hdr_names:
        lines.append(b"Host: " + _b(host))
    for (n, v) in headers:
        lines.append(_b(n) + b": " + _b(v))
    if body is not None:
        body = _b(body)
        if b"content-length" not in hdr_names:
            lines.append(b"Content-Length: %d" % len(body))
    lines.append(b"Connection: close")
    raw = b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        sock.sendall(raw)
        resp = http.client.HTTPResponse(sock, method=method.upper()
                                        if method.upper() == "HEAD"
                                        else method)
        resp.begin()
        data = resp.read()
        hdrs = list(resp.getheaders())
        return Response(resp.status, resp.reason, hdrs, data)
    finally:
        sock.close()


def _send(server, method, path, named, extra, host, **kw):
    """request() to server (a test env, or a port number) with the named
    (header, value) pairs whose value is not None, then the extra pairs and
    Host."""
    hdrs = [(n, v) for (n, v) in named if v is not None]
    hdrs.extend(extra)
    if host:
        hdrs.append(("Host", host))
    return request(getattr(server, "port", server), method, path, hdrs, **kw)


def get(server, path, origin=None, method="GET", extra=(), host=None, **kw):
    """An actual request (GET unless method says otherwise) to server (a
    test env, or a port number): Origin unless it is None, then the extra
    (name, value) pairs and Host; body= and timeout= go to request()."""
    return _send(server, method, path, [("Origin", origin)], extra, host,
                 **kw)


def get_cached(server, path, origin=None, extra=()):
    """get(), then, after a cache miss (X-Cache from mod_cache's
    CacheHeader), a pause: mod_cache_disk commits the entry after the last
    byte went out, and the next request would race the commit."""
    r = get(server, path, origin, extra=extra)
    if any(v.startswith("MISS") for v in r.get_all("X-Cache")):
        time.sleep(0.4)
    return r


def preflight(server, path, origin, method="PUT", req_headers=None, extra=(),
              host=None, **kw):
    """An OPTIONS preflight to server (a test env, or a port number):
    Origin, Access-Control-Request-Method and
    Access-Control-Request-Headers, each left out when None, then the extra
    (name, value) pairs and Host; body= and timeout= go to request()."""
    return _send(server, "OPTIONS", path,
                 [("Origin", origin),
                  ("Access-Control-Request-Method", method),
                  ("Access-Control-Request-Headers", req_headers)],
                 extra, host, **kw)
