"""docs/behaviour.md §5: `apache2 -t -D DUMP_CORS` prints every server,
virtual host and section that has a policy, merged, and notes where
preflights take the fast path; without -D DUMP_CORS nothing of it."""

import os
import re

import pytest

from harness.dump import dump_blocks, policy_fields, section
from harness.env import REPO_ROOT

APP = "https://app.example.com"


# ---- 5. DUMP_CORS ---------------------------------------------------------

class TestDumpCors:
    """apache2 -t -D DUMP_CORS: every server, virtual host and section
    with a policy, merged; the fast-path note."""

    def _full_conf(self, env):
        d = env.docroot_path("static")
        return "\n".join([
            "CORSAllowOrigin %s" % APP,
            "CORSAllowCredentials On",
            '<Location "/api/">',
            "    CORSAllowOrigin +https://*.example.org",
            '    CORSAllowOriginMatch "^https://pr-[0-9]+\\.preview\\.'
            'example\\.net$"',
            "    CORSAllowMethods GET PUT PATCH",
            "    CORSAllowHeaders Content-Type X-Api-Key",
            "    CORSExposeHeaders X-Request-Id",
            "    CORSMaxAge 600",
            "    CORSPreflight continue",
            "</Location>",
            '<Location "/nocors/">',
            "    Header set X-Nothing 1",
            "</Location>",
            '<Directory "%s">' % d,
            "    CORSAllowOrigin https://cdn.example.com",
            "    CORSAllowCredentials Off",
            '    <Files "*.txt">',
            "        CORSMaxAge 60",
            "    </Files>",
            "</Directory>",
            "<VirtualHost 127.0.0.1:%d>" % env.port,
            "    ServerName vh.test",
            "    CORSAllowOrigin https://vh-app.example.com",
            "    CORSAllowCredentials Off",
            "    CORSPreflightStatus 200",
            "    CORSAllowPrivateNetwork On",
            "</VirtualHost>",
            "<VirtualHost 127.0.0.1:%d>" % env.port,
            "    ServerName shadow.test",
            "    CORSShadow On",
            "    CORSDebugHeader On",
            "</VirtualHost>",
        ]) + "\n"

    @pytest.fixture(scope="class")
    def dump(self, cors_env):
        rc, out, err = cors_env.check_config_split(self._full_conf(cors_env),
                                                   dump=True)
        assert rc == 0, out + err
        assert "Syntax OK" in err + out
        return out

    # every server and virtual host is listed
    def test_cors_700_60(self, dump):
        blocks = dump_blocks(dump)
        names = list(blocks)
        assert any(n.startswith("main server") for n in names), dump
        assert any(n.startswith("virtual host vh.test") for n in names), dump
        assert any(n.startswith("virtual host shadow.test")
                   for n in names), dump

    # a virtual host is named with the address it listens on, not ":0"
    # (the ServerName has no port; DUMP_VHOSTS shows 127.0.0.1:PORT)
    def test_cors_700_69(self, cors_env, dump):
        heads = [n for n in dump_blocks(dump) if n.startswith("virtual")]
        assert heads, dump
        for n in heads:
            assert ":0 " not in n, n
            assert str(cors_env.port) in n, n

    # the main server's own policy with every field
    def test_cors_700_61(self, dump):
        main = [v for k, v in dump_blocks(dump).items()
                if k.startswith("main server")][0]
        f = policy_fields(main)
        assert f.get("CORS") == "on", main
        assert f.get("origins") == APP, main
        assert f.get("origin patterns") == "none", main
        assert f.get("credentials") == "on", main
        assert f.get("methods") == "GET, HEAD, POST (default)", main
        assert f.get("allow headers") == "none", main
        assert f.get("expose headers") == "none", main
        assert f.get("max-age") == "7200", main
        assert f.get("preflight") == "handle, status 204", main

    # the Location merged over the server: +origin, pattern, methods,
    # headers, expose, max-age, preflight mode, inherited credentials
    def test_cors_700_62(self, dump):
        main = [v for k, v in dump_blocks(dump).items()
                if k.startswith("main server")][0]
        f = policy_fields(section(main, '<Location "/api/">'))
        assert APP in f["origins"] and "https://*.example.org" in \
            f["origins"], f
        assert f["origin patterns"] == \
            "^https://pr-[0-9]+\\.preview\\.example\\.net$", f
        assert f["credentials"] == "on", f
        assert re.sub(r"\s", "", f["methods"]) == "GET,PUT,PATCH", f
        assert re.sub(r"\s", "", f["allow headers"]) == \
            "Content-Type,X-Api-Key", f
        assert f["expose headers"] == "X-Request-Id", f
        assert f["max-age"] == "600", f
        assert f["preflight"].startswith("continue"), f

    # a <Directory> and the <Files> nested in it, each merged
    def test_cors_700_63(self, cors_env, dump):
        main = [v for k, v in dump_blocks(dump).items()
                if k.startswith("main server")][0]
        d = '<Directory "%s/">' % cors_env.docroot_path("static")
        body = section(main, d)
        f = policy_fields(body)
        assert f["origins"] == "https://cdn.example.com", body
        assert f["credentials"] == "off", body
        assert f["max-age"] == "7200", body
        files = policy_fields(section(main, '<Files "*.txt">'))
        assert files["origins"] == "https://cdn.example.com", files
        assert files["max-age"] == "60", files

    # a section without any CORS directive is not listed
    def test_cors_700_64(self, dump):
        assert '"/nocors/"' not in dump, dump

    # virtual hosts: their own policy, flags shown
    def test_cors_700_65(self, dump):
        vh = [v for k, v in dump_blocks(dump).items()
              if k.startswith("virtual host vh.test")][0]
        f = policy_fields(vh)
        assert f["origins"] == "https://vh-app.example.com", vh
        assert f["credentials"] == "off", vh
        assert f["preflight"] == "handle, status 200", vh
        assert f["private network"].startswith("on"), vh
        sh = [v for k, v in dump_blocks(dump).items()
              if k.startswith("virtual host shadow.test")][0]
        f = policy_fields(sh)
        # inherits the main server's origins, adds shadow and debug
        assert f["origins"] == APP, sh
        assert "debug header: on" in f["private network"], sh
        assert "shadow: on" in f["private network"], sh

    # fast path: where a preflight is answered before the directory walk
    @pytest.mark.parametrize("extra,note", [
        ("", "for every URL"),
        # a policy in a <Location> is no reason to walk the directories
        ('<Location "/x/">\n    CORSMaxAge 5\n</Location>\n',
         "for every URL"),
        # .htaccess files: the URLs mapped under that directory only
        ('<Directory "{docroot}/wp">\n    AllowOverride FileInfo\n'
         '</Directory>\n', "except:"),
        ('<Directory "{docroot}/wp">\n'
         '    AllowOverrideList CORSAllowOrigin\n</Directory>\n', "except:"),
    ])
    def test_cors_700_66(self, cors_env, extra, note):
        text = "CORSAllowOrigin %s\n" % APP + extra.format(
            docroot=cors_env.htdocs)
        rc, out, err = cors_env.check_config_split(text, dump=True)
        assert rc == 0, out + err
        main = [v for k, v in dump_blocks(out).items()
                if k.startswith("main server")][0]
        assert "  fast path: preflights are answered before the directory " \
            "walk, %s" % note in main, out
        if note == "except:":
            assert '    under <Directory "%s/wp/"> (.htaccess files are ' \
                'read there)' % cors_env.htdocs in main, out

    # each server has a plan of its own, also a virtual host that sets no
    # mod_cors directive (httpd would otherwise hand it the main server's
    # state): the vhost's Alias is the vhost's exception only
    def test_cors_700_59(self, cors_env):
        text = "\n".join([
            "CORSAllowOrigin %s" % APP,
            "<VirtualHost 127.0.0.1:%d>" % cors_env.port,
            "ServerName plain.test",
            'DocumentRoot "%s"' % cors_env.htdocs,
            'Alias "/only-here/" "%s/"' % cors_env.htdocs,
            "</VirtualHost>", ""])
        rc, out, err = cors_env.check_config_split(text, dump=True)
        assert rc == 0, out + err
        blocks = dump_blocks(out)
        main = [v for k, v in blocks.items() if k.startswith("main server")][0]
        vhost = [v for k, v in blocks.items()
                 if k.startswith("virtual host plain.test")][0]
        assert "  fast path: preflights are answered before the directory " \
            "walk, for every URL" in main, out
        assert any(ln.startswith('    URLs under "/only-here" (Alias (')
                   for ln in vhost), out

    # no fast path where other modules act first
    @pytest.mark.parametrize("extra,why", [
        ('<Files "*.json">\n    CORSMaxAge 5\n</Files>\n',
         '<Files "*.json"> at server level sets CORS directives'),
        ('<Location "/x/">\n    AllowMethods GET\n</Location>\n',
         "AllowMethods ("),
        ("RewriteEngine On\nRewriteRule ^/old$ /new\n", None),
    ])
    def test_cors_700_67(self, cors_env, extra, why):
        text = "CORSAllowOrigin %s\n" % APP + extra
        rc, out, err = cors_env.check_config_split(text, dump=True)
        assert rc == 0, out + err
        main = "\n".join([v for k, v in dump_blocks(out).items()
                          if k.startswith("main server")][0])
        if why is None:
            assert "    every URL mapped by RewriteRule" in main, out
        else:
            assert "  fast path: off (%s" % why in main, out

    # without -D DUMP_CORS, -t prints nothing of it
    def test_cors_700_68(self, cors_env):
        rc, out = cors_env.check_config("CORSAllowOrigin %s\n" % APP)
        assert rc == 0, out
        assert "CORS policies" not in out, out


