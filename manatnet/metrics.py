"""Prometheus metrics (prometheus-client): request latency, Celery task outcomes, and figures apps register.

* ``manatnet_http_request_duration_seconds{view,method,status}``: a histogram per URL name (never the raw path:
  ids in paths would make a series per object).
* ``manatnet_celery_tasks_total{task,outcome}``: every finished task, ``outcome`` succeeded, failed or retried.
* Figures read at scrape time from the database or the cache: apps register them with :func:`gauge`
  (``notifications/gauges.py``: the outbox backlog and the age of its oldest row; here: the beat heartbeat's age).
  ``/healthz`` shows the same figures to staff.

Several processes (gunicorn workers, the worker's pool) each count their own requests and tasks. With
``PROMETHEUS_MULTIPROC_DIR`` set (an empty directory per host, shared by the host's web and worker processes) every
process writes its counters there and ``/metrics`` adds them up; without it ``/metrics`` shows only the answering
process (fine for one process, wrong for gunicorn with several workers). docs/deploy.md has the unit files.
"""

import hmac
import logging
import os
import time

from celery import signals
from django.conf import settings
from django.http import HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from .staff import staff_view

log = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "manatnet_http_request_duration_seconds",
    "Time from the first middleware to the response, by URL name, method and status class.",
    ["view", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
TASKS = Counter("manatnet_celery_tasks", "Celery tasks finished, by task and outcome.", ["task", "outcome"])
TASK_OUTCOMES = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried"}

_gauges = {}


def gauge(name, documentation):
    """Register ``function() -> number | None`` as the gauge ``manatnet_<name>``, read at every scrape (and by
    ``/healthz`` for staff). ``None`` means "unknown" and is left out."""

    def register(function):
        _gauges[name] = (documentation, function)
        return function

    return register


def gauge_values():
    """Every registered figure by name; one that fails (database or cache down) is ``None``, never an error."""
    values = {}
    for name, (_doc, function) in sorted(_gauges.items()):
        try:
            values[name] = function()
        except Exception:  # a scrape or a health check must answer while a dependency is down
            log.warning("gauge %s could not be read", name, exc_info=True)
            values[name] = None
    return values


class RegisteredGauges:
    """A collector yielding the registered figures, computed when Prometheus scrapes."""

    def collect(self):
        for name, value in gauge_values().items():
            if value is not None:
                family = GaugeMetricFamily(f"manatnet_{name}", _gauges[name][0])
                family.add_metric([], value)
                yield family


def registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        combined = CollectorRegistry()
        MultiProcessCollector(combined)
        combined.register(RegisteredGauges())
        return combined
    return REGISTRY


REGISTRY.register(RegisteredGauges())


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = (match.view_name if match else "") or "unmatched"
        REQUEST_LATENCY.labels(view, request.method, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response


@signals.task_postrun.connect
def _count_task(task=None, state=None, **kwargs):
    if state in TASK_OUTCOMES:
        TASKS.labels(getattr(task, "name", "unknown"), TASK_OUTCOMES[state]).inc()


def bearer_token_ok(request):
    expected = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(expected) and hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


@staff_view("notifications.view_notification")
def _staff_metrics(request):
    return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)


def metrics_view(request):
    """``/metrics``: for Prometheus with ``Authorization: Bearer $METRICS_TOKEN``, or for staff who may see the
    outbox (the figures are mostly its backlog). Never public."""
    if bearer_token_ok(request):
        return HttpResponse(generate_latest(registry()), content_type=CONTENT_TYPE_LATEST)
    return _staff_metrics(request)
