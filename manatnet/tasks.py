"""Periodic work of the platform as a whole."""

from celery import shared_task


@shared_task
def apply_retention():
    """Daily: delete personal data past its retention period (the purges every app registers with
    ``manatnet.privacy``)."""
    from .privacy import retention_apply

    return retention_apply()


@shared_task(ignore_result=True)
def beat_heartbeat():
    """Every minute: the timestamp /healthz and /metrics turn into "age of the last beat run"."""
    from .health import record_beat

    record_beat()
