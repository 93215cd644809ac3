"""The audit log: who saw or downloaded whose profile and CV, every release, consent decision, export and erasure;
append-only, searchable by staff allowed to, and part of each person's own export."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from managers.erasure import manager_erase
from managers.services import cv_replace
from manatnet import audit
from manatnet.models import AuditEntry
from mandates import services
from mandates.models import ConsentRequest
from tests import factories
from tests.factories import PASSWORD
from tests.managers.files import PDF_BYTES, upload

pytestmark = pytest.mark.django_db
Action, Role = AuditEntry.Action, AuditEntry.Role


def staff_member(email, *permissions):
    user = factories.user(email, first_name="Sabine", last_name="Vermittlerin", staff=True)
    user.is_superuser = False
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=permissions))
    return user


@pytest.fixture
def scene(client_contact):
    """A manager with a CV, presented (and released) to ``client_contact``'s company."""
    mandate = factories.mandate(client_contact.company)
    mandate.contacts.add(client_contact)
    manager = factories.manager("zoe.kandidatin@example.com", first_name="Zoe", last_name="Kandidatin")
    cv_replace(profile=manager, upload=upload("cv.pdf", PDF_BYTES), kind="pdf", display_name="cv.pdf")
    owner = staff_member("owner@example.com")
    candidacy = factories.presented(mandate, manager, owner)
    return {"mandate": mandate, "manager": manager, "candidacy": candidacy, "owner": owner, "contact": client_contact}


def entries(**filters):
    return list(AuditEntry.objects.filter(**filters).values_list("action", "actor_role", "company", "target"))


def test_staff_opening_a_profile_and_downloading_a_cv_are_recorded(client, scene):
    manager = scene["manager"]
    consultant = staff_member("consultant@example.com", "view_managerprofile", "view_manager_cv")
    factories.login_with_totp(client, consultant)
    assert client.get(reverse("admin:managers_managerprofile_change", args=[manager.pk])).status_code == 200
    response = client.get(reverse("manager_cv_staff", args=[manager.public_id]))
    assert b"".join(response.streaming_content) == PDF_BYTES
    target = f"managerprofile:{manager.pk}"
    assert entries(subject=manager.user, actor=consultant) == [
        (Action.CV_DOWNLOADED, Role.STAFF, "", target),
        (Action.PROFILE_VIEWED, Role.STAFF, "", target),
    ]


def test_without_the_cv_permission_staff_neither_download_nor_see_a_link(client, scene):
    manager = scene["manager"]
    consultant = staff_member("consultant@example.com", "view_managerprofile", "change_managerprofile")
    factories.login_with_totp(client, consultant)
    cv = reverse("manager_cv_staff", args=[manager.public_id])
    assert client.get(cv).status_code == 403
    page = client.get(reverse("admin:managers_managerprofile_change", args=[manager.pk])).content.decode()
    assert cv not in page and "cv.pdf" in page  # the name of the file, not the file
    assert not AuditEntry.objects.filter(action=Action.CV_DOWNLOADED).exists()


def test_a_release_and_what_the_client_then_sees_and_downloads_are_recorded(client, scene):
    candidacy, contact, manager = scene["candidacy"], scene["contact"], scene["manager"]
    client.force_login(contact.user)
    client.get(reverse("client_mandate_detail", args=[scene["mandate"].pk]))
    assert not AuditEntry.objects.filter(actor=contact.user).exists()  # an anonymous card names nobody

    services.candidacy_release(candidacy=candidacy, by=scene["owner"])
    client.get(reverse("client_mandate_detail", args=[scene["mandate"].pk]))
    client.get(reverse("client_candidate", args=[candidacy.pk]))
    b"".join(client.get(reverse("client_candidate_cv", args=[candidacy.pk])).streaming_content)

    company, target = contact.company.name, f"candidacy:{candidacy.pk}"
    assert entries(subject=manager.user, actor_role__in=[Role.CLIENT, Role.STAFF]) == [
        (Action.CV_DOWNLOADED, Role.CLIENT, company, target),
        (Action.CARD_VIEWED, Role.CLIENT, company, target),
        (Action.CARD_VIEWED, Role.CLIENT, company, target),
        (Action.RELEASED, Role.STAFF, company, target),
    ]
    assert AuditEntry.objects.get(action=Action.RELEASED).actor == scene["owner"]


def test_consent_given_refused_and_withdrawn_are_recorded(scene):
    mandate, manager, owner = factories.mandate(), scene["manager"], scene["owner"]
    candidacy = services.candidacy_add(mandate=mandate, manager=manager, by=owner)
    request = services.consent_request_send(candidacy=candidacy, by=owner)
    services.consent_answer(request=request, agreed=False, channel=ConsentRequest.Channel.LINK)
    services.manager_respond(candidacy=candidacy, interested=True)
    services.manager_respond(candidacy=candidacy, interested=True)  # still agreed: nothing new
    services.manager_respond(candidacy=candidacy, interested=False, reason="Zeitlich passt es nicht")
    target = f"candidacy:{candidacy.pk}"
    assert entries(subject=manager.user, target=target) == [
        (Action.CONSENT_WITHDRAWN, Role.SELF, "", target),
        (Action.CONSENT_GIVEN, Role.SELF, "", target),
        (Action.CONSENT_REFUSED, Role.SELF, "", target),
    ]


