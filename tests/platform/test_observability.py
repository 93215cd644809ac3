"""What an operator sees: log lines with request id, user id (never the e-mail) and task id; /metrics only for a
scraper with the token or staff who may see the outbox; Sentry only with a DSN and never with personal data."""

import io
import json
import logging
import logging.config
import sys
import types
from datetime import timedelta

import pytest
from celery import shared_task
from django.contrib.auth.models import Permission
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from manatnet.logs import logging_config
from manatnet.sentry import init_sentry
from manatnet.tasks import beat_heartbeat
from notifications.models import Notification
from tests import factories


@pytest.fixture
def json_lines():
    """The production handler (formatter and filter exactly as settings.LOGGING builds them) on a buffer."""
    config = logging_config(json_lines=True, level="INFO")
    configurator = logging.config.DictConfigurator(config)
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(configurator.configure_formatter(config["formatters"]["default"]))
    handler.addFilter(configurator.configure_filter(config["filters"]["context"]))
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(previous)


@pytest.mark.django_db
def test_a_request_logs_one_json_line_with_request_id_and_user_id_but_not_the_email(client, manager, json_lines):
    client.force_login(manager.user)
    response = client.get("/manager/", headers={"X-Request-ID": "lb-4711.abc"})
    assert response.status_code == 200
    assert response["X-Request-ID"] == "lb-4711.abc"

    lines = json_lines()
    access = [line for line in lines if line["logger"] == "manatnet.request"]
    assert len(access) == 1
    assert access[0]["request_id"] == "lb-4711.abc"
    assert access[0]["user_id"] == manager.user.pk
    assert access[0]["status"] == 200 and access[0]["path"] == "/manager/"
    assert access[0]["level"] == "INFO" and access[0]["time"]
    for line in lines:
        assert manager.user.email not in json.dumps(line)


@pytest.mark.django_db
def test_a_request_without_a_usable_id_gets_a_fresh_one(client, json_lines):
    first = client.get("/healthz")
    forged = client.get("/healthz", headers={"X-Request-ID": "x\r\nSet-Cookie: evil=1"})
    assert len(first["X-Request-ID"]) == 32 and first["X-Request-ID"] != forged["X-Request-ID"]
    assert "evil" not in forged["X-Request-ID"]
    assert [line["user_id"] for line in json_lines() if line["logger"] == "manatnet.request"] == ["-", "-"]


@shared_task
def _logging_task():
    logging.getLogger("tests.observability").warning("inside the task")


def test_a_task_logs_its_task_id(json_lines):
    _logging_task.apply(task_id="task-42")
    line = next(line for line in json_lines() if line["message"] == "inside the task")
    assert line["task_id"] == "task-42" and line["request_id"] == "-"
    logging.getLogger("tests.observability").warning("after the task")
    assert json_lines()[-1]["task_id"] == "-"


def test_development_lines_are_readable_text():
    config = logging_config(json_lines=False, level="INFO")
    assert "request=%(request_id)s user=%(user_id)s" in config["formatters"]["default"]["format"]


# --- /healthz ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_tells_staff_the_age_of_the_last_beat_run_and_of_the_oldest_unsent_notification(client, staff, manager):
    Notification.objects.create(
        recipient=manager.user, kind="match_alert", key="mandate:1", created_at=timezone.now() - timedelta(minutes=5)
    )
    Notification.objects.create(
        recipient=manager.user, kind="match_alert", key="mandate:2", state=Notification.State.SENT
    )
    assert client.get("/healthz").json() == {"status": "ok"}, "anonymous callers still get the minimal answer"

    factories.login_with_totp(client, staff)
    figures = client.get("/healthz").json()["figures"]
    assert figures["beat_heartbeat_age_seconds"] is None, "no beat has run yet"
    assert figures["outbox_unsent"] == 1
    assert 299 <= figures["outbox_oldest_unsent_age_seconds"] < 400

    beat_heartbeat.delay()
    assert client.get("/healthz").json()["figures"]["beat_heartbeat_age_seconds"] < 5


@pytest.mark.django_db
def test_healthz_details_for_monitoring_with_the_metrics_token(client, settings):
    settings.METRICS_TOKEN = "scrape-secret"
    assert "figures" in client.get("/healthz", headers={"Authorization": "Bearer scrape-secret"}).json()
    assert client.get("/healthz", headers={"Authorization": "Bearer wrong"}).json() == {"status": "ok"}


# --- /metrics ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_are_never_public(client, settings, manager):
    settings.METRICS_TOKEN = "scrape-secret"
    assert client.get("/metrics").status_code == 302, "anonymous: sent to the login"
    assert client.get("/metrics", headers={"Authorization": "Bearer scrape-secret2"}).status_code == 302
    client.force_login(manager.user)
    assert client.get("/metrics").status_code == 302

    colleague = factories.user("colleague@example.com", staff=True)
    colleague.is_superuser = False
    colleague.save()
    client.logout()
    factories.login_with_totp(client, colleague)
    assert client.get("/metrics").status_code == 403, "staff without the outbox permission"
    colleague.user_permissions.add(Permission.objects.get(codename="view_notification"))
    assert client.get("/metrics").status_code == 200


@pytest.mark.django_db
def test_metrics_expose_the_outbox_backlog_request_latency_and_task_outcomes(client, settings, manager):
    settings.METRICS_TOKEN = "scrape-secret"
    Notification.objects.create(
        recipient=manager.user, kind="match_alert", key="mandate:1", created_at=timezone.now() - timedelta(hours=1)
    )
    beat_heartbeat.delay()
    client.get("/healthz")

    response = client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "manatnet_outbox_unsent 1.0" in text
    age = next(line for line in text.splitlines() if line.startswith("manatnet_outbox_oldest_unsent_age_seconds "))
    assert 3600 <= float(age.split()[1]) < 3700
    assert 'manatnet_http_request_duration_seconds_bucket{le="0.1",method="GET",status="2xx",view="healthz"}' in text
    assert 'manatnet_celery_tasks_total{outcome="succeeded",task="manatnet.tasks.beat_heartbeat"}' in text
    assert "manatnet_beat_heartbeat_age_seconds" in text


# --- Sentry -----------------------------------------------------------------------------------------------------


def test_sentry_needs_its_optional_package_and_says_so(monkeypatch):
    monkeypatch.setitem(sys.modules, "sentry_sdk", None)
    with pytest.raises(ImproperlyConfigured, match="requirements-optional.txt"):
        init_sentry("https://key@sentry.example/1", environment="production", traces_sample_rate=0)


def test_sentry_reports_without_personal_data(monkeypatch):
    calls = []
    sdk = types.ModuleType("sentry_sdk")
    sdk.init = lambda **kwargs: calls.append(kwargs)
    for name, attr in [
        ("sentry_sdk.integrations.django", "DjangoIntegration"),
        ("sentry_sdk.integrations.celery", "CeleryIntegration"),
    ]:
        module = types.ModuleType(name)
        setattr(module, attr, lambda attr=attr: attr)
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.setitem(sys.modules, "sentry_sdk", sdk)
    monkeypatch.setitem(sys.modules, "sentry_sdk.integrations", types.ModuleType("sentry_sdk.integrations"))

    init_sentry("https://key@sentry.example/1", environment="staging", traces_sample_rate=0.1)
    assert calls[0]["dsn"] == "https://key@sentry.example/1" and calls[0]["send_default_pii"] is False
    assert calls[0]["integrations"] == ["DjangoIntegration", "CeleryIntegration"]
