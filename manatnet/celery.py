"""The Celery application. Tasks live in ``<app>/tasks.py``; the beat schedule is ``CELERY_BEAT_SCHEDULE`` in settings."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manatnet.settings")

app = Celery("manatnet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def _check_database(**kwargs):
    from django.core.exceptions import ImproperlyConfigured

    from manatnet.checks import fail_fast_on_unreachable_database

    try:
        fail_fast_on_unreachable_database()
    except ImproperlyConfigured as exc:
        # Celery logs and swallows exceptions from signal handlers; SystemExit is what actually stops the process.
        raise SystemExit(f"ImproperlyConfigured: {exc}") from exc
