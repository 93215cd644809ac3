"""Load proof: the hot pages under concurrent load, through gunicorn (3 workers, DEBUG=false) on PostgreSQL.

    createdb -h 127.0.0.1 -U postgres manatnet_bench_load
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manatnet_bench_load REDIS_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/load.py --managers 100000 --mandates 1000 --reuse

One command, bounded in time, loopback only. It

1. sets up the data (unless ``--reuse`` finds it): N managers and M open mandates with bench/matching.py's bulk
   inserts, then the people who load the pages: a manager, a client contact whose mandate has a shortlist of five
   presented candidates, and a staff member whose session passed the second factor (sessions written directly,
   cookies handed to the load generator);
2. collects the static files and starts gunicorn (3 workers, ``DEBUG=false``) on a free loopback port;
3. drives ``wrk`` (Debian package ``wrk``: a C load generator, so that on a 2-core machine the generator takes as
   little CPU from the server as possible; a Python generator would take a core of its own at these rates) against
   each page at 1 and 4 connections (``--seconds`` each), then the mix of all pages paced to ``--mix-rate``
   requests per second, and reports rps, p50/p95/p99 and errors per page; the 4-connection throughput is the
   page's saturation throughput (3 workers on 2 cores are saturated at 4 connections);
4. ``--soak 30m``: the mix at ``--soak-share`` (60 %) of the mix's saturation for that long, with a Celery worker
   (and beat) sending a trickle of match alerts into an SMTP sink: p95 per minute, memory of web and worker at
   start and end, whether the outbox is empty within 2 minutes after the end, errors;
5. ``--fault redis|worker|postgres`` under the mix (see docs/reliability.md, "Faults under load"):
   ``redis``: its own throwaway redis-server (never the shared one) stopped for 60 s;
   ``worker``: the worker SIGKILLed while it sends, restarted; every mail must arrive exactly once;
   ``postgres``: needs ``--own-postgres``: a throwaway cluster started here with initdb/pg_ctl on another port,
   restarted under load (never the shared cluster): pages answer 503 during the outage and recover unaided.

Pages: the manager dashboard, the client's shortlist (mandate page), the admin ranking of a mandate, the staff
home if there is one (else the admin index), and the API's list endpoints if there are any.

Only for a database whose name contains "bench" (or a test database): it empties the manager, user and mandate
tables. ``tests/platform/test_load_script.py`` runs a few-seconds version so the script cannot rot.
"""

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manatnet.settings")
# The load generator's sessions are signed with the server's key: as a script, both processes use this one.
BENCH_SECRET_KEY = "bench-load-only-not-a-production-key-0123456789-abcdefghijklmnop"  # noqa: S105

VENV_BIN = Path(sys.executable).parent
WORKERS = 3


def log(message=""):
    print(message, flush=True)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise RuntimeError(f"timed out after {timeout:.0f} s waiting for {what}")


# --- Data -------------------------------------------------------------------------------------------------------


@dataclass
class Page:
    name: str
    path: str
    cookie: str


def guard_database():
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or not ("bench" in name or name.startswith("test_")):
        sys.exit("Refusing: needs a PostgreSQL DATABASE_URL whose database name contains 'bench' (it is emptied).")


def generate(managers, mandates, reuse):
    """N managers, M open mandates (bench/matching.py's bulk inserts); returns the open mandates."""
    import random

    from django.utils import timezone

    from bench import matching as data
    from managers.models import ManagerProfile
    from mandates.models import CandidateIndex, ClientCompany, Mandate
    from notifications.models import Notification

    ref = data.reference()
    have = ManagerProfile.objects.count()
    if reuse and have == managers and CandidateIndex.objects.count() == have:
        log(f"Reusing {have:,} managers")
        Mandate.objects.all().delete()
        ClientCompany.objects.all().delete()
    else:
        log(f"Generating {managers:,} managers …")
        data.generate(managers, ref)
    created = data.make_mandates(mandates, ref, random.Random(2026))
    # A steady state: these mandates were matched when they opened (else beat's catch-up would match all of them
    # during the measurement and flood the outbox with their alerts). The outbox starts empty.
    Mandate.objects.filter(pk__in=[m.pk for m in created]).update(matched_at=timezone.now())
    Notification.objects.all().delete()
    data.sql("ANALYZE")
    return created


