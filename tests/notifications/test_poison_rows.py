"""A row that can never be sent ends failed with its error; it never holds up the rows claimed with it, and no
row is claimed more often than NOTIFY_MAX_ATTEMPTS, whatever happens to the workers."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from managers.models import ManagerProfile
from notifications import kinds
from notifications.models import Notification
from notifications.services import notification_create
from notifications.tasks import deliver, drain_outbox
from tests import factories


def explode(notification):
    raise RuntimeError("Kontext kaputt")


@pytest.fixture(autouse=True)
def faulty_kinds(monkeypatch):
    for kind in (
        kinds.Kind("test_builder_raises", builder=explode),
        kinds.Kind("test_template_missing", builder=lambda n: {}, templates="emails/test_template_missing"),
    ):
        monkeypatch.setitem(kinds._registry, kind.name, kind)


def managers(n):
    return [factories.manager(f"m{i}@example.com") for i in range(n)]


def write(user, kind, key="k"):
    return notification_create(recipient=user, kind=kind, key=key)


def states(*rows):
    for row in rows:
        row.refresh_from_db()
    return [(row.state, row.attempts) for row in rows]


def test_a_builder_that_raises_fails_its_row_and_the_rest_of_the_batch_is_sent(db):
    first, poisoned, last = managers(3)
    rows = [
        write(first.user, "availability_reminder"),
        write(poisoned.user, "test_builder_raises"),
        write(last.user, "availability_reminder"),
    ]
    drain_outbox()
    assert states(*rows) == [("sent", 1), ("failed", 1), ("sent", 1)]
    assert rows[1].last_error == "RuntimeError: Kontext kaputt"
    assert sorted(m.to[0] for m in mail.outbox) == ["m0@example.com", "m2@example.com"]


def test_a_missing_template_fails_its_row_and_the_rest_of_the_batch_is_sent(db):
    people = managers(4)
    rows = [write(people[0].user, "test_template_missing")] + [
        write(person.user, "availability_reminder") for person in people[1:]
    ]
    drain_outbox()
    assert [state for state, _attempts in states(*rows)] == ["failed", "sent", "sent", "sent"]
    assert rows[0].last_error.startswith("TemplateDoesNotExist: emails/test_template_missing-subject.de.txt")
    assert len(mail.outbox) == 3


def test_a_row_whose_kind_was_removed_fails_instead_of_blocking(manager):
    row = write(manager.user, "availability_reminder")
    Notification.objects.filter(id=row.id).update(kind="retired_kind")
    deliver(row.id)
    assert states(row) == [("failed", 1)]
    assert "UnknownKind" in row.last_error and "retired_kind" in row.last_error


def test_a_poison_row_is_not_claimed_again_and_later_rows_still_go_out(manager, other_manager, settings):
    poisoned = write(manager.user, "test_builder_raises")
    drain_outbox()
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.NOTIFY_LEASE_SECONDS + 60)):
        later = write(other_manager.user, "availability_reminder")
        drain_outbox()
    assert states(poisoned, later) == [("failed", 1), ("sent", 1)]


def test_staff_see_the_error_of_a_poison_row_and_can_resend_it(client, staff, manager, monkeypatch):
    row = write(manager.user, "test_builder_raises")
    drain_outbox()
    factories.login_with_totp(client, staff)
    page = client.get("/admin/notifications/notification/", {"state": "failed"}).content.decode()
    assert "RuntimeError: Kontext kaputt" in page

    # The builder is fixed (here: it builds an empty context for the reminder's templates); staff resend the row.
    fixed = kinds.Kind("test_builder_raises", lambda n: {}, templates="emails/availability_reminder")
    monkeypatch.setitem(kinds._registry, fixed.name, fixed)
    client.post("/admin/notifications/notification/", {"action": "resend", "_selected_action": [row.id]})
    drain_outbox()
    assert states(row) == [("sent", 1)]
    assert [m.to for m in mail.outbox] == [[manager.user.email]]


def test_a_row_out_of_attempts_is_never_claimed_and_ends_failed(manager, other_manager, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    exhausted = write(manager.user, "availability_reminder")
    Notification.objects.filter(id=exhausted.id).update(attempts=3, last_error="451 Try again later")
    fresh = write(other_manager.user, "availability_reminder")
    assert Notification.objects.claim(exhausted.id) is None

    drain_outbox()
    assert states(exhausted, fresh) == [("failed", 3), ("sent", 1)]
    assert "3 Versuchen" in exhausted.last_error and "451 Try again later" in exhausted.last_error
    assert [m.to for m in mail.outbox] == [[other_manager.user.email]]


def test_a_row_that_keeps_killing_its_worker_fails_after_the_last_attempt(manager, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    row = write(manager.user, "availability_reminder")
    start = timezone.now()
    for attempt in range(2):  # each claim is taken by a worker that dies before recording anything
        with time_machine.travel(start + attempt * timedelta(seconds=settings.NOTIFY_LEASE_SECONDS + 1)):
            assert Notification.objects.claim_batch(10) == [row]
    with time_machine.travel(start + 3 * timedelta(seconds=settings.NOTIFY_LEASE_SECONDS + 1)):
        assert Notification.objects.claim_batch(10) == []
        drain_outbox()
    assert states(row) == [("failed", 2)]
    assert mail.outbox == []


def test_a_recipient_who_opted_out_after_the_row_was_written_is_skipped(staff):
    manager = factories.manager("late.optout@example.com")
    mandate = factories.mandate(owner=staff)
    row = notification_create(
        recipient=manager.user, kind="match_alert", key=f"mandate:{mandate.pk}", context={"mandate_id": mandate.pk}
    )
    ManagerProfile.objects.filter(pk=manager.pk).update(notify_matches=ManagerProfile.Notify.NEVER)
    drain_outbox()
    assert states(row) == [("skipped", 1)]
    assert "abbestellt" in row.last_error
    assert mail.outbox == []
