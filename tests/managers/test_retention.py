"""Nothing is kept longer than its purpose: the daily retention run deletes what has expired, and only that."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone

from managers.models import ErasedManagerRecord, ManagerProfile
from managers.services import manager_register, manager_set_status
from manatnet.privacy import retention_apply
from notifications.models import Notification
from tests import factories

User = get_user_model()


def days_ago(n):
    return timezone.now() - timedelta(days=n)


@pytest.mark.django_db
def test_unconfirmed_signups_go_after_two_weeks_confirmed_ones_stay():
    stale = User.objects.create_user(username="stale@example.com", email="stale@example.com", password="x" * 12)
    manager_register(user=stale)
    EmailAddress.objects.create(user=stale, email=stale.email, verified=False, primary=True)
    User.objects.filter(pk=stale.pk).update(date_joined=days_ago(20))
    fresh = User.objects.create_user(username="fresh@example.com", email="fresh@example.com", password="x" * 12)
    EmailAddress.objects.create(user=fresh, email=fresh.email, verified=False, primary=True)
    confirmed = factories.manager("confirmed@example.com")
    User.objects.filter(pk=confirmed.user.pk).update(date_joined=days_ago(400))

    counts = retention_apply()

    assert not User.objects.filter(email="stale@example.com").exists()
    assert User.objects.filter(email="fresh@example.com").exists()
    assert ManagerProfile.objects.filter(pk=confirmed.pk).exists()
    assert counts["unconfirmed_signups"] >= 1


@pytest.mark.django_db
def test_client_contacts_who_never_logged_in_are_not_taken_for_abandoned_signups():
    contact = factories.client_contact("contact@example.com")
    User.objects.filter(pk=contact.user.pk).update(date_joined=days_ago(400))
    abandoned = factories.user("abandoned@example.com")
    User.objects.filter(pk=abandoned.pk).update(date_joined=days_ago(400))
    # Staff created the contact's account; its address was never confirmed, like the abandoned sign-up's.
    EmailAddress.objects.filter(user__in=[contact.user, abandoned]).update(verified=False)

    retention_apply()

    assert User.objects.filter(email="contact@example.com").exists()
    assert not User.objects.filter(email="abandoned@example.com").exists()


@pytest.mark.django_db
def test_managers_who_left_two_years_ago_are_erased_but_stay_anonymous_in_statistics(settings):
    long_gone = factories.manager("gone@example.com")
    manager_set_status(profile=long_gone, status=ManagerProfile.Status.LEFT, reason="kein Bedarf", at=days_ago(800))
    recently_left = factories.manager("recent@example.com")
    manager_set_status(profile=recently_left, status=ManagerProfile.Status.LEFT, reason="Pause", at=days_ago(30))

    counts = retention_apply()

    assert counts["left_managers"] == 1
    assert not User.objects.filter(email="gone@example.com").exists()
    assert User.objects.filter(email="recent@example.com").exists()
    assert ErasedManagerRecord.objects.count() == 1


@pytest.mark.django_db
def test_old_delivered_notifications_are_deleted_pending_ones_never(manager):
    old_sent = Notification.objects.create(
        recipient=manager.user, kind="match_alert", key="mandate:1", state=Notification.State.SENT
    )
    old_pending = Notification.objects.create(recipient=manager.user, kind="match_alert", key="mandate:2")
    Notification.objects.filter(pk__in=[old_sent.pk, old_pending.pk]).update(created_at=days_ago(400))
    recent_sent = Notification.objects.create(
        recipient=manager.user, kind="match_alert", key="mandate:3", state=Notification.State.SENT
    )

    retention_apply()

    assert set(Notification.objects.values_list("pk", flat=True)) == {old_pending.pk, recent_sent.pk}


@pytest.mark.django_db
def test_login_logs_older_than_90_days_are_deleted():
    from axes.models import AccessLog

    old = AccessLog.objects.create(username="someone@example.com", ip_address="127.0.0.1", user_agent="t")
    AccessLog.objects.filter(pk=old.pk).update(attempt_time=days_ago(100))
    recent = AccessLog.objects.create(username="someone@example.com", ip_address="127.0.0.1", user_agent="t")

    retention_apply()

    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent.pk]


@pytest.mark.django_db
def test_the_daily_task_runs_the_retention_and_reports_counts():
    from manatnet.tasks import apply_retention

    counts = apply_retention.delay().get()
    assert {"unconfirmed_signups", "left_managers", "notifications", "login_records"} <= set(counts)
    assert {"client_comments", "audit_log", "admin_log", "sessions"} <= set(counts)


def test_retention_is_scheduled_daily(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "manatnet.tasks.apply_retention" in tasks
