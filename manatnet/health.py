"""Liveness of the two things the platform depends on: the database and the Celery broker."""

from django.conf import settings
from django.db import connection


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return True, "ok"
    except Exception as exc:  # any driver error means "not usable" to an operator
        return False, f"{type(exc).__name__}: {exc}"[:200]


def broker_ok():
    """Ping Redis directly with a short timeout; in embedded mode there is no broker to be down."""
    if not settings.REDIS_URL:
        return True, "embedded (tasks run in-process)"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
        client.ping()
        return True, "ok"
    except Exception as exc:  # connection refused, timeout, auth: all "down"
        return False, f"{type(exc).__name__}: {exc}"[:200]
