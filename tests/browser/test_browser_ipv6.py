"""docs/behaviour.md §1 in Chromium and Firefox ESR: an IPv6 origin,
however it is configured, is stored in the form the browser itself
serialises (`new URL(...).origin`, the URL Standard's IPv6 serializer),
so that the Origin header a browser sends can match it.  The page only
parses URLs; nothing is fetched from these addresses."""

import json

from harness.dump import section

#: configured spellings, dotted quads and uncompressed zeros among them
FORMS = [
    "http://[::ffff:127.0.0.1]", "http://[::ffff:7f00:1]",
    "http://[::0.1.0.2]", "http://[::1:2]", "http://[0:0:0:0:0:0:0:1]",
    "https://[0:0::1]", "http://[1:0::]", "http://[::127.0.0.1]",
    "https://[64:ff9b::192.0.2.33]",
    "https://[2001:0DB8:0000:0000:0000:0000:0000:0001]",
    "http://[2001:db8:0:0:1:0:0:1]", "http://[1:0:0:2:0:0:0:3]",
    "http://[1:2:3:4:5:6:7:0]", "http://[::ffff:127.0.0.1]:8080",
    "https://[::1]:443", "http://[::FFFF:0.0.0.0]",
]


def stored_forms(env):
    """What mod_cors stores for each form: one <Location> per form,
    read back from `apache2 -t -D DUMP_CORS`."""
    conf = "".join('<Location "/v6-%d/">\nCORSAllowOrigin %s\n</Location>\n'
                   % (i, f) for i, f in enumerate(FORMS))
    rc, out = env.check_config(conf, dump=True)
    assert rc == 0, out
    stored = []
    for i in range(len(FORMS)):
        body = section(out.splitlines(), '<Location "/v6-%d/">' % i)
        line = [ln for ln in body if ln.startswith("origins: ")]
        assert len(line) == 1, out
        stored.append(line[0][len("origins: "):])
    return stored


def test_ipv6_origin_stored_as_the_browser_serialises_it(site, browser):
    browser.open(site.page(site.page_origin))
    seen = browser.run("return %s.map((u) => new URL(u).origin);"
                       % json.dumps(FORMS))
    assert dict(zip(FORMS, stored_forms(site.env))) == dict(zip(FORMS, seen))
