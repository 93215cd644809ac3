"""The Celery application. Tasks live in ``<app>/tasks.py``; the beat schedule is ``CELERY_BEAT_SCHEDULE`` in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "manatnet.settings")

app = Celery("manatnet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
