"""Notifications through a real Celery worker, real Redis and a real SMTP server: exactly once, whatever fails."""

import time
from collections import Counter

import pytest
from django.db import transaction

from managers.models import ManagerProfile
from mandates.models import Mandate
from mandates.services import mandate_open
from notifications import kinds
from notifications.models import Notification
from notifications.services import notification_create, notifications_create_bulk
from notifications.tasks import collect_digests
from tests import factories
from tests.integration.conftest import use_broker, wait_for
from tests.integration.fault_kinds import FAULT_KINDS

SKILLS = factories.CFO_SKILLS

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    # Serialized rollback cannot restore the reference data after the browser tests ran; this fixture reloads it.
    pytest.mark.usefixtures("reference_data"),
]


def strong(n, **fields):
    return [
        factories.manager(
            f"m{i}-{fields.get('notify_matches', 'i')}@example.com", skills=SKILLS, functions=("cfo",), **fields
        )
        for i in range(n)
    ]


def draft(owner=None, name=None):
    return factories.draft_cfo_mandate(owner=owner, company_name=name)


def settle(sink, expected, timeout=45):
    """Wait until ``expected`` mails arrived, then a few drain cycles more, so a late duplicate would show up."""
    wait_for(lambda: sink.count() >= expected, timeout=timeout, message=f"{expected} mails (got {sink.count()})")
    time.sleep(3)


def assert_once_each(sink, emails):
    counts = Counter(sink.recipients())
    assert {email: counts[email] for email in emails} == dict.fromkeys(emails, 1), counts


def test_opening_a_mandate_mails_each_strong_match_exactly_once(start_worker, smtp_sink, staff):
    managers = strong(5)
    factories.manager("weak@example.com", functions=("chro",))
    start_worker()
    mandate = draft(owner=staff)
    mandate_open(mandate=mandate, by=staff)

    settle(smtp_sink, 6)
    assert_once_each(smtp_sink, [m.user.email for m in managers] + [staff.email])
    assert smtp_sink.count() == 6
    assert "weak@example.com" not in smtp_sink.recipients()
    assert Notification.objects.filter(state=Notification.State.SENT).count() == 6
    mandate.refresh_from_db()
    assert mandate.matched_at is not None


def test_the_daily_digest_sends_one_mail_per_manager_per_day(start_worker, smtp_sink, staff):
    daily = strong(2, notify_matches=ManagerProfile.Notify.DAILY)
    start_worker()
    for _ in range(2):
        mandate_open(mandate=draft(), by=staff)
    wait_for(lambda: Notification.objects.filter(kind="match_alert").count() == 4, timeout=30, message="4 match alerts")
    time.sleep(2)
    assert smtp_sink.count() == 0  # daily managers hear nothing until the digest

    collect_digests.delay()
    settle(smtp_sink, 2)
    collect_digests.delay()  # the same day again: no second digest
    time.sleep(3)
    assert_once_each(smtp_sink, [m.user.email for m in daily])
    assert all(body.count("von 100 Punkten") == 2 for _r, _id, _s, body in smtp_sink.messages)
    assert set(Notification.objects.filter(kind="match_alert").values_list("state", flat=True)) == {"sent"}


def test_saves_succeed_while_redis_is_down_and_every_mail_arrives_once_after_it_is_back(
    start_worker, smtp_sink, staff, own_redis
):
    managers = strong(3)
    start_worker(broker=own_redis.url)
    own_redis.stop()

    durations = []
    for _ in range(3):
        begin = time.monotonic()
        mandate_open(mandate=draft(), by=staff)
        durations.append(time.monotonic() - begin)
    assert Mandate.objects.filter(status=Mandate.Status.OPEN).count() == 3
    assert max(durations) < 5 and sum(durations) < 8, durations  # one short broker timeout, then no waiting
    assert smtp_sink.count() == 0

    own_redis.start()
    use_broker(own_redis.url)
    settle(smtp_sink, 9, timeout=90)
    counts = Counter(smtp_sink.recipients())
    assert counts == {m.user.email: 3 for m in managers}
    assert len({message_id for _r, message_id, _s, _b in smtp_sink.messages}) == 9


