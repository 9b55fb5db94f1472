#!/usr/bin/python3
"""CGI for /api/session: reports the demo cookie the browser sent and sets
one when there was none.  With fetch(..., {credentials: 'include'}) the
second call shows the cookie coming back; without it, none is ever sent."""
import json
import os
import secrets
import sys
from http.cookies import SimpleCookie

cookies = SimpleCookie(os.environ.get("HTTP_COOKIE", ""))
received = cookies["demo_session"].value if "demo_session" in cookies else None

headers = ["Content-Type: application/json", "Cache-Control: no-store"]
new = None
if received is None:
    new = secrets.token_hex(8)
    # Page and API are on 127.0.0.1 (or both on localhost): the same site,
    # whatever the port, so a SameSite=Lax cookie goes along.
    headers.append("Set-Cookie: demo_session=%s; Path=/; HttpOnly; "
                   "SameSite=Lax" % new)

sys.stdout.write("\r\n".join(headers) + "\r\n\r\n")
sys.stdout.write(json.dumps({
    "cookie_received": received,
    "cookie_set": new,
    "note": "call again: the browser sends the cookie back" if new else
            "the browser sent the cookie it got earlier",
}) + "\n")
