"""Fan-out benchmark: N match alerts through a real Celery worker into an SMTP sink; mails per second, duplicates.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/manatnet_bench REDIS_URL=redis://127.0.0.1:6379/3 \\
        .venv/bin/python bench/notifications.py --alerts 10000 --concurrency 2

What it does: migrates the database, creates N managers (bulk) and one open mandate, starts an aiosmtpd sink on a
free loopback port and ``celery -A manatnet worker`` against it, then writes the N "match_alert" rows in one
transaction exactly as ``mandates.tasks.mandate_match`` does (bulk insert, one drain nudge after commit) and times
commit → last mail accepted by the sink. It reports mails per second and the number of duplicates (Message-IDs
seen more than once; must be 0), then deletes what it created. Needs PostgreSQL and Redis; use a database of its
own, the managers it creates are real rows.
"""

import argparse
import os
import platform
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from email.parser import BytesHeaderParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manatnet.settings")

PREFIX = "bench-notify-"


class Sink:
    def __init__(self):
        self.lock = threading.Lock()
        self.ids = Counter()
        self.first = self.last = None

    async def handle_DATA(self, server, session, envelope):
        # Only the header is parsed: the sink must not be the bottleneck it measures.
        message_id = BytesHeaderParser().parsebytes(envelope.content)["Message-ID"]
        now = time.monotonic()
        with self.lock:
            self.ids[message_id] += 1
            self.first = self.first or now
            self.last = now
        return "250 Message accepted for delivery"

    def total(self):
        with self.lock:
            return sum(self.ids.values())


def alert_context(mandate_id):
    """A match alert's context as ``mandates.tasks.mandate_match`` writes it (criteria as
    ``mandates.presenters.mail_criteria`` keeps them)."""
    row = {"hard_fail": False, "met": True}
    criteria = [
        {
            **row,
            "key": "skills",
            "label": "Kompetenzen",
            "sentence": "3 von 3 Muss-Kompetenzen",
            "points": 35,
            "share": 35,
        },
        {**row, "key": "function", "label": "Funktion", "sentence": "Funktion passt (CFO)", "points": 15, "share": 15},
        {
            **row,
            "key": "availability",
            "label": "Verfügbarkeit",
            "sentence": "verfügbar zum Start",
            "points": 10,
            "share": 10,
        },
    ]
    return {"mandate_id": mandate_id, "score": 84.3, "criteria": criteria}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes (prefork)")
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench/notifications.py needs DATABASE_URL=postgres://… and REDIS_URL=redis://…")

    import django

    django.setup()
    import logging

    from aiosmtpd.controller import Controller
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import transaction

    from managers.models import ManagerProfile
    from manatnet.celery import app
    from mandates.models import ClientCompany, Mandate
    from notifications.models import Notification
    from notifications.services import notifications_create_bulk

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every SMTP line at INFO
    call_command("migrate", verbosity=0)
    cleanup()

    print(f"Creating {args.alerts} managers …", flush=True)
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"{PREFIX}{i}@example.com", email=f"{PREFIX}{i}@example.com") for i in range(args.alerts)],
        batch_size=2000,
    )
    ManagerProfile.objects.bulk_create([ManagerProfile(user=u) for u in users], batch_size=2000)
    company = ClientCompany.objects.create(name=f"{PREFIX}company")
    mandate = Mandate.objects.create(
        company=company, title=f"{PREFIX}mandate", public_summary="CFO für einen Mittelständler", status="open"
    )
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.control.purge()
    env = {
        **os.environ,
        "EMAIL_URL": f"smtp://127.0.0.1:{controller.port}",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("celery")),
            "-A",
            "manatnet",
            "worker",
            "--loglevel",
            "WARNING",
            "--pool",
            "prefork",
            "--concurrency",
            str(args.concurrency),
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    try:
        time.sleep(6)  # worker start-up (not part of the measurement)
        print(f"Writing {args.alerts} match alerts and nudging the worker …", flush=True)
        with transaction.atomic():
            notifications_create_bulk(
                [
                    Notification(
                        recipient=u,
                        kind="match_alert",
                        key=f"mandate:{mandate.pk}",
                        language="de",
                        context=alert_context(mandate.pk),
                    )
                    for u in users
                ]
            )
            start = time.monotonic()
            sink_cpu_start = time.process_time()
            load_start = os.getloadavg()[0]
        deadline = start + args.timeout
        while sink.total() < args.alerts and time.monotonic() < deadline and worker.poll() is None:
            time.sleep(0.2)
        elapsed = (sink.last or time.monotonic()) - start
        sink_cpu = time.process_time() - sink_cpu_start
        load_end = os.getloadavg()[0]
        time.sleep(3)  # anything arriving late would be a duplicate
        total = sink.total()
        duplicates = total - len(sink.ids)
        sent = Notification.objects.filter(recipient__in=users, state=Notification.State.SENT).count()
        other = Notification.objects.filter(recipient__in=users).exclude(state=Notification.State.SENT).count()
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(30)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the worker and its pool processes, now reaped
        worker_cpu = usage.ru_utime + usage.ru_stime
        mails = max(len(sink.ids), 1)
        cores = os.cpu_count()
        print()
        print(f"machine:      {platform.node()} · {cores} CPUs · {platform.python_version()} · {platform.platform()}")
        print(f"load average: {load_start:.1f} at start, {load_end:.1f} at end (other processes share the CPUs)")
        print(f"alerts:       {args.alerts} (worker prefork, {args.concurrency} processes; SMTP sink in this process)")
        print(f"received:     {total} mails, {len(sink.ids)} distinct Message-IDs, duplicates: {duplicates}")
        print(f"outbox:       {sent} sent, {other} not sent")
        print(f"time:         {elapsed:.1f} s from commit to last mail accepted")
        print(f"throughput:   {len(sink.ids) / elapsed:.0f} mails/s")
        print(
            f"CPU per mail: {1000 * worker_cpu / mails:.1f} ms worker (incl. its start-up) + "
            f"{1000 * sink_cpu / mails:.1f} ms SMTP sink; PostgreSQL and Redis not counted"
        )
        print(
            f"CPU bound:    {cores * mails / (worker_cpu + sink_cpu):.0f} mails/s with all {cores} CPUs for worker + sink"
        )
        ok = duplicates == 0 and len(sink.ids) == args.alerts
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(30)
        controller.stop()
        cleanup()
    sys.exit(0 if ok else 1)


def cleanup():
    from django.contrib.auth import get_user_model

    from mandates.models import ClientCompany, Mandate

    Mandate.objects.filter(title__startswith=PREFIX).delete()
    ClientCompany.objects.filter(name__startswith=PREFIX).delete()
    get_user_model().objects.filter(username__startswith=PREFIX).delete()


if __name__ == "__main__":
    main()
