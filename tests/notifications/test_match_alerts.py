"""Opening a mandate alerts strong matches once; profile edits alert only on new strong matches; digests."""

import dataclasses
from datetime import timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail
from django.utils import timezone, translation

from managers.models import ManagerProfile
from managers.services import profile_update
from mandates.matching.jobs import match_unmatched
from mandates.models import Mandate
from mandates.services import mandate_open
from notifications import kinds
from notifications.models import Notification
from notifications.services import digest_collect, notifications_resend
from notifications.tasks import collect_digests, drain_outbox
from tests import factories

SKILLS = factories.CFO_SKILLS


def strong_manager(email, **fields):
    return factories.manager(email, skills=SKILLS, functions=("cfo",), **fields)


def draft(owner=None, company_name="Geheim Maschinenbau GmbH"):
    return factories.draft_cfo_mandate(
        owner=owner,
        company_name=company_name,
        public_summary="Familienunternehmen im Maschinenbau sucht Interim-CFO für Refinanzierung.",
    )


def open_mandate(mandate, staff, capture):
    with capture(execute=True):
        mandate_open(mandate=mandate, by=staff)
    mandate.refresh_from_db()
    return mandate


def test_opening_a_mandate_sends_each_strong_match_exactly_one_alert(
    staff, django_capture_on_commit_callbacks, settings
):
    anna = strong_manager("anna@example.com", first_name="Anna")
    bernd = strong_manager("bernd@example.com", first_name="Bernd")
    weak = factories.manager("weak@example.com", skills=(), functions=("chro",))
    mandate = open_mandate(draft(owner=staff), staff, django_capture_on_commit_callbacks)

    alerts = {m.to[0]: m for m in mail.outbox if "Mandat passt" in m.subject}
    assert set(alerts) == {"anna@example.com", "bernd@example.com"}
    assert mandate.matched_at is not None

    body = alerts["anna@example.com"].body
    html = alerts["anna@example.com"].alternatives[0][0]
    assert "Familienunternehmen im Maschinenbau" in body and "Familienunternehmen im Maschinenbau" in html
    assert "Geheim Maschinenbau" not in body + html + alerts["anna@example.com"].subject  # never the client's name
    assert "Kompetenzen" in body and "von 100 Punkten" in body  # the score breakdown
    assert f"/manager/#mandate-{mandate.pk}" in body
    assert "https://manatnet.example/manager/settings/notifications/" in body  # preferences link
    assert weak.user.email not in [m.to[0] for m in mail.outbox]

    summary = [m for m in mail.outbox if m.to == [staff.email]]
    assert len(summary) == 1 and "2 starke Treffer" in summary[0].subject

    # Matching again (periodic catch-up, a redelivered task) adds nothing.
    Mandate.objects.filter(pk=mandate.pk).update(matched_at=None)
    match_unmatched()
    drain_outbox()
    assert len([m for m in mail.outbox if m.to == [anna.user.email]]) == 1
    assert Notification.objects.filter(recipient=bernd.user, kind="match_alert").count() == 1


def test_managers_who_opted_out_get_no_alert_and_daily_ones_wait_for_the_digest(
    staff, django_capture_on_commit_callbacks
):
    strong_manager("never@example.com", notify_matches=ManagerProfile.Notify.NEVER)
    daily = strong_manager("daily@example.com", notify_matches=ManagerProfile.Notify.DAILY)
    open_mandate(draft(), staff, django_capture_on_commit_callbacks)
    assert mail.outbox == []
    assert not Notification.objects.filter(recipient__email="never@example.com").exists()
    row = Notification.objects.get(recipient=daily.user, kind="match_alert")
    assert row.via_digest and row.state == Notification.State.PENDING
    drain_outbox()
    assert mail.outbox == []  # a digest alert never goes out on its own


