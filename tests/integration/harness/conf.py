"""CorsConf: build the test.conf of one test class, write the files it
needs (htdocs, .htaccess, htpasswd), install it and restart Apache."""

import os
import subprocess


class CorsConf:

    def __init__(self, env, extras=None):
        self.env = env
        self.lines = []
        self._files = {}
        self.with_cors = True
        if extras:
            self.add(extras)

    def add(self, text):
        """Add configuration: a string (several lines) or a list of lines."""
        if isinstance(text, (list, tuple)):
            self.lines.extend(text)
        else:
            self.lines.extend(text.strip("\n").splitlines())
        return self

    def _section(self, tag, arg, body):
        self.lines.append("<%s %s>" % (tag, arg))
        if isinstance(body, str):
            body = body.strip("\n").splitlines()
        self.lines.extend("    " + ln.strip() for ln in body)
        self.lines.append("</%s>" % tag)
        return self

    def location(self, path, body):
        return self._section("Location", '"%s"' % path, body)

    def directory(self, rel, body):
        """A <Directory> for a path relative to the document root."""
        return self._section("Directory",
                             '"%s"' % self.env.docroot_path(rel), body)

    def files(self, pattern, body):
        return self._section("Files", '"%s"' % pattern, body)

    def vhost(self, server_name, body):
        return self._section(
            "VirtualHost", "127.0.0.1:%d" % self.env.port,
            ["ServerName %s" % server_name,
             'DocumentRoot "%s"' % self.env.htdocs]
            + (body.strip("\n").splitlines() if isinstance(body, str)
               else list(body)))

    def doc(self, rel, text, mode=0o644):
        """A file under the document root, written at install time."""
        self._files[self.env.docroot_path(rel)] = (text, mode)
        return self

    def htaccess(self, rel_dir, text):
        return self.doc(os.path.join(rel_dir, ".htaccess"), text)

    def htpasswd(self, name="users", user="alice", password="secret"):
        path = os.path.join(self.env.conf_dir, name)
        subprocess.run(["htpasswd", "-cb", path, user, password],
                       check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        os.chmod(path, 0o644)
        return path

    def text(self):
        return "\n".join(self.lines) + "\n"

    def write_files(self):
        for path, (text, mode) in self._files.items():
            self.env.write_file(path, text, mode)

    def install(self):
        self.write_files()
        self.env.install(self.text(), with_cors=self.with_cors)
        return self

    def check(self):
        """`apache2 -t` on this configuration: (rc, output)."""
        self.write_files()
        return self.env.check_config(self.text(), with_cors=self.with_cors)

    def start(self):
        """Install and restart Apache; fail with its output when it will
        not come up."""
        self.install()
        mark = self.env.log_size()
        rc = self.env.apache_restart()
        assert rc == 0, "httpd did not start:\n%s\n%s" % (
            getattr(self.env, "last_start_output", ""),
            self.env.read_log(mark))
        return self
