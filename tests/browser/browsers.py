"""Two real browsers behind one small interface: open a page, run an async
JavaScript function body in it, get back what the function returned (as
JSON).

- Chromium: Debian's `chromium` driven by `chromedriver` through Debian's
  python3-selenium (WebDriver classic).
- Firefox ESR: Debian's `firefox-esr` through its built-in WebDriver BiDi
  server (`--remote-debugging-port`), spoken over a WebSocket with
  python3-websocket.  There is no geckodriver.

Both run headless with a fresh profile in a temporary directory, and resolve
the suite's `*.test` host names to 127.0.0.1 (Chromium through
--host-resolver-rules, Firefox through the network.dns.localDomains pref),
so a page can live on a wildcard-matched subdomain origin.

Each browser is started once per session; the caller stops it by pid."""

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "integration"))

from harness.env import free_port  # noqa: E402

CHROMIUM_BIN = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
CHROMEDRIVER_BIN = os.environ.get("CHROMEDRIVER_BIN",
                                  "/usr/bin/chromedriver")
FIREFOX_BIN = os.environ.get("FIREFOX_BIN", "/usr/bin/firefox-esr")

# The async function body run in the page: `return <json-able value>`.
# Wrapped so that both drivers get a JSON string back (one decoding path,
# no driver-specific value serialisation).
_WRAP = ("(async () => {\n%s\n})().then("
         "(v) => JSON.stringify({ok: true, value: v}),"
         "(e) => JSON.stringify({ok: false, error: String(e && e.stack"
         " || e)}))")


class BrowserError(Exception):
    pass


def _unwrap(text):
    out = json.loads(text)
    if not out["ok"]:
        raise BrowserError("script failed in the page: " + out["error"])
    return out["value"]


class Browser:
    """Common part: remember the page that is open, so many scenarios run
    on one page load."""

    name = None

    def __init__(self, host_names):
        self.host_names = list(host_names)
        self.current_url = None
        self.tmp = tempfile.mkdtemp(prefix="mod_cors_%s_" % self.name)

    def open(self, url, force=False):
        if force or url != self.current_url:
            self._navigate(url)
            self.current_url = url

    def run(self, body, timeout=30):
        """Run an async function body in the open page; its return value,
        decoded from JSON."""
        return _unwrap(self._evaluate(_WRAP % body, timeout))

    def version(self):
        raise NotImplementedError

    def console(self):
        """The texts of the console messages logged since the last call
        (errors at least: CORS refusals are among them), oldest first."""
        raise NotImplementedError

    def _navigate(self, url):
        raise NotImplementedError

    def _evaluate(self, expression, timeout):
        raise NotImplementedError

    def quit(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


class Chromium(Browser):

    name = "chromium"

    def __init__(self, host_names, extra_args=()):
        super().__init__(host_names)
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
        opts = webdriver.ChromeOptions()
        opts.binary_location = CHROMIUM_BIN
        for arg in (
                "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic",
                "--no-default-browser-check", "--no-proxy-server",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + os.path.join(self.tmp, "profile"),
                # every *.test name is 127.0.0.1, nothing goes to DNS
                "--host-resolver-rules=MAP *.test 127.0.0.1",
                # the pages are plain http on purpose: never try https first
                "--disable-features=HttpsUpgrades,HttpsFirstBalancedMode"
                "AutoEnable,HttpsFirstModeIncognito") + tuple(extra_args):
            opts.add_argument(arg)
        log = os.path.join(self.tmp, "chromedriver.log")
        service = Service(executable_path=CHROMEDRIVER_BIN, log_path=log)
        try:
            self.driver = webdriver.Chrome(service=service, options=opts)
        except Exception as e:  # selenium wraps every start failure
            try:
                with open(log) as f:
                    tail = f.read()[-2000:]
            except OSError:
                tail = ""
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise BrowserError("Chromium did not start: %s\n%s" % (e, tail))
        self.driver.set_script_timeout(60)
        self.driver.set_page_load_timeout(30)

    def version(self):
        return self.driver.capabilities.get("browserVersion", "?")

    def console(self):
        # chromedriver's browser log (level SEVERE by default); each entry
        # is "<page URL> - <message>"; reading it empties it
        return [e["message"].split(" - ", 1)[-1]
                for e in self.driver.get_log("browser")]

    def _navigate(self, url):
        self.driver.get(url)

    def _evaluate(self, expression, timeout):
        self.driver.set_script_timeout(timeout)
        return self.driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "(%s).then(done);" % expression)

    def quit(self):
        try:
            self.driver.quit()
        finally:
            super().quit()


FIREFOX_PREFS = {
    # no first-run pages, updates, telemetry or background connections
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "browser.startup.page": 0,
    "browser.aboutwelcome.enabled": False,
    "datareporting.policy.dataSubmissionEnabled": False,
    "datareporting.healthreport.uploadEnabled": False,
    "toolkit.telemetry.reportingpolicy.firstRun": False,
    "app.update.disabledForTesting": True,
    "app.normandy.enabled": False,
    "extensions.update.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "browser.safebrowsing.downloads.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "network.proxy.type": 0,
    "network.http.http3.enable": False,
    "network.trr.mode": 5,
    # the pages are plain http on purpose
    "dom.security.https_first": False,
    "dom.security.https_only_mode": False,
}


