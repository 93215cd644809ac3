"""Background work of ``mandates`` outside matching (matching's own tasks live in ``matching/jobs.py``)."""

from celery import shared_task
from django.utils import timezone


@shared_task
def warm_analytics():
    from .analytics import store

    return store.warm()


@shared_task
def compute_analytics_report(filters_key):
    from .analytics import store

    store.compute_report(filters_key)


@shared_task
def snapshot_analytics():
    from .analytics import snapshots

    return snapshots.snapshots_fill(today=timezone.localdate())
