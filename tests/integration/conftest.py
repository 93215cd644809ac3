"""Real infrastructure for the ``worker`` tests: a Celery worker subprocess (with embedded beat) on the test
database, the Redis at ``REDIS_URL`` (or a throwaway redis-server of our own), and an aiosmtpd SMTP sink that
counts what it accepted and can answer 4xx/5xx or stall on demand.

Needs ``REDIS_URL`` and a PostgreSQL ``DATABASE_URL`` (the worker must see the rows the test commits; pytest-django's
SQLite test database lives in memory). CI sets both; the SQLite pass runs ``-m "not worker"``.
"""

import asyncio
import email
import email.policy
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller

from manatnet.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).with_name("celery"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout=30.0, interval=0.1, message="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout}s waiting for {message}")


@pytest.fixture(autouse=True)
def _needs_infrastructure(request, settings):
    if not request.node.get_closest_marker("worker"):
        return
    if not os.environ.get("REDIS_URL"):
        pytest.fail("Worker tests need REDIS_URL (and a PostgreSQL DATABASE_URL); run them as .ci/run does.")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        pytest.fail("Worker tests need DATABASE_URL=postgres://…: the worker process must see the test database.")


# --- SMTP sink -----------------------------------------------------------------------------------------------------


class SinkHandler:
    """Accepts mail like a real MTA and records it; ``temporary_failures``/``reject``/``stall_at`` script trouble."""

    def __init__(self):
        self.lock = threading.Lock()
        self.messages = []  # (recipient, Message-ID, subject, body)
        self.temporary_failures = 0  # answer 451 to this many DATA commands first
        self.reject = False  # answer 550 to every RCPT
        self.stall_at = None  # the n-th RCPT hangs (a worker is killed while waiting for the answer)
        self.stalled = threading.Event()
        self.rcpt_seen = 0
        self.data_seen = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        with self.lock:
            self.rcpt_seen += 1
            stall = self.rcpt_seen == self.stall_at
        if self.reject:
            return "550 5.1.1 Mailbox unavailable"
        if stall:
            self.stalled.set()
            await asyncio.sleep(60)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.data_seen += 1
            if self.temporary_failures > 0:
                self.temporary_failures -= 1
                return "451 4.3.0 Temporary local problem, try again"
            message = email.message_from_bytes(envelope.content, policy=email.policy.default)
            text = message.get_body(("plain",)).get_content()
            for recipient in envelope.rcpt_tos:
                self.messages.append((recipient, message["Message-ID"], str(message["Subject"]), text))
        return "250 Message accepted for delivery"

    def count(self):
        with self.lock:
            return len(self.messages)

    def recipients(self):
        with self.lock:
            return [m[0] for m in self.messages]


@pytest.fixture
def smtp_sink():
    handler = SinkHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


# --- Redis --------------------------------------------------------------------------------------------------------


class OwnRedis:
    """A throwaway redis-server (no persistence) that a test may stop and start again on the same port."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.up, timeout=10, message="redis-server")

    def up(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                return True
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def own_redis(tmp_path):
    server = OwnRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def use_broker(url):
    """Point this (test) process's Celery app at ``url``: the "web side" publishes where the worker listens."""
    from kombu import pools

    celery_app.conf.broker_url = url
    pools.reset()  # kombu keeps connection pools per URL globally; drop them so the new URL takes effect
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    from manatnet.queue import reset_broker_backoff

    reset_broker_backoff()


# --- Worker -------------------------------------------------------------------------------------------------------


def test_database_url(settings, name=None):
    """The test database (or database ``name`` on the same server) as a URL for another process."""
    db = settings.DATABASES["default"]
    auth = quote(db.get("USER") or "postgres")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name or db['NAME']}"


class Worker:
    def __init__(self, env, log_path, include=()):
        self.env, self.log_path, self.process = env, log_path, None
        self.include = ["--include", ",".join(include)] if include else []

    def start(self):
        self.log = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
        offset = self.log_path.stat().st_size
        self.process = subprocess.Popen(
            [
                CELERY,
                "-A",
                "manatnet",
                "worker",
                "-B",
                "--loglevel",
                "INFO",
                "--pool",
                "prefork",
                "--concurrency",
                "2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--schedule",
                str(self.log_path.with_suffix(".beat")),
                *self.include,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill() takes pool children and beat with it
        )
        wait_for(lambda: b" ready." in self.log_path.read_bytes()[offset:], timeout=40, message="the worker")

    def kill(self):
        """SIGKILL the whole worker: main process, pool children and beat, like a host losing power."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)
        self.log.close()

    def output(self):
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def start_worker(settings, tmp_path, smtp_sink):
    """Start a real worker on the test database, the sink and ``REDIS_URL`` (or ``broker=``), importing the
    modules in ``include`` too; stopped afterwards (before pytest-django flushes the database)."""
    workers = []

    def start(broker=None, include=(), **extra_env):
        broker = broker or os.environ["REDIS_URL"]
        use_broker(broker)
        celery_app.control.purge()  # messages left by an earlier run would point at rows that no longer exist
        env = {
            **os.environ,
            "DATABASE_URL": test_database_url(settings),
            "REDIS_URL": broker,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
            "SITE_URL": "https://manatnet.example",
            "NOTIFY_DRAIN_SECONDS": "1",
            "NOTIFY_RETRY_BASE_SECONDS": "0.3",
            "NOTIFY_LEASE_SECONDS": "3",
            "NOTIFY_DIGEST_HOUR": "0",
            "PYTHONUNBUFFERED": "1",
            **extra_env,
        }
        worker = Worker(env, tmp_path / f"worker{len(workers)}.log", include)
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
    use_broker(os.environ.get("REDIS_URL") or "memory://")
