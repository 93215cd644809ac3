"""Periodic work of the platform as a whole."""

from celery import shared_task


@shared_task
def apply_retention():
    """Daily: delete personal data past its retention period (the purges every app registers with
    ``manatnet.privacy``)."""
    from .privacy import retention_apply

    return retention_apply()
