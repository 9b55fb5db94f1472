"""Parsing the output of `apache2 -t -D DUMP_CORS`
(env.check_config(text, dump=True))."""


def dump_blocks(out):
    """{header line: [body lines]} for the servers of a DUMP_CORS output,
    each server's body holding its sections as indented lines."""
    blocks, cur = {}, None
    for ln in out.splitlines():
        if ln.startswith("main server ") or ln.startswith("virtual host "):
            cur = ln
            blocks[cur] = []
        elif cur is not None and ln.startswith("  "):
            blocks[cur].append(ln)
    return blocks


def section(lines, header):
    """The lines of one section (from its <...> header to the next line
    at the same or a smaller indent)."""
    for i, ln in enumerate(lines):
        if ln.strip() == header:
            indent = len(ln) - len(ln.lstrip())
            body = []
            for nxt in lines[i + 1:]:
                if len(nxt) - len(nxt.lstrip()) <= indent:
                    break
                body.append(nxt.strip())
            return body
    raise AssertionError("no section %s in:\n%s" % (header,
                                                    "\n".join(lines)))


def policy_fields(body):
    """'name: value' lines of a policy (only the directly listed ones)."""
    out = {}
    for ln in body:
        ln = ln.strip()
        if ln.startswith("<"):
            break
        if ": " in ln:
            k, v = ln.split(": ", 1)
            out[k] = v
    return out