def session_cookie(user, *, second_factor=False):
    """A logged-in session as the login (and for staff the authenticator code) leaves it."""
    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if second_factor:
        session = client.session
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "mfa", "at": time.time(), "type": "totp"}]
        session["account_authentication_methods_user"] = str(user.pk)
        session.save()
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def people(mandate):
    """The manager, the client contact (with a shortlist of five on ``mandate``) and staff who load the pages."""
    from django.contrib.auth import get_user_model

    from managers.models import ManagerProfile
    from mandates import services
    from mandates.models import Candidacy, ClientContact

    User = get_user_model()
    User.objects.filter(username__startswith="load-").delete()
    staff = User.objects.create_user(
        username="load-staff@bench.example", email="load-staff@bench.example", is_staff=True, is_superuser=True
    )
    contact = User.objects.create_user(username="load-client@bench.example", email="load-client@bench.example")
    ClientContact.objects.create(user=contact, company=mandate.company)
    profiles = list(ManagerProfile.objects.active().select_related("user").order_by("id")[:6])
    for profile in profiles[1:]:
        candidacy = services.candidacy_add(mandate=mandate, manager=profile, by=staff)
        services.manager_respond(candidacy=candidacy, interested=True)
        services.candidacy_move(candidacy=Candidacy.objects.get(pk=candidacy.pk), to_stage="shortlisted", by=staff)
    services.shortlist_send(mandate=mandate, by=staff)
    return profiles[0].user, contact, staff


def api_list_paths():
    """GET endpoints under /api/ without parameters (the lists), as the URL configuration has them."""
    from django.urls import get_resolver

    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns, route)
            elif route.startswith("api/") and "<" not in route and not re.search(r"schema|docs|\(|\\", route):
                found.append("/" + route.lstrip("^").rstrip("$"))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))[:3]


def staff_home_path():
    from django.urls import NoReverseMatch, reverse

    try:
        return "staff home", reverse("staff_home")
    except NoReverseMatch:
        return "admin index", reverse("admin:index")


def prepare(managers, mandates, reuse=False):
    """Everything the pages need; returns the pages with their paths and session cookies."""
    from django.urls import reverse

    guard_database()
    started = time.perf_counter()
    open_mandates = generate(managers, mandates, reuse)
    manager, contact, staff = people(open_mandates[0])
    staff_cookie = session_cookie(staff, second_factor=True)
    home_name, home_path = staff_home_path()
    pages = [
        Page("manager dashboard", reverse("manager_dashboard"), session_cookie(manager)),
        Page("client shortlist", reverse("client_mandate_detail", args=[open_mandates[0].pk]), session_cookie(contact)),
        Page("admin ranking", reverse("admin:mandates_mandate_ranking", args=[open_mandates[1].pk]), staff_cookie),
        Page(home_name, home_path, staff_cookie),
        *[Page(f"API {path}", path, staff_cookie) for path in api_list_paths()],
    ]
    log(f"Data ready in {time.perf_counter() - started:.0f} s: {managers:,} managers, {mandates:,} open mandates")
    return pages


# --- Processes --------------------------------------------------------------------------------------------------


def rss_mb(pid):
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, AttributeError, ProcessLookupError):
            continue
    return total / 1024


