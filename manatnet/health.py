"""Liveness of the two things the platform depends on (the database and the Celery broker), and the beat
heartbeat."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from .metrics import gauge


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


# --- Beat heartbeat ---------------------------------------------------------------------------------------------
# Beat schedules ``manatnet.tasks.beat_heartbeat`` every minute and a worker runs it: a fresh timestamp in the
# shared cache proves beat, broker and a worker all work. Not part of the 200/503 status (a load balancer must not
# take every web host out because beat stopped); its age is for monitoring, in /healthz for staff and /metrics.
HEARTBEAT_KEY = "manatnet:beat-heartbeat"


def record_beat(now=None):
    cache.set(HEARTBEAT_KEY, now if now is not None else time.time(), timeout=None)


@gauge("beat_heartbeat_age_seconds", "Seconds since a worker last ran the task beat schedules every minute.")
def beat_age_seconds():
    """Seconds since the last heartbeat, ``None`` when there never was one (embedded mode has no beat)."""
    last = cache.get(HEARTBEAT_KEY)
    return None if last is None else round(max(time.time() - float(last), 0.0), 1)
