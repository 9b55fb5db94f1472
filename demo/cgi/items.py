#!/usr/bin/python3
"""CGI for /api/items: answers with the method, path and JSON body it got,
so the page can show that a preflighted PUT really reached the server."""
import json
import os
import sys

method = os.environ.get("REQUEST_METHOD", "")
length = int(os.environ.get("CONTENT_LENGTH") or 0)
raw = sys.stdin.buffer.read(length).decode("utf-8", "replace") if length else ""
try:
    body = json.loads(raw) if raw else None
except ValueError:
    body = raw

status = "200 OK"
answer = {
    "method": method,
    "path": os.environ.get("PATH_INFO", "") or "/",
    "content_type": os.environ.get("CONTENT_TYPE"),
    "received": body,
}
if method not in ("GET", "HEAD", "POST", "PUT", "DELETE"):
    status = "405 Method Not Allowed"
    answer = {"error": "method not allowed", "method": method}

sys.stdout.write("Status: %s\r\n" % status)
sys.stdout.write("Content-Type: application/json\r\n")
sys.stdout.write("Cache-Control: no-store\r\n\r\n")
if method != "HEAD":
    sys.stdout.write(json.dumps(answer) + "\n")
