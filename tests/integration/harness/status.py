"""mod_status's page and mod_cors's counters on it (docs/behaviour.md §5)."""

import re

from .client import get


def server_status(server, query="", host=None):
    """The text of /server-status (query "?auto": the machine-readable
    form) from server (a test env, or a port number); fails unless 200."""
    r = get(server, "/server-status" + query, host=host)
    body = r.body.decode("utf-8", "replace")
    assert r.status == 200, body[:500]
    return body


def parse_auto(text):
    """{host: {counter: n}} from ?auto lines."""
    out = {}
    for m in re.finditer(r"^CORS(\w+)\[([^\]]*)\]: (\d+)$", text, re.M):
        out.setdefault(m.group(2), {})[m.group(1)] = int(m.group(3))
    return out


def counter_sums(server):
    """{counter: n} of mod_cors's counters, summed over the servers."""
    out = {}
    for counters in parse_auto(server_status(server, "?auto")).values():
        for name, n in counters.items():
            out[name] = out.get(name, 0) + n
    return out


def parse_html(text):
    """{host: {counter: n}} from the mod_cors table of the HTML page."""
    at = text.find("<h2>mod_cors</h2>")
    assert at >= 0, text[-2000:]
    table = text[at:text.index("</table>", at)]
    heads = re.findall(r"<th>([^<]*)</th>", table)
    assert heads[0] == "Server", heads
    out = {}
    for row in re.findall(r"<tr><td>(.*?)</tr>", table):
        cells = re.findall(r"([^<>]+)</td>", "<td>" + row)
        out[cells[0]] = {h: int(c) for h, c in zip(heads[1:], cells[1:])}
    return out