def test_exports_and_erasures_are_recorded_with_who_asked(client, scene):
    manager, user_id = scene["manager"], scene["manager"].user_id
    client.force_login(manager.user)
    client.post(reverse("manager_export"), {"password": PASSWORD})
    manager_erase(profile=manager, by=None)
    assert entries(subject_id=user_id, action__in=[Action.EXPORTED, Action.ERASED]) == [
        (Action.ERASED, Role.SYSTEM, "", ""),
        (Action.EXPORTED, Role.SELF, "", ""),
    ]
    # The rows outlive the account, naming it by id only.
    assert AuditEntry.objects.filter(subject_id=user_id).count() > 2


def test_the_managers_export_lists_who_accessed_their_data_without_naming_staff(client, scene):
    candidacy, manager, contact = scene["candidacy"], scene["manager"], scene["contact"]
    consultant = staff_member("consultant@example.com", "view_managerprofile", "view_manager_cv")
    audit.record(Action.CV_DOWNLOADED, actor=consultant, subject=manager.user, target=manager)
    services.candidacy_release(candidacy=candidacy, by=scene["owner"])
    client.force_login(contact.user)
    b"".join(client.get(reverse("client_candidate_cv", args=[candidacy.pk])).streaming_content)

    client.force_login(manager.user)
    archive = zipfile.ZipFile(io.BytesIO(client.post(reverse("manager_export"), {"password": PASSWORD}).content))
    log = json.loads(archive.read("data.json"))["access_log"]
    seen = [(item["action"], item["by"], item["company"]) for item in log]
    assert ("Lebenslauf heruntergeladen", "Mitarbeitende", "") in seen
    assert ("Identität für einen Kunden freigegeben", "Mitarbeitende", contact.company.name) in seen
    assert ("Lebenslauf heruntergeladen", "Kunde", contact.company.name) in seen
    text = json.dumps(log)
    assert "Vermittlerin" not in text and "consultant@example.com" not in text  # staff are a role, not a name


def test_the_admin_offers_no_way_to_change_or_delete_an_entry(client, scene):
    entry = audit.record(Action.PROFILE_VIEWED, actor=scene["owner"], subject=scene["manager"].user)
    auditor = staff_member("auditor@example.com", *[p.codename for p in Permission.objects.all()])
    factories.login_with_totp(client, auditor)
    change = reverse("admin:manatnet_auditentry_change", args=[entry.pk])
    assert client.get(change).status_code == 200  # read-only view
    assert client.post(change, {"action": Action.ERASED}).status_code == 403
    assert client.post(reverse("admin:manatnet_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code == 403
    changelist = reverse("admin:manatnet_auditentry_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"})
    entry.refresh_from_db()
    assert entry.action == Action.PROFILE_VIEWED


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_the_database_refuses_to_change_or_delete_entries_except_for_the_retention_purge(scene):
    def entry(**kwargs):
        return audit.record(Action.PROFILE_VIEWED, actor=scene["owner"], subject=scene["manager"].user, **kwargs)

    old, recent = entry(at=timezone.now() - timedelta(days=10)), entry()
    for statement in (
        "UPDATE manatnet_auditentry SET action = 'erased' WHERE id = %s",
        "DELETE FROM manatnet_auditentry WHERE id = %s",
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [old.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=old.pk).delete()
    # The retention job's path takes what is old and nothing else, and closes the door behind it.
    assert audit.purge_before(timezone.now() - timedelta(days=1)) == 1
    assert not AuditEntry.objects.filter(pk=old.pk).exists() and AuditEntry.objects.filter(pk=recent.pk).exists()
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.filter(pk=recent.pk).delete()


def test_staff_allowed_to_search_the_log_find_entries_by_person_action_and_staff_member(client, scene):
    manager, owner = scene["manager"], scene["owner"]
    other = factories.manager("someone.else@example.com", first_name="Otto", last_name="Anders")
    audit.record(Action.PROFILE_VIEWED, actor=owner, subject=manager.user, target=manager)
    audit.record(Action.CV_DOWNLOADED, actor=owner, subject=other.user, target=other)
    changelist = reverse("admin:manatnet_auditentry_changelist")

    nosy = staff_member("nosy@example.com", "view_managerprofile")
    factories.login_with_totp(client, nosy)
    assert client.get(changelist).status_code == 403

    lead = staff_member("lead@example.com", "view_auditentry")
    factories.login_with_totp(client, lead)

    def found(query):
        response = client.get(changelist + query)
        assert response.status_code == 200
        return {(e.action, e.subject_id) for e in response.context["cl"].result_list}

    by_person = found("?q=zoe.kandidatin")
    assert (Action.PROFILE_VIEWED, manager.user_id) in by_person
    assert {subject for _action, subject in by_person} == {manager.user_id}
    assert found("?q=Anders") == {(Action.CV_DOWNLOADED, other.user_id)}
    assert found(f"?action__exact={Action.CV_DOWNLOADED}") == {(Action.CV_DOWNLOADED, other.user_id)}
    assert found(f"?staff={owner.pk}&action__exact={Action.PROFILE_VIEWED}") == {
        (Action.PROFILE_VIEWED, manager.user_id)
    }
    assert (Action.PROFILE_VIEWED, manager.user_id) in found(f"?subject__id__exact={manager.user_id}")
    today, yesterday = timezone.localdate(), timezone.localdate() - timedelta(days=1)
    assert found(f"?at__year={today.year}&at__month={today.month}&at__day={today.day}")
    assert not found(f"?at__year={yesterday.year}&at__month={yesterday.month}&at__day={yesterday.day}")
