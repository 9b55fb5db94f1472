"""Reading what httpd logged during a test: the error log's lines with a
tag (CORS0002, CORS0004, ...) since the test began, the start-up warnings
of an `apache2 -t` run, and the lines of an access log of its own."""

import os
import time


def tagged_lines(env, tag, timeout=5.0, want=1):
    """The error log lines with tag since the test began (waits a little
    for want of them: a child writes its line before it answers, but a
    busy machine may schedule the write late)."""
    deadline = time.time() + timeout
    while True:
        lines = [ln for ln in env.read_log(env.log_mark).splitlines()
                 if tag in ln]
        if len(lines) >= want or time.time() > deadline:
            return lines
        time.sleep(0.05)


def one_line(env, tag, *needles):
    """The single line with tag that contains every needle."""
    lines = tagged_lines(env, tag)
    hits = [ln for ln in lines if all(n in ln for n in needles)]
    assert len(hits) == 1, "want one %s line with %r, got:\n%s" % (
        tag, needles, "\n".join(lines))
    return hits[0]


def no_line(env, tag, settle=0.3):
    """No line with tag since the test began (after settle seconds)."""
    time.sleep(settle)
    lines = tagged_lines(env, tag, timeout=0)
    assert lines == [], "\n".join(lines)


# The start-up warnings' log tags, one per message family, as the README's
# log tags list them: a value's warnings (per kind of problem), then the
# two that only merging sections reveals.  CORS0001, which they all carried
# before, is retired.
STARTUP_WARNINGS = {
    "null": "CORS0040",
    "public-suffix": "CORS0041",
    "insecure": "CORS0042",
    "regex-dot": "CORS0043",
    "regex-catch-all": "CORS0044",
    "method-unknown": "CORS0045",
    "max-age": "CORS0046",
    "merged-conflict": "CORS0047",
    "inherited-insecure": "CORS0048",
}


def warning_family(line):
    """The family of a start-up warning line (a key of STARTUP_WARNINGS),
    or None."""
    for family, tag in STARTUP_WARNINGS.items():
        if tag + ": " in line:
            return family
    return None


def cors_warnings(text, family=None):
    """mod_cors's start-up warnings in the output of `apache2 -t` (or a
    log), all of them or those of one family."""
    return [ln for ln in text.splitlines()
            if warning_family(ln) is not None
            and (family is None or warning_family(ln) == family)]


class OwnAccessLog:
    """A test class whose configuration writes the access log LOG (in the
    env's logs directory)."""

    LOG = None

    def _line(self, env, marker):
        ln = env.access_log_line(marker,
                                 path=os.path.join(env.logs_dir, self.LOG))
        assert ln is not None, marker
        return ln
