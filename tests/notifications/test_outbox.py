"""The outbox: written with the change, claimed once, sent once, retried with backoff, failed visibly."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notification_create, retry_delay
from notifications.tasks import deliver, drain_outbox
from tests import factories
from tests.notifications import backends


def reminder(user, key="availability:2026-11"):
    return notification_create(recipient=user, kind="availability_reminder", key=key, context={})


def test_it_sends_a_new_notification_once_after_commit(manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = reminder(manager.user)
        assert mail.outbox == []  # nothing leaves before the change is committed
    row.refresh_from_db()
    assert row.state == Notification.State.SENT and row.sent_at is not None and row.attempts == 1
    assert [m.to for m in mail.outbox] == [["manager@example.com"]]

    # A redelivered task, the periodic drain and a late nudge all find nothing to claim.
    deliver(row.id)
    drain_outbox()
    deliver.delay(row.id)
    assert len(mail.outbox) == 1


def test_it_writes_one_row_per_recipient_kind_and_key(manager, other_manager):
    assert reminder(manager.user) is not None
    assert reminder(manager.user) is None
    assert reminder(manager.user, key="availability:2026-12") is not None
    assert reminder(other_manager.user) is not None
    assert Notification.objects.count() == 3


def test_a_rolled_back_change_leaves_no_notification(manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                reminder(manager.user)
                raise RuntimeError("the profile save failed")
        except RuntimeError:
            pass
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_language_defaults_to_what_the_recipient_chose(manager, client_contact, staff):
    manager.email_language = "en"
    manager.save()
    client_contact.email_language = "en"
    client_contact.save()
    assert reminder(manager.user).language == "en"
    row = notification_create(recipient=client_contact.user, kind="shortlist_sent", key="mandate:1", context={})
    assert row.language == "en"
    assert notification_create(recipient=staff, kind="manager_interested", key="candidacy:1").language == "de"
    assert notification_create(recipient=staff, kind="client_feedback", key="c:1", language="en").language == "en"


def test_only_one_claim_wins_and_a_stale_claim_is_taken_over(manager, settings):
    settings.NOTIFY_LEASE_SECONDS = 300
    row = reminder(manager.user)
    first = Notification.objects.claim(row.id)
    assert first is not None and first.state == Notification.State.SENDING
    assert Notification.objects.claim(row.id) is None
    assert Notification.objects.claim_batch(10) == []

    # The claiming worker was killed: after the lease the next drain sends the row.
    with time_machine.travel(timezone.now() + timedelta(seconds=301)):
        drain_outbox()
    row.refresh_from_db()
    assert row.state == Notification.State.SENT and row.attempts == 2
    assert len(mail.outbox) == 1


def test_a_worker_whose_claim_was_taken_over_does_not_overwrite_the_outcome(manager, settings):
    from notifications.services import notification_send

    row = reminder(manager.user)
    stale = Notification.objects.claim(row.id)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.NOTIFY_LEASE_SECONDS + 1)):
        fresh = Notification.objects.claim(row.id)
        backends.plan.append(backends.permanent())
        notification_send(notification=fresh, connection=mail.get_connection())
    # The first worker wakes up and finishes; the row keeps what the second worker recorded.
    notification_send(notification=stale, connection=mail.get_connection())
    row.refresh_from_db()
    assert row.state == Notification.State.FAILED


def test_a_temporary_smtp_error_is_retried_with_backoff_until_it_goes_through(manager, settings):
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    backends.plan.extend([backends.temporary(), backends.temporary()])
    row = reminder(manager.user)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        deliver(row.id)
        row.refresh_from_db()
        assert row.state == Notification.State.PENDING
        assert row.next_attempt_at == start + timedelta(seconds=60)
        assert "451" in row.last_error
        drain_outbox()  # not due yet: nothing happens
        assert row.attempts == 1 and mail.outbox == []
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        drain_outbox()
        row.refresh_from_db()
        assert row.next_attempt_at == start + timedelta(seconds=61 + 120)  # doubled
    with time_machine.travel(start + timedelta(seconds=200), tick=False):
        drain_outbox()
    row.refresh_from_db()
    assert row.state == Notification.State.SENT and row.attempts == 3 and row.last_error == ""
    assert len(mail.outbox) == 1


def test_backoff_is_capped_below_the_redis_visibility_timeout(settings):
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert max(retry_delay(n) for n in range(1, 30)) == settings.NOTIFY_RETRY_CAP_SECONDS < visibility


def test_a_permanent_smtp_error_marks_the_row_failed_with_the_error(manager):
    backends.plan.append(backends.permanent())
    row = reminder(manager.user)
    deliver(row.id)
    row.refresh_from_db()
    assert row.state == Notification.State.FAILED
    assert "550" in row.last_error and "No such user" in row.last_error
    drain_outbox()
    assert mail.outbox == []


def test_the_last_temporary_failure_marks_the_row_failed(manager, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 2
    backends.plan.extend([backends.temporary(), backends.temporary()])
    row = reminder(manager.user)
    deliver(row.id)
    with time_machine.travel(timezone.now() + timedelta(hours=1)):
        drain_outbox()
    row.refresh_from_db()
    assert row.state == Notification.State.FAILED and row.attempts == 2 and "451" in row.last_error


def test_a_dropped_connection_counts_as_temporary(manager):
    backends.plan.append(ConnectionRefusedError(111, "Connection refused"))
    row = reminder(manager.user)
    deliver(row.id)
    row.refresh_from_db()
    assert row.state == Notification.State.PENDING and "Connection refused" in row.last_error


def test_a_drain_stops_at_the_first_temporary_failure_instead_of_burning_every_rows_attempt(manager, other_manager):
    first, second = reminder(manager.user), reminder(other_manager.user)
    backends.plan.append(backends.temporary())
    drain_outbox()
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.state, first.attempts) == (Notification.State.PENDING, 1)
    assert (second.state, second.attempts) == (Notification.State.PENDING, 0)


def test_it_skips_with_a_note_when_the_subject_of_the_mail_is_gone(staff):
    row = notification_create(
        recipient=staff, kind="manager_interested", key="candidacy:999", context={"candidacy_id": 999}
    )
    deliver(row.id)
    row.refresh_from_db()
    assert row.state == Notification.State.SKIPPED
    assert "Kandidatur existiert nicht mehr" in row.last_error
    assert mail.outbox == []


def test_a_recipient_without_address_is_skipped(db):
    person = factories.manager("nomail@example.com")
    person.user.email = ""
    person.user.save()
    row = reminder(person.user)
    deliver(row.id)
    row.refresh_from_db()
    assert row.state == Notification.State.SKIPPED


@pytest.mark.parametrize("failed_state", [Notification.State.FAILED, Notification.State.SKIPPED])
def test_staff_can_resend_failed_rows_from_the_admin(
    client, staff, manager, failed_state, django_capture_on_commit_callbacks
):
    row = reminder(manager.user)
    Notification.objects.filter(id=row.id).update(state=failed_state, attempts=8, last_error="550 …")
    sent = reminder(manager.user, key="availability:2026-10")
    Notification.objects.filter(id=sent.id).update(state=Notification.State.SENT)
    factories.login_with_totp(client, staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/admin/notifications/notification/",
            {"action": "resend", "_selected_action": [row.id, sent.id]},
            follow=True,
        )
    assert response.status_code == 200
    assert "1 Benachrichtigung wird erneut gesendet" in response.content.decode()
    row.refresh_from_db()
    assert row.state == Notification.State.SENT and row.attempts == 1
    assert len(mail.outbox) == 1  # the already-sent row was not sent again


def test_admin_lists_the_outbox_with_filters(client, staff, manager, other_manager, django_assert_max_num_queries):
    for person in (manager, other_manager):
        reminder(person.user)
    factories.login_with_totp(client, staff)
    with django_assert_max_num_queries(15):
        response = client.get(
            "/admin/notifications/notification/", {"state": "pending", "kind": "availability_reminder"}
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "manager@example.com" in page and "other.manager@example.com" in page
    response = client.get("/admin/notifications/notification/", {"recipient__id__exact": manager.user.id})
    assert [row.recipient for row in response.context["cl"].result_list] == [manager.user]