def test_a_worker_killed_while_sending_loses_nothing_and_sends_nothing_twice(start_worker, smtp_sink, staff):
    managers = strong(6)
    smtp_sink.stall_at = 3  # the third mail hangs in the SMTP conversation …
    worker = start_worker()
    mandate_open(mandate=draft(), by=staff)
    assert smtp_sink.stalled.wait(30), "no mail reached the stalling point"
    worker.kill()  # … and the worker dies with it claimed
    assert Notification.objects.filter(state=Notification.State.SENDING).exists()

    worker.start()  # restart: the stale claim is taken over after the lease
    settle(smtp_sink, 6, timeout=60)
    assert_once_each(smtp_sink, [m.user.email for m in managers])
    assert set(Notification.objects.filter(kind="match_alert").values_list("state", flat=True)) == {"sent"}


def test_a_mail_refused_temporarily_arrives_after_retries(start_worker, smtp_sink, staff):
    (manager,) = strong(1)
    smtp_sink.temporary_failures = 2
    start_worker()
    mandate_open(mandate=draft(), by=staff)
    settle(smtp_sink, 1)
    assert smtp_sink.recipients() == [manager.user.email]
    row = Notification.objects.get(kind="match_alert")
    assert row.state == Notification.State.SENT and row.attempts == 3 and smtp_sink.data_seen == 3


def test_a_mail_refused_permanently_is_marked_failed(start_worker, smtp_sink, staff):
    strong(1)
    smtp_sink.reject = True
    start_worker()
    mandate_open(mandate=draft(), by=staff)
    wait_for(
        lambda: Notification.objects.filter(kind="match_alert", state=Notification.State.FAILED).exists(),
        timeout=30,
        message="the alert to be marked failed",
    )
    row = Notification.objects.get(kind="match_alert")
    assert "550" in row.last_error and row.attempts == 1
    assert smtp_sink.count() == 0


@pytest.fixture
def declared_fault_kinds(monkeypatch):
    for kind in FAULT_KINDS:
        monkeypatch.setitem(kinds._registry, kind.name, kind)


def test_poison_rows_fail_with_their_error_and_never_hold_up_their_batch(start_worker, smtp_sink, declared_fault_kinds):
    people = [factories.manager(f"p{i}@example.com") for i in range(8)]
    poison = {people[2].user: "test_builder_raises", people[5].user: "test_template_missing"}
    start_worker(include=["tests.integration.fault_kinds_worker"])
    with transaction.atomic():  # one insert, one drain nudge: the worker claims all eight rows as one batch
        notifications_create_bulk(
            [
                Notification(
                    recipient=person.user,
                    kind=poison.get(person.user, "availability_reminder"),
                    key="availability:2026-12",
                    language="de",
                    context={"profile_id": person.pk},
                )
                for person in people
            ]
        )
    good = [person.user.email for person in people if person.user not in poison]
    settle(smtp_sink, len(good))
    assert_once_each(smtp_sink, good)
    assert smtp_sink.count() == 6

    rows = {row.recipient_id: row for row in Notification.objects.all()}
    assert len({row.claimed_at for row in rows.values()}) == 1, "the eight rows were not one batch"
    raised, missing = rows[people[2].user.id], rows[people[5].user.id]
    assert (raised.state, raised.last_error) == ("failed", "RuntimeError: Kontext kaputt")
    assert missing.state == "failed"
    assert missing.last_error.startswith("TemplateDoesNotExist: emails/test_template_missing-subject.de.txt")

    # Past the lease (3 s) and several drains later nobody claimed the failed rows again, and the worker still
    # drains: a row written now is sent.
    time.sleep(4)
    with transaction.atomic():
        notification_create(recipient=people[2].user, kind="availability_reminder", key="availability:2027-01")
    settle(smtp_sink, 7)
    assert Counter(smtp_sink.recipients())[people[2].user.email] == 1
    assert Notification.objects.get(id=raised.id).attempts == 1
    assert Notification.objects.get(id=missing.id).attempts == 1
