"""Who and what a log line is about: the request id, the user id (never the e-mail) and the Celery task id.

Every log record gets ``request_id``, ``user_id`` and ``task_id`` (``-`` where there is none) from context
variables, so any logger anywhere in the code carries them without passing them around. The request id comes from
the ``X-Request-ID`` header when a proxy sent a sane one, else it is generated; it is returned in the response so
a user's report and the proxy's log lead to the same lines. ``settings.LOGGING`` chooses JSON lines (production)
or readable lines (development).
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from celery import signals

request_id_var = ContextVar("request_id", default=None)
user_id_var = ContextVar("user_id", default=None)
task_id_var = ContextVar("task_id", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
# A proxy's id is kept only if it cannot smuggle anything into a log line or a header.
SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

access_log = logging.getLogger("manatnet.request")


class ContextFilter(logging.Filter):
    """Adds the ids of the current request and task to every record (a filter on the handler, so third-party
    loggers get them too)."""

    def filter(self, record):
        record.request_id = request_id_var.get() or "-"
        record.user_id = user_id_var.get() or "-"
        record.task_id = task_id_var.get() or "-"
        return True


def incoming_request_id(request):
    candidate = request.headers.get(REQUEST_ID_HEADER, "")
    return candidate if SANE_REQUEST_ID.match(candidate) else uuid.uuid4().hex


class RequestContextMiddleware:
    """Outermost middleware: the request id for the whole request, and one access line when it ends."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = incoming_request_id(request)
        request_token = request_id_var.set(request.request_id)
        user_token = user_id_var.set(None)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(request_token)
            user_id_var.reset(user_token)


class UserContextMiddleware:
    """After authentication: the user's id (a number, never the e-mail address) for the rest of the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(user.pk)
        return self.get_response(request)


@signals.task_prerun.connect
def _task_started(task_id=None, **kwargs):
    task_id_var.set(task_id)


@signals.task_postrun.connect
def _task_ended(**kwargs):
    task_id_var.set(None)


def logging_config(*, json_lines, level):
    """``settings.LOGGING``: JSON lines (one object per line, for a log shipper) or readable lines."""
    ids = "request=%(request_id)s user=%(user_id)s task=%(task_id)s"
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s %(task_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if json_lines
        else {"format": f"%(asctime)s %(levelname)s %(name)s [{ids}] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "manatnet.logs.ContextFilter"}},
        "formatters": {"default": formatter},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "default", "filters": ["context"]}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Per-task success lines drown everything else (in-process tasks log them too); failures still show.
            "celery.app.trace": {"level": "WARNING"},
            # Our access line replaces Django's own (runserver); gunicorn's access log stays off by default.
            "django.server": {"level": "WARNING"},
        },
    }