@dataclass
class Servers:
    """gunicorn (and, for soak and faults, a Celery worker with beat) with the environment they share."""

    env: dict
    workdir: Path
    port: int = field(default_factory=free_port)
    web: subprocess.Popen = None
    worker: subprocess.Popen = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start_web(self):
        log_file = open(self.workdir / "gunicorn.log", "ab")  # noqa: SIM115 - the process keeps it
        command = [str(VENV_BIN / "gunicorn"), "manatnet.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        self.web = subprocess.Popen(
            [*command, "--workers", str(WORKERS), "--timeout", "30"],
            cwd=ROOT,
            env=self.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(self.web_answers, 60, "gunicorn")

    def web_answers(self):
        try:
            with urllib.request.urlopen(f"{self.base}/healthz", timeout=2):  # noqa: S310 - loopback only
                return True
        except OSError as exc:
            return getattr(exc, "code", None) == 503  # answering, if degraded

    def start_worker(self):
        log_file = open(self.workdir / "worker.log", "ab")  # noqa: SIM115 - the process keeps it
        offset = log_file.tell()
        self.worker = subprocess.Popen(
            [str(VENV_BIN / "celery"), "-A", "manatnet", "worker", "-B", "--concurrency", "2", "--loglevel", "INFO"]
            + ["--without-gossip", "--without-mingle", "--schedule", str(self.workdir / "beat-schedule")],
            cwd=ROOT,
            env=self.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_until(lambda: b" ready." in (self.workdir / "worker.log").read_bytes()[offset:], 60, "the worker")

    def kill_worker(self):
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(10)

    def stop(self):
        for process in (self.web, self.worker):
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(40)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)


def server_env(database_url, redis_url, workdir, **extra):
    static_root = workdir / "static"
    env = {
        **os.environ,
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STATIC_ROOT": str(static_root),
        "PROMETHEUS_MULTIPROC_DIR": str(workdir / "metrics"),
        "METRICS_TOKEN": "bench-load",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    (workdir / "metrics").mkdir(exist_ok=True)
    if not (static_root / "staticfiles.json").exists():
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
        )
    return env


# --- Load -------------------------------------------------------------------------------------------------------

LUA = """
local threads = {}
local pages = PAGES
local counters = {"ok", "redirect", "client_error", "unavailable", "server_error"}
function setup(thread) table.insert(threads, thread) end
function init(args)
  n = 0; ok = 0; redirect = 0; client_error = 0; unavailable = 0; server_error = 0
end
function request()
  n = n + 1
  local page = pages[(n % #pages) + 1]
  return wrk.format("GET", page.path, {["Cookie"] = page.cookie})
end
PACING
function response(status, headers, body)
  if status == 200 then ok = ok + 1
  elseif status == 503 then unavailable = unavailable + 1
  elseif status < 400 then redirect = redirect + 1
  elseif status < 500 then client_error = client_error + 1
  else server_error = server_error + 1 end
end
function done(summary, latency, requests)
  local total = {}
  for _, name in ipairs(counters) do
    total[name] = 0
    for _, thread in ipairs(threads) do total[name] = total[name] + thread:get(name) end
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, ' ..
    '"socket_errors": %d, "timeouts": %d, "ok": %d, "redirect": %d, "client_error": %d, "unavailable": %d, ' ..
    '"server_error": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.connect + e.read + e.write, e.timeout,
    total.ok, total.redirect, total.client_error, total.unavailable, total.server_error))
end
"""


def lua_script(pages, pace_ms=0):
    entries = ", ".join(f"{{path = {json.dumps(p.path)}, cookie = {json.dumps(p.cookie)}}}" for p in pages)
    pacing = f"function delay() return {pace_ms:.1f} end" if pace_ms else ""
    return LUA.replace("PAGES", "{" + entries + "}").replace("PACING", pacing)


def wrk(base, pages, *, connections, seconds, pace_ms=0, background=False):
    """One wrk run over ``pages`` (round robin); returns its figures (or the process, ``background``)."""
    binary = shutil.which("wrk")
    if not binary:
        sys.exit("wrk is missing: apt-get install -y wrk")
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(lua_script(pages, pace_ms))
    threads = min(2, connections)
    command = [binary, f"-t{threads}", f"-c{connections}", f"-d{seconds:.0f}s", "--timeout", "10s", "-s", script]
    process = subprocess.Popen([*map(str, command), base], stdout=subprocess.PIPE, text=True)
    return process if background else wrk_result(process)


def wrk_result(process):
    output = process.communicate()[0]
    line = next((line for line in output.splitlines() if line.startswith("RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{output}")
    result = json.loads(line.removeprefix("RESULT "))
    result["rps"] = result["requests"] / result["seconds"]
    result["errors"] = (
        (result["socket_errors"] + result["timeouts"] + result["client_error"] + result["server_error"])
        + result["redirect"]
        + result["unavailable"]
    )
    return result


def row(name, connections, r):
    return (
        f"| {name} | {connections} | {r['rps']:.0f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} | "
        f"{r['errors']} |"
    )


def header():
    log("| page | connections | rps | p50 ms | p95 ms | p99 ms | errors |")
    log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")


def measure_pages(servers, pages, seconds, connections=(1, 4)):
    """Each page alone at 1 and 4 connections, after a short warm-up; the 4-connection rps is its saturation."""
    results = {}
    for page in pages:
        wrk(servers.base, [page], connections=2, seconds=max(1, seconds / 5))  # warm caches and connections
        results[page.name] = {c: wrk(servers.base, [page], connections=c, seconds=seconds) for c in connections}
    return results


def measure_mix(servers, pages, seconds, rate):
    """The mix at saturation (4 connections), then paced to ``rate`` rps (8 connections, each waiting so that
    together they offer about that rate)."""
    saturated = wrk(servers.base, pages, connections=4, seconds=seconds)
    connections = 8
    pace = max(0.0, connections * 1000 / rate - saturated["p50_ms"] / 2)
    paced = wrk(servers.base, pages, connections=connections, seconds=seconds, pace_ms=pace)
    return saturated, paced


def machine_line():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")), "?")
    return f"{platform.node()}: {os.cpu_count()} cores ({cpu}), `uptime` load {os.getloadavg()[0]:.2f}"


def report(results, mix, rate):
    log(f"\nmachine: {machine_line()}")
    header()
    for name, by_connections in results.items():
        for connections, r in by_connections.items():
            log(row(name, connections, r))
    saturated, paced = mix
    log(row("mix, saturated", 4, saturated))
    log(row(f"mix paced to {rate} rps", 8, paced))


# --- Soak and faults ----------------------------------------------------------------------------------------------


class MailTrickle:
    """Match alerts written as the matching task writes them, a batch at a time, into an SMTP sink that counts
    Message-IDs (bench/notifications.py's sink): nothing may be lost or arrive twice."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        from bench.notifications import Sink

        self.sink = Sink()
        self.controller = Controller(self.sink, hostname="127.0.0.1", port=free_port())
        self.controller.start()
        self.written = 0

    @property
    def email_url(self):
        return f"smtp://127.0.0.1:{self.controller.port}"

    def write(self, count, tag):
        from django.db import transaction

        from bench.notifications import alert_context
        from managers.models import ManagerProfile
        from mandates.models import Mandate
        from notifications.models import Notification
        from notifications.services import notifications_create_bulk

        mandate = Mandate.objects.open().order_by("id").first()
        users = [p.user for p in ManagerProfile.objects.select_related("user").order_by("?")[:count]]
        with transaction.atomic():
            notifications_create_bulk(
                [
                    Notification(recipient=u, kind="match_alert", key=f"load:{tag}", context=alert_context(mandate.pk))
                    for u in users
                ]
            )
        self.written += len(users)

    def unsent(self):
        from notifications.models import Notification

        return Notification.objects.unsent().filter(key__startswith="load:").count()

    def outcome(self):
        """Alerts written, how many the outbox marked sent, mails the sink received (all kinds: the shortlist's
        too) and Message-IDs received more than once."""
        from notifications.models import Notification

        sent = Notification.objects.filter(key__startswith="load:", state=Notification.State.SENT).count()
        received = self.sink.total()
        return {
            "written": self.written,
            "sent": sent,
            "received": received,
            "duplicates": received - len(self.sink.ids),
        }

    def stop(self):
        self.controller.stop()


def wait_for_outbox(trickle, timeout):
    """How long the outbox took to empty, as text for the report."""
    started = time.monotonic()
    while trickle.unsent() and time.monotonic() - started < timeout:
        time.sleep(2)
    left = trickle.unsent()
    waited = time.monotonic() - started
    return f"{left} still unsent after {waited:.0f} s" if left else f"empty after {waited:.0f} s"


def soak(servers, pages, trickle, minutes, share):
    """The mix at ``share`` of its saturation for ``minutes``: p95 per minute, memory, outbox, errors."""
    saturated = wrk(servers.base, pages, connections=4, seconds=20)
    rate = saturated["rps"] * share
    pace = max(0.0, 8 * 1000 / rate - saturated["p50_ms"] / 2)
    memory_start = (rss_mb(servers.web.pid), rss_mb(servers.worker.pid))
    log(f"Soak: {minutes:.0f} min at {rate:.0f} rps ({share:.0%} of the mix's {saturated['rps']:.0f} rps) …")
    header()
    minutes_results = []
    for minute in range(int(minutes)):
        trickle.write(20, f"soak-{minute}")
        result = wrk(servers.base, pages, connections=8, seconds=60, pace_ms=pace)
        minutes_results.append(result)
        log(row(f"minute {minute + 1}", 8, result))
    memory_end = (rss_mb(servers.web.pid), rss_mb(servers.worker.pid))
    drained = wait_for_outbox(trickle, 120)
    first, last = minutes_results[0]["p95_ms"], minutes_results[-1]["p95_ms"]
    log(f"\np95 first minute {first:.0f} ms, last minute {last:.0f} ms: drift {100 * (last - first) / first:+.0f} %")
    for label, before, after in zip(("web", "worker"), memory_start, memory_end, strict=True):
        log(f"memory {label}: {before:.0f} MB → {after:.0f} MB ({100 * (after - before) / before:+.1f} %)")
    log(f"outbox {drained}: {trickle.outcome()}")
    log(f"errors: {sum(r['errors'] for r in minutes_results)} of {sum(r['requests'] for r in minutes_results)}")


def fault_under_load(servers, pages, *, seconds, break_it, repair, outage):
    """The mix for ``seconds``; ``break_it`` after a fifth of it, ``repair`` ``outage`` seconds later."""
    load = wrk(servers.base, pages, connections=4, seconds=seconds, pace_ms=20, background=True)
    time.sleep(seconds / 5)
    log(f"  breaking at {time.strftime('%H:%M:%S')}")
    break_it()
    time.sleep(outage)
    repair()
    log(f"  repaired at {time.strftime('%H:%M:%S')}")
    result = wrk_result(load)
    header()
    log(row("mix during the fault", 4, result))
    log(
        f"  200: {result['ok']}, 503: {result['unavailable']}, other 5xx: {result['server_error']}, "
        f"socket errors/timeouts: {result['socket_errors']}/{result['timeouts']}"
    )
    after = wrk(servers.base, pages, connections=2, seconds=5)
    log(f"  afterwards, same processes: {after['ok']} of {after['requests']} answered 200")
    return result


class OwnRedis:
    """A throwaway redis-server on a free port; the shared one is never touched."""

    def __init__(self, directory):
        self.port, self.directory, self.process = free_port(), directory, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "/usr/bin/redis-server", "--port", str(self.port)]
            + ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
        )
        wait_until(lambda: socket.socket().connect_ex(("127.0.0.1", self.port)) == 0, 10, "redis-server")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


class OwnPostgres:
    """A throwaway PostgreSQL cluster (initdb, pg_ctl) on a free port, run as the ``postgres`` user when this
    process is root (initdb refuses root). Restarting it never touches the shared cluster."""

    def __init__(self, directory):
        self.port, self.directory = free_port(), directory / "pgdata"
        self.as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/manatnet_bench_fault"

    def pg(self, *command):
        subprocess.run([*self.as_postgres, *command], check=True, stdout=subprocess.DEVNULL)

    def start(self):
        self.directory.parent.chmod(0o755)
        self.directory.mkdir()
        if self.as_postgres:
            shutil.chown(self.directory, "postgres")
        self.pg("initdb", "-D", str(self.directory), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self.ctl("start")
        self.pg("createdb", "-h", "127.0.0.1", "-p", str(self.port), "manatnet_bench_fault")

    def ctl(self, action):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        self.pg("pg_ctl", "-D", str(self.directory), "-o", options, "-w", "-l", str(self.directory / "log"), action)

    def stop(self):
        if (self.directory / "postmaster.pid").exists():
            self.ctl("stop")


def fault_redis(args, workdir):
    redis = OwnRedis(workdir)
    redis.start()
    trickle = MailTrickle()
    servers = Servers(server_env(os.environ["DATABASE_URL"], redis.url, workdir, EMAIL_URL=trickle.email_url), workdir)
    try:
        pages = prepare(args.managers, args.mandates, args.reuse)
        servers.start_web()
        servers.start_worker()
        log("Fault: Redis stopped for 60 s under the mix, mail written during the outage …")

        def break_redis():
            redis.stop()
            trickle.write(50, "redis-outage")

        def repair():
            redis.start()
            try:  # a worker that lost the broker may take a while to exit (it lets running tasks finish first)
                servers.worker.wait(60)
            except subprocess.TimeoutExpired:
                return
            if servers.worker.poll() is not None:
                # Celery's worker exits when the broker goes away (kombu: "Unrecoverable error"); the systemd unit
                # (Restart=always, docs/deploy/) starts it again, as this does.
                log(f"  the worker had exited (code {servers.worker.returncode}): restarted as systemd would")
                servers.start_worker()

        fault_under_load(servers, pages, seconds=120, break_it=break_redis, repair=repair, outage=60)
        drained = wait_for_outbox(trickle, 180)
        log(f"  outbox {drained}: {trickle.outcome()}")
    finally:
        servers.stop()
        trickle.stop()
        redis.stop()


def fault_worker(args, workdir):
    trickle = MailTrickle()
    env = server_env(
        os.environ["DATABASE_URL"],
        os.environ["REDIS_URL"],
        workdir,
        EMAIL_URL=trickle.email_url,
        NOTIFY_LEASE_SECONDS="30",
        NOTIFY_DRAIN_SECONDS="5",
    )
    servers = Servers(env, workdir)
    try:
        pages = prepare(args.managers, args.mandates, args.reuse)
        servers.start_web()
        servers.start_worker()
        log("Fault: the worker SIGKILLed while it sends 500 alerts, restarted 10 s later (lease 30 s) …")

        def kill_while_sending():
            trickle.write(500, "worker-kill")
            wait_until(lambda: trickle.sink.total() > 20, 60, "the first mails")
            servers.kill_worker()

        fault_under_load(
            servers, pages, seconds=60, break_it=kill_while_sending, repair=servers.start_worker, outage=10
        )
        drained = wait_for_outbox(trickle, 180)
        log(f"  outbox {drained}: {trickle.outcome()} (lost = written − distinct received)")
    finally:
        servers.stop()
        trickle.stop()


def fault_postgres(args, workdir):
    cluster = OwnPostgres(workdir)
    cluster.start()
    os.environ["DATABASE_URL"] = cluster.url  # this process's Django connects to the throwaway cluster
    setup_django()
    servers = Servers(server_env(cluster.url, os.environ["REDIS_URL"], workdir), workdir)
    try:
        pages = prepare(args.managers, args.mandates)
        from django.db import connections

        connections.close_all()
        servers.start_web()
        log("Fault: PostgreSQL (throwaway cluster) stopped for 20 s under the mix, then started …")
        fault_under_load(
            servers,
            pages,
            seconds=60,
            break_it=lambda: cluster.ctl("stop"),
            repair=lambda: cluster.ctl("start"),
            outage=20,
        )
    finally:
        servers.stop()
        cluster.stop()


# --- Main -------------------------------------------------------------------------------------------------------


def run(args, workdir):
    servers = Servers(server_env(os.environ["DATABASE_URL"], os.environ.get("REDIS_URL", ""), workdir), workdir)
    try:
        pages = prepare(args.managers, args.mandates, args.reuse)
        servers.start_web()
        log(f"gunicorn ({WORKERS} workers, DEBUG=false) on {servers.base}; wrk {args.seconds:.0f} s per run")
        log(f"at the start: {machine_line()}")
        results = measure_pages(servers, pages, args.seconds)
        mix = measure_mix(servers, pages, args.seconds, args.mix_rate)
        report(results, mix, args.mix_rate)
        return results, mix
    finally:
        servers.stop()


def run_soak(args, workdir):
    trickle = MailTrickle()
    env = server_env(os.environ["DATABASE_URL"], os.environ["REDIS_URL"], workdir, EMAIL_URL=trickle.email_url)
    servers = Servers(env, workdir)
    try:
        pages = prepare(args.managers, args.mandates, args.reuse)
        servers.start_web()
        servers.start_worker()
        log(f"machine: {machine_line()}")
        soak(servers, pages, trickle, args.soak, args.soak_share)
    finally:
        servers.stop()
        trickle.stop()


def minutes(text):
    match = re.fullmatch(r"(\d+)(m|min)?", text)
    if not match:
        raise argparse.ArgumentTypeError("minutes, e.g. 30m")
    return float(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--managers", type=int, default=100_000)
    parser.add_argument("--mandates", type=int, default=1000)
    parser.add_argument("--reuse", action="store_true", help="keep the managers when the count matches")
    parser.add_argument("--seconds", type=float, default=20, help="length of each wrk run")
    parser.add_argument("--mix-rate", type=float, default=100, help="requests per second offered in the paced mix")
    parser.add_argument("--soak", type=minutes, help="soak for this long (e.g. 30m) instead of the page runs")
    parser.add_argument("--soak-share", type=float, default=0.6, help="share of the mix's saturation while soaking")
    parser.add_argument("--fault", choices=["redis", "worker", "postgres"])
    parser.add_argument("--own-postgres", action="store_true", help="--fault postgres: start a throwaway cluster")
    args = parser.parse_args()
    if args.fault == "postgres" and not args.own_postgres:
        sys.exit("--fault postgres restarts a database cluster: pass --own-postgres to start a throwaway one here.")
    if not (args.own_postgres or os.environ.get("DATABASE_URL", "").startswith("postgres")):
        sys.exit("bench/load.py needs DATABASE_URL=postgres://… (and REDIS_URL for soak and faults)")
    os.environ.setdefault("SECRET_KEY", BENCH_SECRET_KEY)
    workdir = Path(tempfile.mkdtemp(prefix="manatnet-load-"))
    log(f"gunicorn's and the worker's logs: {workdir}")
    if args.fault == "postgres":
        fault_postgres(args, workdir)
        return
    setup_django()
    if args.fault:
        {"redis": fault_redis, "worker": fault_worker}[args.fault](args, workdir)
    elif args.soak:
        run_soak(args, workdir)
    else:
        run(args, workdir)


def setup_django():
    import logging

    import django

    django.setup()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line at INFO
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


if __name__ == "__main__":
    main()
