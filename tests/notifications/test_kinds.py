"""Kinds are declared once, with builder, templates and opt-out; start-up refuses a kind that cannot be rendered,
and the outbox refuses a kind nobody declared."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from notifications import kinds
from notifications.models import Notification
from notifications.recipients import recipient_for
from notifications.rendering import render
from notifications.services import notification_create, notifications_create_bulk

# ``manage.py check`` includes the database check: these tests need the database like start-up does.
pytestmark = pytest.mark.django_db

EVERY_KIND = {
    "availability_reminder",
    "candidacy_declined",
    "candidacy_presented",
    "candidacy_shortlisted",
    "client_feedback",
    "consent_request",
    "manager_interested",
    "mandate_opened_summary",
    "match_alert",
    "match_digest",
    "shortlist_sent",
}


@pytest.fixture
def declare(monkeypatch):
    """Declare kinds for one test only; the registry is restored afterwards."""

    def declare_(*declared):
        for kind in declared:
            monkeypatch.setitem(kinds._registry, kind.name, kind)

    return declare_


def check_output():
    with pytest.raises(SystemCheckError) as failure:
        call_command("check")
    return str(failure.value)


def test_every_kind_of_every_app_is_declared_and_passes_the_start_up_check():
    assert EVERY_KIND <= {kind.name for kind in kinds.all_kinds()}
    assert kinds.get("match_alert").opt_out == "match_alerts"
    assert kinds.digest_for("match_alert").name == "match_digest"
    assert kinds.get("shortlist_sent").opt_out is None  # a client's own shortlist cannot be unsubscribed
    call_command("check")  # raises SystemCheckError on any error


def test_start_up_fails_when_a_kind_lacks_a_template(declare):
    declare(kinds.Kind("typo_alert", builder=lambda n: {}, templates="emails/typo_alert"))
    output = check_output()
    assert "notifications.E002" in output
    for language in ("de", "en"):
        assert f"'typo_alert' has no subject template (txt) for language '{language}'" in output
        assert f"'typo_alert' has no body template (html) for language '{language}'" in output


def test_a_template_only_one_language_has_fails_the_other_language(declare, settings, tmp_path):
    emails = tmp_path / "emails"
    emails.mkdir()
    (emails / "greeting-subject.txt").write_text("{% load i18n %}{% translate 'Guten Tag' %}")
    (emails / "greeting-subject.de.txt").write_text("Servus")
    (emails / "greeting-body.txt").write_text("Text")
    (emails / "greeting-body.de.html").write_text("<!doctype html><p>Nur Deutsch</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    declare(kinds.Kind("greeting", builder=lambda n: {}))

    output = check_output()
    assert "'greeting' has no body template (html) for language 'en'" in output
    assert "for language 'de'" not in output


def test_a_language_specific_template_wins_over_the_shared_one(declare, settings, tmp_path, manager):
    emails = tmp_path / "emails"
    emails.mkdir()
    (emails / "greeting-subject.txt").write_text("Shared subject")
    (emails / "greeting-subject.en.txt").write_text("English subject")
    (emails / "greeting-body.txt").write_text("Text")
    (emails / "greeting-body.html").write_text("<p>HTML</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    declare(kinds.Kind("greeting", builder=lambda n: {}))
    call_command("check")

    row = notification_create(recipient=manager.user, kind="greeting", key="k", language="en")
    assert render(row, recipient_for(manager.user)).subject == "English subject"
    row.language = "de"
    assert render(row, recipient_for(manager.user)).subject == "Shared subject"


def test_start_up_fails_for_a_kind_without_builder_or_with_unknown_references(declare):
    declare(
        kinds.Kind("orphan", builder=None, templates="emails/match_alert"),
        kinds.Kind("weekly_digest", builder=lambda n: {}, templates="emails/match_digest", digest_of="nothing"),
        kinds.Kind("newsletter", builder=lambda n: {}, templates="emails/match_alert", opt_out="newsletters"),
    )
    output = check_output()
    assert "notifications.E001" in output and "'orphan' has no context builder" in output
    assert "notifications.E004" in output and "digest of 'nothing', which is not declared" in output
    assert "notifications.E005" in output and "preference 'newsletters'" in output


def test_a_kind_declared_twice_differently_is_refused(declare):
    declare(kinds.Kind("twice", builder=len))
    kinds.register(kinds.Kind("twice", builder=len))  # the same declaration again is harmless
    with pytest.raises(ImproperlyConfigured):
        kinds.register(kinds.Kind("twice", builder=str))


def test_an_unknown_kind_is_refused_when_the_row_is_written(manager):
    with pytest.raises(kinds.UnknownKind):
        notification_create(recipient=manager.user, kind="match_alrt", key="mandate:1")
    with pytest.raises(kinds.UnknownKind):
        notifications_create_bulk([Notification(recipient=manager.user, kind="availabilty_reminder", key="x")])
    # Rows may wait for a digest only if their kind has one.
    with pytest.raises(kinds.UnknownKind):
        notification_create(recipient=manager.user, kind="availability_reminder", key="x", via_digest=True)
    assert not Notification.objects.exists()
