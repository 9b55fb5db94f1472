#!/usr/bin/python3
"""CGI for /demo-admin/allow-origin: the refused page's "Allow this origin"
button.  It adds the page's origin to the API's CORSAllowOriginFile the way
an administrator should: a complete new file written beside the old one,
then renamed over it, so that no child of Apache ever reads half a file.
mod_cors picks the change up within CORSAllowOriginFileCheck (1 s here),
with no restart; the answer waits that long, then sends the browser back to
the page, whose calls now work.

Only the demo's refused origins (demo-config.json) may be added: this is a
demo on 127.0.0.1, not an API for editing the list."""
import json
import os
import sys
import time
from urllib.parse import parse_qs

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
LIST = os.path.join(ROOT, "lists", "cors-origins.txt")


def answer(status, text, location=None):
    out = ["Status: %s" % status, "Content-Type: text/plain",
           "Cache-Control: no-store"]
    if location:
        out.append("Location: %s" % location)
    sys.stdout.write("\r\n".join(out) + "\r\n\r\n" + text + "\n")


def main():
    if os.environ.get("REQUEST_METHOD") != "POST":
        answer("405 Method Not Allowed", "POST origin=... here")
        return
    length = int(os.environ.get("CONTENT_LENGTH") or 0)
    form = parse_qs(sys.stdin.read(min(length, 4096)))
    origin = (form.get("origin") or [""])[0]
    with open(os.path.join(ROOT, "page", "demo-config.json")) as f:
        cfg = json.load(f)
    may_add = ["http://%s:%d" % (h, cfg["refused_port"])
               for h in ("127.0.0.1", "localhost")]
    if origin not in may_add:
        answer("403 Forbidden", "only %s may be added" % " or ".join(may_add))
        return
    with open(LIST) as f:
        lines = f.read().splitlines()
    if origin not in lines:
        tmp = LIST + ".new"
        with open(tmp, "w") as f:
            f.write("\n".join(lines + [origin]) + "\n")
        os.replace(tmp, LIST)
    # Every child of Apache looks at the file at most once a second.
    time.sleep(1.2)
    answer("303 See Other", "added %s" % origin, origin + "/?added=1")


main()