def test_the_digest_collects_a_days_alerts_into_one_mail_per_manager(
    staff, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFY_DIGEST_HOUR = 7
    daily = strong_manager("daily@example.com", notify_matches=ManagerProfile.Notify.DAILY)
    other = strong_manager("daily2@example.com", notify_matches=ManagerProfile.Notify.DAILY, email_language="en")
    berlin = ZoneInfo("Europe/Berlin")
    with time_machine.travel(timezone.datetime(2026, 11, 26, 18, 0, tzinfo=berlin), tick=False):
        first = open_mandate(draft(company_name="A GmbH"), staff, django_capture_on_commit_callbacks)
        open_mandate(draft(company_name="B GmbH"), staff, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.datetime(2026, 11, 27, 6, 59, tzinfo=berlin), tick=False):
        assert digest_collect() == 0  # before the manager's morning
    with time_machine.travel(timezone.datetime(2026, 11, 27, 7, 5, tzinfo=berlin), tick=False):
        collect_digests()
        third = open_mandate(draft(company_name="C GmbH"), staff, django_capture_on_commit_callbacks)
        collect_digests()  # again the same day: nothing new goes out
        drain_outbox()
    digests = [m for m in mail.outbox if m.to == [daily.user.email]]
    assert len(digests) == 1 and "2 neue Mandate" in digests[0].subject
    assert digests[0].body.count("von 100 Punkten") == 2
    assert len([m for m in mail.outbox if m.to == [other.user.email]]) == 1
    items = Notification.objects.filter(recipient=daily.user, kind="match_alert")
    assert {(n.context["mandate_id"], n.state) for n in items} == {
        (first.pk, Notification.State.SENT),
        (first.pk + 1, Notification.State.SENT),
        (third.pk, Notification.State.PENDING),  # waits for tomorrow's digest
    }
    with time_machine.travel(timezone.datetime(2026, 11, 28, 7, 5, tzinfo=berlin), tick=False):
        collect_digests()
    assert len([m for m in mail.outbox if m.to == [daily.user.email]]) == 2


def test_a_digest_leaves_out_mandates_closed_meanwhile(staff, django_capture_on_commit_callbacks, settings):
    settings.NOTIFY_DIGEST_HOUR = 0
    daily = strong_manager("daily@example.com", notify_matches=ManagerProfile.Notify.DAILY)
    closed = open_mandate(draft(company_name="A GmbH"), staff, django_capture_on_commit_callbacks)
    open_mandate(draft(company_name="B GmbH"), staff, django_capture_on_commit_callbacks)
    Mandate.objects.filter(pk=closed.pk).update(status=Mandate.Status.CANCELLED)
    collect_digests()
    (digest,) = [m for m in mail.outbox if m.to == [daily.user.email]]
    assert "1 neues Mandat" in digest.subject
    states = dict(
        Notification.objects.filter(recipient=daily.user, kind="match_alert").values_list(
            "context__mandate_id", "state"
        )
    )
    assert states[closed.pk] == Notification.State.SKIPPED


def test_an_alert_for_a_mandate_closed_before_sending_is_skipped(staff, django_capture_on_commit_callbacks):
    manager = strong_manager("anna@example.com")
    mandate = factories.mandate(skills=SKILLS, function="cfo")
    with django_capture_on_commit_callbacks(execute=False):
        from mandates.matching.jobs import mandate_match

        mandate_match(mandate_id=mandate.pk)
    Mandate.objects.filter(pk=mandate.pk).update(status=Mandate.Status.CANCELLED)
    drain_outbox()
    row = Notification.objects.get(recipient=manager.user, kind="match_alert")
    assert row.state == Notification.State.SKIPPED and "nicht mehr offen" in row.last_error
    assert mail.outbox == []


def test_a_profile_edit_alerts_only_on_new_strong_matches(staff, django_capture_on_commit_callbacks):
    manager = factories.manager("late@example.com", functions=("cfo",))
    fits_now = open_mandate(draft(), staff, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(recipient=manager.user, kind="match_alert").exists()

    with django_capture_on_commit_callbacks(execute=True):
        from managers.models import Skill

        profile_update(profile=manager, relations={"skills": Skill.objects.filter(slug__in=SKILLS)})
    alerts = [m for m in mail.outbox if m.to == [manager.user.email]]
    assert len(alerts) == 1 and f"#mandate-{fits_now.pk}" in alerts[0].body

    with django_capture_on_commit_callbacks(execute=True):
        profile_update(profile=manager, fields={"headline": "Interim CFO, Restrukturierung"})
    assert len([m for m in mail.outbox if m.to == [manager.user.email]]) == 1


def test_alerts_are_explained_in_the_managers_language(staff, django_capture_on_commit_callbacks):
    strong_manager("en@example.com", email_language="en")
    open_mandate(draft(), staff, django_capture_on_commit_callbacks)
    row = Notification.objects.get(recipient__email="en@example.com", kind="match_alert")
    assert row.language == "en"
    with translation.override("en"):
        english = translation.gettext("Kompetenzen")  # "Skills" once the English catalogue has it
    assert row.context["criteria"][0]["label"] == english


def test_an_open_mandate_never_matched_is_caught_up_by_the_periodic_job(staff):
    manager = strong_manager("anna@example.com")
    mandate = factories.mandate(skills=SKILLS, function="cfo", opened_at=timezone.now() - timedelta(minutes=5))
    assert mandate.matched_at is None
    assert match_unmatched() == 1
    drain_outbox()
    assert [m.to for m in mail.outbox] == [[manager.user.email]]
    mandate.refresh_from_db()
    assert mandate.matched_at is not None
    assert match_unmatched() == 0


def test_the_digest_comes_in_the_morning_of_the_managers_own_time_zone(
    staff, django_capture_on_commit_callbacks, settings
):
    settings.NOTIFY_DIGEST_HOUR = 7
    abroad = strong_manager(
        "newyork@example.com", notify_matches=ManagerProfile.Notify.DAILY, time_zone="America/New_York"
    )
    berlin = ZoneInfo("Europe/Berlin")
    with time_machine.travel(timezone.datetime(2026, 11, 26, 18, 0, tzinfo=berlin), tick=False):
        open_mandate(draft(), staff, django_capture_on_commit_callbacks)
    with time_machine.travel(timezone.datetime(2026, 11, 27, 7, 5, tzinfo=berlin), tick=False):
        assert digest_collect() == 0  # 01:05 in New York
    with time_machine.travel(timezone.datetime(2026, 11, 27, 13, 5, tzinfo=berlin), tick=False):
        collect_digests()  # 07:05 in New York
    (digest,) = [m for m in mail.outbox if m.to == [abroad.user.email]]
    assert Notification.objects.get(recipient=abroad.user, kind="match_digest").key == "digest:2026-11-27"


def test_a_digest_that_cannot_be_rendered_fails_with_its_alerts_and_a_resend_sends_them(
    staff, django_capture_on_commit_callbacks, settings, monkeypatch
):
    settings.NOTIFY_DIGEST_HOUR = 0
    daily = strong_manager("daily@example.com", notify_matches=ManagerProfile.Notify.DAILY)
    open_mandate(draft(), staff, django_capture_on_commit_callbacks)
    declared = kinds.get("match_digest")
    monkeypatch.setitem(kinds._registry, "match_digest", dataclasses.replace(declared, templates="emails/gone"))
    collect_digests()
    digest = Notification.objects.get(recipient=daily.user, kind="match_digest")
    alert = Notification.objects.get(recipient=daily.user, kind="match_alert")
    assert (digest.state, alert.state) == (Notification.State.FAILED, Notification.State.FAILED)
    assert "TemplateDoesNotExist" in digest.last_error and alert.last_error == digest.last_error
    assert mail.outbox == []

    monkeypatch.setitem(kinds._registry, "match_digest", declared)  # the template is back
    with django_capture_on_commit_callbacks(execute=True):
        notifications_resend(queryset=Notification.objects.filter(id=digest.id))
    digest.refresh_from_db(), alert.refresh_from_db()
    assert (digest.state, alert.state) == (Notification.State.SENT, Notification.State.SENT)
    assert [m.to for m in mail.outbox] == [[daily.user.email]] and "1 neues Mandat" in mail.outbox[0].subject