def readme_dump_sample():
    """The lines of the README's `apache2ctl -t -D DUMP_CORS` sample."""
    with open(os.path.join(REPO_ROOT, "README.md"), encoding="utf-8") as f:
        text = f.read()
    at = text.index("$ apache2ctl -t -D DUMP_CORS\n")
    return text[at:text.index("Syntax OK", at)].splitlines()[1:]


# the README's sample shows the fields a dump prints, in its order (a
# field added to the dump, timing-allow-origin, is added to the sample)
def test_cors_700_106(cors_env):
    sample = readme_dump_sample()
    text = "\n".join([
        '<Location "/api/">',
        "    CORSAllowOrigin %s" % APP,
        "    CORSAllowMethods GET POST PUT",
        "    CORSAllowHeaders Content-Type",
        "    CORSDebugHeader On",
        "</Location>", ""])
    rc, out, err = cors_env.check_config_split(text, dump=True)
    assert rc == 0, out + err
    main = [v for k, v in dump_blocks(out).items()
            if k.startswith("main server")][0]

    def names(lines):
        return [n.split(": ", 1)[0].strip()
                for ln in section(lines, '<Location "/api/">')
                for n in ln.split(", ") if ": " in n]

    assert names(sample) == names(main), (sample, out)
    want = policy_fields(section(main, '<Location "/api/">'))
    assert policy_fields(section(sample, '<Location "/api/">')) == want, out
