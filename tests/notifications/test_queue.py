"""Enqueueing after commit never lets a dead broker fail or slow down the change that caused it."""

import socket
import time

import pytest
from kombu import pools

from manatnet import queue
from manatnet.celery import app
from notifications.models import Notification
from notifications.services import notification_create


@pytest.fixture
def dead_broker(settings):
    with socket.socket() as sock:  # a port nobody listens on: connection refused at once
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    previous = app.conf.broker_url, app.conf.task_always_eager
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    pools.reset()
    app._pool, app.amqp._producer_pool = None, None
    queue.reset_broker_backoff()
    yield
    app.conf.broker_url, app.conf.task_always_eager = previous
    pools.reset()
    app._pool, app.amqp._producer_pool = None, None
    queue.reset_broker_backoff()


def test_a_dead_broker_does_not_fail_the_save_and_the_row_waits_for_the_drain(
    manager, dead_broker, django_capture_on_commit_callbacks, caplog
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        row = notification_create(recipient=manager.user, kind="availability_reminder", key="availability:x")
    first = time.monotonic() - started
    assert first < 5
    assert "periodic drain" in caplog.text
    assert Notification.objects.get(id=row.id).state == Notification.State.PENDING

    # Later saves in the same process do not wait for the broker again.
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(recipient=manager.user, kind="availability_reminder", key="availability:y")
    assert time.monotonic() - started < 0.5
    assert Notification.objects.filter(state=Notification.State.PENDING).count() == 2


def test_enqueue_reports_whether_the_message_was_published(dead_broker):
    from notifications.tasks import drain_outbox

    assert queue.enqueue(drain_outbox) is False
    assert queue.enqueue(drain_outbox) is False  # skipped during the back-off, still no exception