class Firefox(Browser):
    """Firefox ESR over WebDriver BiDi (no geckodriver)."""

    name = "firefox"

    def __init__(self, host_names):
        super().__init__(host_names)
        import websocket
        self._websocket = websocket
        self.profile = os.path.join(self.tmp, "profile")
        os.makedirs(self.profile)
        prefs = dict(FIREFOX_PREFS)
        # exact names (this pref has no wildcard form) resolved to loopback
        prefs["network.dns.localDomains"] = ",".join(self.host_names)
        with open(os.path.join(self.profile, "user.js"), "w") as f:
            for k, v in prefs.items():
                f.write("user_pref(%s, %s);\n" % (json.dumps(k),
                                                  json.dumps(v)))
        self.port = free_port()
        self.stderr_path = os.path.join(self.tmp, "firefox.log")
        self._stderr = open(self.stderr_path, "wb")
        env = dict(os.environ, MOZ_HEADLESS="1", MOZ_CRASHREPORTER_DISABLE="1")
        env.pop("DISPLAY", None)
        try:
            self.proc = subprocess.Popen(
                [FIREFOX_BIN, "--headless", "--no-remote", "--profile",
                 self.profile, "--remote-debugging-port", str(self.port),
                 "about:blank"],
                stdout=self._stderr, stderr=subprocess.STDOUT, env=env,
                start_new_session=True)
        except OSError as e:
            self._stderr.close()
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise BrowserError("Firefox did not start: %s" % e)
        self._next_id = 0
        self._lock = threading.Lock()
        try:
            self._connect()
            self.caps = self._cmd("session.new",
                                  {"capabilities": {}})["capabilities"]
            # console messages (CORS refusals among them) come as events
            self._log = []
            self._cmd("session.subscribe", {"events": ["log.entryAdded"]})
            tree = self._cmd("browsingContext.getTree", {})
            self.context = tree["contexts"][0]["context"]
        except Exception as e:
            out = self._log_tail()
            self._kill()
            shutil.rmtree(self.tmp, ignore_errors=True)
            raise BrowserError("Firefox did not start: %s\n%s" % (e, out))

    def _log_tail(self):
        try:
            with open(self.stderr_path, "rb") as f:
                return f.read()[-2000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def _connect(self):
        url = "ws://127.0.0.1:%d/session" % self.port
        deadline = time.time() + 60
        last = None
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise BrowserError("firefox exited with %s"
                                   % self.proc.returncode)
            try:
                # No Origin header: the remote agent refuses WebSocket
                # connections that carry one it was not told to allow.
                self.ws = self._websocket.create_connection(
                    url, timeout=60, suppress_origin=True)
                return
            except Exception as e:
                last = e
                time.sleep(0.2)
        raise BrowserError("no WebDriver BiDi server on %s: %s" % (url, last))

    def _cmd(self, method, params, timeout=60):
        with self._lock:
            self._next_id += 1
            cid = self._next_id
            self.ws.settimeout(timeout)
            self.ws.send(json.dumps({"id": cid, "method": method,
                                     "params": params}))
            while True:
                msg = json.loads(self.ws.recv())
                if msg.get("id") != cid:
                    if msg.get("method") == "log.entryAdded":
                        self._log = self._log[-999:] + [
                            msg["params"].get("text", "")]
                    continue
                if msg.get("type") == "error" or "error" in msg:
                    raise BrowserError("%s: %s: %s" % (
                        method, msg.get("error"), msg.get("message")))
                return msg["result"]

    def version(self):
        return self.caps.get("browserVersion", "?")

    def console(self):
        # events arrive between command answers: one cheap command first,
        # so that those already sent are read
        self._cmd("browsingContext.getTree", {"maxDepth": 0})
        out, self._log = self._log, []
        return out

    def _navigate(self, url):
        self._cmd("browsingContext.navigate",
                  {"context": self.context, "url": url, "wait": "complete"})

    def _evaluate(self, expression, timeout):
        res = self._cmd("script.evaluate", {
            "expression": expression, "target": {"context": self.context},
            "awaitPromise": True, "resultOwnership": "none"},
            timeout=timeout)
        if res.get("type") != "success":
            raise BrowserError("script.evaluate: %s"
                               % json.dumps(res)[:2000])
        return res["result"]["value"]

    def _kill(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(15)
        self._stderr.close()

    def quit(self):
        try:
            try:
                self._cmd("session.end", {}, timeout=10)
            except Exception:
                pass
            try:
                self.ws.close()
            except Exception:
                pass
            self._kill()
        finally:
            super().quit()


ENGINES = {"chromium": Chromium, "firefox": Firefox}

# The TypeError each engine gives a fetch() that CORS (or the network)
# refused; JavaScript learns nothing more.
TYPEERROR_MESSAGE = {
    "chromium": "Failed to fetch",
    "firefox": "NetworkError when attempting to fetch resource.",
}


def in_ci():
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")
