"""The origin sources' rows of `make bench` (docs/behaviour.md §7), run by
bench/run.py after its main table:

1. cost against the number of origins: CPU per allowed GET and requests/s
   for the ceiling (no CORS), the mod_headers recipe, and mod_cors with
   the origins in the configuration, in a CORSAllowOriginFile and in a
   database (SQLite through mod_dbd, answers cached in shmcb); drawn as
   bench/sources.png;
2. 100,000 origins in a file: the decision's cost, the reload time (the
   children's own CORS0010 line), and Pss (children included) before,
   during and after a reload;
3. the database with a warm cache against the same origins in the
   configuration (the target: within 5 % CPU per request);
4. the miss path: the latency of a first request (one query) and of the
   same origin again (cached);
5. a flood of 10,000 distinct unknown origins while wrk measures the
   allowed origin's rate: the queries actually sent (bound:
   CORSAllowOriginDBDRate a second) and the rate kept (target >= 0.9x).
"""

import os
import re
import sqlite3
import statistics
import subprocess
import threading
import time

import run as bench  # bench/run.py, the harness of the main table

RATE = 50          # CORSAllowOriginDBDRate in these servers
TTL = "60 10"      # CORSAllowOriginDBDCache


class Src:
    """A Policy-like object for bench.Server: configuration lines only."""

    def __init__(self, name, lines, recipe_regexes=()):
        self.name = name
        self.cors_lines = lines
        self.recipe_regexes = list(recipe_regexes)
        self.placement = "server"


def origins(n):
    return [bench.exact_origin(i) for i in range(n)]


def write_list(path, n, extra=()):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("# bench list\n")
        f.write("\n".join(origins(n) + list(extra)) + "\n")
    os.chmod(tmp, 0o644)
    os.rename(tmp, path)


def write_db(path, n):
    if os.path.exists(path):
        os.unlink(path)
    with sqlite3.connect(path) as c:
        c.execute("CREATE TABLE cors_origins (origin TEXT PRIMARY KEY)")
        c.executemany("INSERT INTO cors_origins VALUES (?)",
                      [(o,) for o in origins(n)])
    os.chmod(path, 0o644)


def db_lines(path, status=False):
    """A database source; status adds server-status (its <Location> costs
    every request a little, so only the servers that read it have it)."""
    return [
        "LoadModule dbd_module %s/mod_dbd.so" % bench.MODULES,
        "LoadModule socache_shmcb_module %s/mod_socache_shmcb.so"
        % bench.MODULES,
        "DBDriver sqlite3", 'DBDParams "%s"' % path,
        "DBDMin 1", "DBDKeep 8", "DBDMax 32",
        "CORSAllowOriginDBDCache %s" % TTL,
        "CORSAllowOriginDBDRate %d" % RATE,
        'CORSAllowOriginDBDQuery "SELECT 1 FROM cors_origins '
        'WHERE origin = %s"'] + ([
            "LoadModule status_module %s/mod_status.so" % bench.MODULES,
            '<Location "/server-status">', "SetHandler server-status",
            "</Location>"] if status else [])


def server(base, name, contender, src):
    s = bench.Server(base, name, contender, src)
    s.start()
    s.wait_ready()
    return s


def get_wl(origin):
    return bench.Workload("GET allowed", "GET", {"Origin": origin},
                          "allowed")


def rate_and_cpu(s, wl, rounds, base):
    """Median requests/s and CPU microseconds per request over rounds."""
    bench.check(s, wl, wl.headers["Origin"])
    script = bench.wrk_script(base, wl, abs(hash(s.name)) % 100000)
    bench.run_wrk(s, script, 1)              # warm-up
    out = [bench.measure(s, script, 1) for _ in range(rounds)]
    return (statistics.median(r for r, _ in out),
            statistics.median(c for _, c in out))


def status_counter(s, name):
    import http.client
    c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    c.request("GET", "/server-status?auto")
    body = c.getresponse().read().decode()
    c.close()
    return sum(int(m.group(1)) for m in re.finditer(
        r"^CORS%s\[[^]]*\]: (\d+)$" % name, body, re.M))


def one(port, origin):
    """Latency (s) of one GET with this Origin on a fresh connection."""
    import http.client
    t0 = time.perf_counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("GET", bench.PATH, headers={"Origin": origin})
    r = c.getresponse()
    r.read()
    c.close()
    return time.perf_counter() - t0, r.getheader(
        "Access-Control-Allow-Origin") == origin


# --------------------------------------------------------------------- #

def cost_curve(base, ns, rounds, log):
    """{contender: {n: (rate, cpu_us)}} for an allowed GET of the last
    origin of n.  For each n every contender's Apache runs at once and the
    rounds interleave them (A B C D E, rotated), as the main table does, so
    that other load on the machine hits them alike."""
    curves = {k: {} for k in ("none", "recipe", "config", "file", "db")}
    for n in ns:
        last = bench.exact_origin(n - 1)
        wl = get_wl(last)
        pol = bench.Policy.exact(n, ("last",))
        listfile = os.path.join(base, "list-%d.txt" % n)
        dbfile = os.path.join(base, "origins-%d.sqlite" % n)
        write_list(listfile, n)
        write_db(dbfile, n)
        todo = [("none", "none", pol), ("config", "cors", pol),
                ("file", "cors", Src("file", [
                    "CORSAllowOriginFile %s" % listfile])),
                ("db", "cors", Src("db", db_lines(dbfile)))]
        if n <= 10000:
            todo += [("recipe", "recipe", pol)]
        servers = []
        try:
            for label, contender, src in todo:
                servers.append((label, server(base, "%s-%d" % (label, n),
                                              contender, src)))
            scripts = {}
            for label, s in servers:
                if label != "none":
                    bench.check(s, wl, last)
                scripts[label] = bench.wrk_script(base, wl, len(scripts))
                bench.run_wrk(s, scripts[label], 1)      # warm-up
            got = {label: [] for label, _ in servers}
            for r in range(rounds):
                order = servers[r % len(servers):] + servers[:r % len(
                    servers)]
                for label, s in order:
                    got[label].append(bench.measure(s, scripts[label], 1))
            for label, _ in servers:
                res = (statistics.median(x for x, _ in got[label]),
                       statistics.median(c for _, c in got[label]))
                curves[label][n] = res
                log("sources: %-6s n=%-6d %8s req/s  %6.1f us CPU/request"
                    % (label, n, bench.fmt_rate(res[0]), res[1]))
        finally:
            for _, s in servers:
                s.stop()
    return curves


def big_file(base, n, rounds, log):
    """100,000 origins in a file: decision cost, reload time, Pss."""
    listfile = os.path.join(base, "list-big.txt")
    write_list(listfile, n)
    s = server(base, "file-big", "cors", Src("file-big", [
        "CORSAllowOriginFile %s" % listfile, "CORSAllowOriginFileCheck 1"]))
    out = {}
    try:
        last = bench.exact_origin(n - 1)
        out["rate"], out["cpu"] = rate_and_cpu(s, get_wl(last), rounds, base)
        time.sleep(0.5)
        out["pss_before"] = s.memory()["pss"]
        new = "https://reloaded.example"
        write_list(listfile, n, extra=[new])
        time.sleep(1.1)
        peak = [0]
        stop = threading.Event()

        def sample():
            while not stop.is_set():
                try:
                    peak[0] = max(peak[0], s.memory()["pss"])
                except (OSError, KeyError):
                    pass
                time.sleep(0.005)

        t = threading.Thread(target=sample)
        t.start()
        # until every child has the new list (each reloads on its own)
        seen, t0 = 0, time.time()
        while seen < 20 and time.time() - t0 < 20:
            _, ok = one(s.port, new)
            seen = seen + 1 if ok else 0
        time.sleep(0.3)
        stop.set()
        t.join()
        out["pss_during"] = peak[0]
        time.sleep(0.5)
        out["pss_after"] = s.memory()["pss"]
        with open(os.path.join(s.root, "logs", "error_log")) as f:
            took = [int(x) for x in re.findall(
                r"CORS0010: reloaded .* origins, read in (\d+) ms", f.read())]
        out["reload_ms"] = took
    finally:
        s.stop()
    log("sources: file %d origins: %s req/s, %.1f us CPU/request; reload "
        "%s ms (per child); Pss %d KiB before, %d KiB peak during, %d KiB "
        "after" % (n, bench.fmt_rate(out["rate"]), out["cpu"],
                   out["reload_ms"], out["pss_before"], out["pss_during"],
                   out["pss_after"]))
    return out


def db_paths(base, n, log, quick):
    """Miss path and flood against the database source."""
    dbfile = os.path.join(base, "origins-flood.sqlite")
    write_db(dbfile, n)
    s = server(base, "db-flood", "cors", Src("db-flood", db_lines(dbfile,
                                                                   True)))
    out = {}
    try:
        # miss path: distinct listed origins, each asked twice
        firsts, agains = [], []
        q0 = status_counter(s, "DBQueries")
        for i in range(40):
            o = bench.exact_origin(i)
            t1, ok1 = one(s.port, o)
            t2, ok2 = one(s.port, o)
            assert ok1 and ok2, o
            firsts.append(t1)
            agains.append(t2)
            time.sleep(1.0 / RATE)      # within the query budget
        out["miss_ms"] = statistics.median(firsts) * 1e3
        out["hit_ms"] = statistics.median(agains) * 1e3
        out["miss_queries"] = status_counter(s, "DBQueries") - q0
        log("sources: db miss path: first request %.2f ms (one query), the "
            "same origin again %.2f ms (cached); %d queries for 40 origins"
            % (out["miss_ms"], out["hit_ms"], out["miss_queries"]))

        # flood: distinct unknown origins from a second, paced wrk (one
        # connection, 1 ms between requests: about 800 a second, light on
        # the client's side), in windows alternating with windows without
        # it, so that the machine's other load hits both alike
        allowed = bench.exact_origin(n - 1)
        wl = get_wl(allowed)
        bench.check(s, wl, allowed)
        script = bench.wrk_script(base, wl, 77777)
        bench.run_wrk(s, script, 1)
        q0 = status_counter(s, "DBQueries")
        ob0 = status_counter(s, "DBOverBudget")
        secs = 5
        base_rates, flood_rates, sent = [], [], 0
        t0 = time.monotonic()
        for w in range(3):
            base_rates.append(bench.run_wrk(s, script, secs)[0])
            flua = os.path.join(base, "flood_%d.lua" % w)
            with open(flua, "w") as f:
                f.write('local i = 0\n'
                        'request = function()\n'
                        '  i = i + 1\n'
                        '  return wrk.format("GET", "%s", {["Origin"] = '
                        'string.format("https://flood-%d-%%06d.example.net", '
                        'i)})\n'
                        'end\n'
                        'delay = function() return 1 end\n'
                        % (bench.PATH, w))
            flood = subprocess.Popen(
                [bench.WRK, "-t1", "-c1", "-d%ds" % (secs + 1), "-s", flua,
                 "http://127.0.0.1:%d%s" % (s.port, bench.PATH)],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            time.sleep(0.5)
            flood_rates.append(bench.run_wrk(s, script, secs)[0])
            fout = flood.communicate(timeout=60)[0].decode()
            sent += int(re.search(r"(\d+) requests in", fout).group(1))
        elapsed = time.monotonic() - t0
        queries = status_counter(s, "DBQueries") - q0
        out.update(
            base_rate=statistics.median(base_rates),
            flood_rate=statistics.median(flood_rates),
            flood_sent=sent, elapsed=elapsed, queries=queries,
            over=status_counter(s, "DBOverBudget") - ob0,
            bound=RATE * (int(elapsed) + 1))
        out["ratio"] = out["flood_rate"] / out["base_rate"]
        log("sources: db flood: %d distinct unknown origins (3 windows of "
            "%d s in %.0f s); queries sent %d (bound %d a second: %d), "
            "refused unasked %d; allowed origin %s req/s with the flood vs "
            "%s without (%.2fx; windows %s vs %s)"
            % (sent, secs, elapsed, queries, RATE, out["bound"], out["over"],
               bench.fmt_rate(out["flood_rate"]),
               bench.fmt_rate(out["base_rate"]), out["ratio"],
               "/".join(bench.fmt_rate(x) for x in flood_rates),
               "/".join(bench.fmt_rate(x) for x in base_rates)))
    finally:
        s.stop()
    return out


def instructions(base, n, requests, log):
    """User-space instructions per allowed GET (callgrind around
    ap_run_process_connection of `apache2 -X`, as run.py counts them),
    origins in the configuration, a file and a database whose answer is
    cached: {label: instructions}.  Independent of the machine's load."""
    pol = bench.Policy.exact(n, ("last",))
    last = bench.exact_origin(n - 1)
    wl = get_wl(last)
    listfile = os.path.join(base, "list-cg.txt")
    dbfile = os.path.join(base, "origins-cg.sqlite")
    write_list(listfile, n)
    write_db(dbfile, n)
    out = {}
    for label, contender, src in (
            ("none", "none", pol), ("config", "cors", pol),
            ("file", "cors", Src("f", ["CORSAllowOriginFile %s" % listfile])),
            ("db", "cors", Src("d", db_lines(dbfile)))):
        prefix = os.path.join(base, "cg_src_" + label)
        s = bench.Server(base, "cg-src-" + label, contender, src, single=True,
                         wrapper=["valgrind", "--tool=callgrind",
                                  "--collect-atstart=no",
                                  "--toggle-collect=ap_run_process_connection",
                                  "--callgrind-out-file=" + prefix + ".%p"])
        s.start()
        try:
            s.wait_ready(timeout=120)
            pw = bench.pwd.getpwnam("www-data")
            os.chown(prefix + ".%d" % s.proc.pid, pw.pw_uid, pw.pw_gid)
            bench.keepalive_requests(s.port, wl, 100)
            bench.keepalive_requests(s.port, wl, requests)
        finally:
            s.stop()
        out[label] = bench.read_callgrind(
            prefix + ".%d" % s.proc.pid) / (requests + 101)
    log("sources: instructions per allowed GET, %d origins: %s" % (
        n, ", ".join("%s %.0f" % kv for kv in out.items())))
    return out


def chart(curves, path, pss_text):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    style = {"none": ("no CORS (ceiling)", "k", "--"),
             "recipe": ("mod_headers recipe", "tab:red", "-"),
             "config": ("mod_cors, CORSAllowOrigin", "tab:blue", "-"),
             "file": ("mod_cors, CORSAllowOriginFile", "tab:green", "-"),
             "db": ("mod_cors, database (cached)", "tab:purple", "-")}
    for key, (label, color, ls) in style.items():
        pts = sorted(curves.get(key, {}).items())
        if not pts:
            continue
        xs = [n for n, _ in pts]
        ax1.plot(xs, [v[1] for _, v in pts], ls, color=color, marker="o",
                 label=label)
        ceiling = curves["none"]
        ax2.plot(xs, [v[0] / ceiling[n][0] for n, v in pts], ls,
                 color=color, marker="o", label=label)
    for ax, title in ((ax1, "server CPU per allowed GET (us)"),
                      (ax2, "requests/s relative to no CORS (same n, "
                            "interleaved rounds)")):
        ax.set_xscale("log")
        ax.set_xlabel("allowed origins")
        ax.set_title(title, fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.set_ylim(bottom=0)
    ax1.legend(fontsize=8)
    fig.suptitle("mod_cors: cost against the number of origins "
                 "(bench/sources.py)%s" % pss_text, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def run(base, mode, log):
    quick = mode == "quick"
    rounds = 5 if quick else 9
    ns = [1, 100, 10000, 100000] if not quick else [1, 10000, 100000]
    curves = cost_curve(base, ns, rounds, log)
    big = big_file(base, 100000, rounds, log)
    db = db_paths(base, 10000, log, quick)
    instr = instructions(base, 10000, 300 if quick else 1000, log)
    cfg, dbc = curves["config"][10000], curves["db"][10000]
    log("sources: db warm cache vs the same 10,000 origins in the "
        "configuration: %.1f vs %.1f us CPU/request (%+.1f %%)"
        % (dbc[1], cfg[1], 100.0 * (dbc[1] - cfg[1]) / cfg[1]))
    png = os.path.join(bench.HERE, "sources.png")
    try:
        chart(curves, png, "")
        log("sources: chart written to %s" % png)
    except ImportError:
        log("sources: no matplotlib (python3-matplotlib): no chart")
    return dict(curves=curves, big=big, db=db, instr=instr)
