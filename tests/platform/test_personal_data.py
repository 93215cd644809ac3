"""Personal data, complete by construction (manatnet/privacy.py).

* Every installed model, ours and third-party, is declared: how its rows about a person are exported, erased and
  kept, or why it holds none. A model added later without a declaration fails here.
* Two persons (a manager and a client contact) get at least one row in every declared model; each row's data
  appears in their export unless the declaration says why not.
* After erasing them, no text column anywhere in the database holds their name, e-mail address or phone number,
  no session belongs to them, and their files are gone.
"""

import io
import json
import zipfile
from datetime import date, timedelta

import pytest
from allauth.account.models import EmailAddress, EmailConfirmation
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.apps.registry import Apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from managers.erasure import manager_erase
from managers.models import ManagerProfile, MandateHistoryEntry
from managers.services import cv_replace, manager_set_status
from manatnet import audit, logins, privacy
from manatnet.models import AuditEntry
from mandates import services
from mandates.models import Candidacy, ClientContact, ConsentRequest, Placement
from tests import factories
from tests.managers.files import PDF_BYTES, upload

pytestmark = pytest.mark.django_db
User = get_user_model()

MANAGER = {"email": "z.quendelbaum@example.com", "name": "Quendelbaum", "phone": "+49 170 5550199"}
CONTACT = {"email": "o.wunderkind@example.com", "name": "Wunderkind", "phone": "+49 221 5550123"}


def person_models():
    return {User, ManagerProfile, ClientContact}


def relations(model):
    return [f for f in model._meta.get_fields() if f.concrete and f.is_relation and f.related_model]


def path_to_a_person(model, seen=()):
    """The chain of relations from ``model`` to a person (user, manager, client contact), or None."""
    for field in relations(model):
        target = field.related_model
        if target in person_models():
            return [f"{model.__name__}.{field.name}"]
        if target not in seen and target is not model:
            rest = path_to_a_person(target, (*seen, model))
            if rest:
                return [f"{model.__name__}.{field.name}", *rest]
    return None


def undeclared(candidates):
    """The models among ``candidates`` no app declared, each with its way to a person if it has one."""
    return [
        f"{model._meta.label} ({' → '.join(path_to_a_person(model) or ['no relation to a person'])})"
        for model in candidates
        if privacy.declaration(model) is None
    ]


def test_every_installed_model_says_how_it_holds_personal_data():
    assert undeclared(apps.get_models()) == []
    for item in privacy.declarations():
        assert item.model in apps.get_models(), item.model
        if isinstance(item, privacy.NotPersonal):
            assert len(item.reason) > 20, item.model
        else:
            assert item.retention and (item.section or item.exported_in or item.not_exported), item.model
            assert all(f in {x.name for x in item.model._meta.concrete_fields} for f in item.withheld), item.model


def test_a_model_added_later_without_a_declaration_is_named_with_its_way_to_a_person():
    scratch = Apps()

    class Dossier(models.Model):  # noqa: DJ008
        candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE)
        notes = models.TextField()

        class Meta:
            app_label = "mandates"
            apps = scratch

    (message,) = undeclared([Dossier, Candidacy])
    assert message.startswith("mandates.Dossier (Dossier.candidacy → Candidacy.")


def test_no_reference_to_a_person_can_block_an_erasure():
    for model in apps.get_models():
        for field in relations(model):
            if field.related_model in person_models() and not field.many_to_many:
                on_delete = field.remote_field.on_delete
                allowed = on_delete in (models.CASCADE, models.SET_NULL) or (
                    on_delete is models.DO_NOTHING and not field.db_constraint
                )
                assert allowed, f"{model._meta.label}.{field.name}"


# --- Two persons with a row in every declared model ----------------------------------------------------------------


@pytest.fixture
def persons(client, django_capture_on_commit_callbacks):
    """A manager and a client contact with distinctive names, in every corner of the platform."""
    staff = factories.user("staff.member@example.com", staff=True)
    company = factories.company("Kundenfirma Nord GmbH")
    contact = factories.client_contact(CONTACT["email"], company_obj=company)
    contact.user.first_name, contact.user.last_name = "Ottilie", CONTACT["name"]
    contact.user.save()
    contact.position, contact.phone = "Leiterin Finanzen", CONTACT["phone"]
    contact.save()
    manager = factories.manager(MANAGER["email"], first_name="Zacharias", last_name=MANAGER["name"])
    manager.phone, manager.city, manager.postal_code = MANAGER["phone"], "Quendelhausen", "50667"
    manager.linkedin_url = "https://www.linkedin.com/in/zquendelbaum"
    manager.summary = "Sanierer mit zwanzig Jahren Erfahrung"
    manager.save()
    cv_replace(profile=manager, upload=upload("quendelbaum.pdf", PDF_BYTES), kind="pdf", display_name="lebenslauf.pdf")
    MandateHistoryEntry.objects.create(
        profile=manager, role="CFO", company="Quendelbaum Beratung", started_on=date(2015, 3, 1), outcome="Exit"
    )
    manager_set_status(profile=manager, status=ManagerProfile.Status.PAUSED, reason="Elternzeit")
    manager_set_status(profile=manager, status=ManagerProfile.Status.ACTIVE, reason="zurück")

    # Asked, agreed, shortlisted, presented, released; the client looked, downloaded and commented.
    mandate = factories.mandate(company)
    mandate.contacts.add(contact)
    candidacy = services.candidacy_add(mandate=mandate, manager=manager, by=staff)
    request = services.consent_request_send(candidacy=candidacy, by=staff, reveal_client=True)
    services.consent_answer(request=request, agreed=True, channel=ConsentRequest.Channel.LINK)
    services.candidacy_move(candidacy=candidacy, to_stage=Candidacy.Stage.SHORTLISTED, by=staff)
    services.shortlist_send(mandate=mandate, by=staff)
    services.candidacy_release(candidacy=candidacy, by=staff)
    client.force_login(contact.user)
    b"".join(client.get(reverse("client_candidate_cv", args=[candidacy.pk])).streaming_content)
    services.client_feedback(candidacy=candidacy, user=contact.user, wants_meeting=True, comment="Gern treffen")
    # Said no to another mandate, in their own words; placed on a third.
    services.manager_respond(
        mandate=factories.mandate(), profile=manager, interested=False, reason="Zu weit von Quendelhausen"
    )
    Placement.objects.create(
        mandate=factories.mandate(),
        manager=manager,
        starts_on=date.today(),
        manager_day_rate=1100,
        client_day_rate=1400,
    )
    audit.record(audit.Action.PROFILE_VIEWED, actor=staff, subject=manager.user, target=manager)

    for person in (manager.user, contact.user):
        factories.enrol_totp(person)
        address = EmailAddress.objects.get(user=person)
        EmailConfirmation.create(address)
        Client().force_login(person)  # a session of their own
        record = {"username": person.email, "ip_address": "192.0.2.7", "user_agent": "Firefox", "path_info": "/"}
        AccessAttempt.objects.create(**record, failures_since_start=3)
        AccessLog.objects.create(**record)
        AccessFailureLog.objects.create(**record)
    # The admin's log: staff changed the manager's profile; a contact added to their company names her.
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(ManagerProfile),
        object_id=str(manager.pk),
        object_repr=str(manager),
        action_flag=CHANGE,
        change_message='[{"changed": {"fields": ["Telefon"]}}]',
    )
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(type(company)),
        object_id=str(company.pk),
        object_repr=str(company),
        action_flag=CHANGE,
        change_message=json.dumps([{"added": {"name": "Kundenkontakt", "object": f"Ottilie {CONTACT['name']}"}}]),
    )
    manager.refresh_from_db()
    return {"manager": manager, "contact": contact, "staff": staff, "candidacy": candidacy}


def leaves(data):
    """Every scalar of an export (as text), wherever it is nested."""
    if isinstance(data, dict):
        for value in data.values():
            yield from leaves(value)
    elif isinstance(data, list):
        for value in data:
            yield from leaves(value)
    elif data is not None:
        yield str(data)


def shown_as(field, value):
    """How a stored value may appear in an export: as stored (dates as JSON writes them), or its label."""
    if hasattr(value, "isoformat"):
        return {DjangoJSONEncoder().default(value)}
    return {str(value), *([str(dict(field.flatchoices).get(value))] if field.choices else [])}


def checked_fields(item):
    for field in item.model._meta.concrete_fields:
        if field.is_relation or field.primary_key or field.name in item.withheld:
            continue
        if isinstance(field, (models.CharField, models.TextField, models.DateField, models.UUIDField)):
            yield field  # DateTimeField is a DateField; numbers and flags are too unspecific to look for


def test_the_export_contains_every_declared_row_of_the_person(persons):
    exported = {}
    for key in ("manager", "contact"):
        user = persons[key].user
        exported[key] = list(leaves(json.loads(json.dumps(privacy.export_data(user), cls=DjangoJSONEncoder))))
    for item in privacy.personal_declarations():
        rows = {key: list(item.rows(persons[key].user)) for key in exported}
        assert any(rows.values()), f"the persons hold no {item.model._meta.label} row: give them one above"
        if item.not_exported:
            continue
        for key, found in rows.items():
            for row in found:
                for field in checked_fields(item):
                    value = getattr(row, field.attname)
                    if value in (None, ""):
                        continue
                    forms = shown_as(field, value)
                    assert any(form in leaf for leaf in exported[key] for form in forms), (
                        f"{item.model._meta.label}.{field.name} = {value!r} is not in the {key}'s export"
                    )


def test_the_export_leaves_out_the_clients_words_and_staff_notes(persons):
    candidacy = persons["candidacy"]
    services.candidacy_update_for_client(
        candidacy=candidacy, note_for_client="Intern: sehr stark", client_price=1999, show_score_to_client=False
    )
    text = json.dumps(privacy.export_data(persons["manager"].user), cls=DjangoJSONEncoder)
    assert "Gern treffen" not in text and "Intern: sehr stark" not in text and "1999" not in text


def texts_naming(needles):
    """Every (model, field, value) in the database whose text contains one of ``needles`` (any case)."""
    needles = [needle.casefold() for needle in needles]
    found = []
    for model in apps.get_models(include_auto_created=True):
        fields = [f for f in model._meta.concrete_fields if not f.is_relation]
        for values in model._default_manager.values_list(*[f.attname for f in fields]):
            for field, value in zip(fields, values, strict=True):
                text = json.dumps(value, cls=DjangoJSONEncoder) if isinstance(value, (dict, list)) else str(value)
                if any(needle in text.casefold() for needle in needles):
                    found.append((model._meta.label, field.name, text[:80]))
    return found


def sessions_of(user_id):
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user_id)]


def test_erasing_the_manager_leaves_nothing_that_names_them(persons, settings, django_capture_on_commit_callbacks):
    manager, contact = persons["manager"], persons["contact"]
    needles = [MANAGER["email"], MANAGER["name"], MANAGER["phone"], "5550199"]
    assert len(texts_naming(needles)) > 10  # the search finds them before
    counter = logins._key("account", logins.account_identifier(MANAGER["email"]))
    cache.set(counter, 3)  # failed logins counted by the lockout
    user_id = manager.user_id
    with django_capture_on_commit_callbacks(execute=True):
        manager_erase(profile=manager, by=persons["staff"])
    assert texts_naming(needles) == []
    assert sessions_of(user_id) == [] and cache.get(counter) is None
    assert list((settings.PRIVATE_MEDIA_ROOT / "cv").iterdir()) == []  # their CV and the client's copy
    # What stays: the audit trail by account id, the admin's log without the name, the anonymous placement.
    assert AuditEntry.objects.filter(subject_id=user_id, action=audit.Action.ERASED).exists()
    assert LogEntry.objects.filter(object_id=str(manager.pk), object_repr="—").exists()
    assert Placement.objects.filter(manager__isnull=True).count() == 1
    # The client contact is untouched.
    assert ClientContact.objects.filter(pk=contact.pk).exists() and sessions_of(contact.user_id)


def test_erasing_the_client_contact_on_request_leaves_nothing_that_names_her(client, persons):
    contact, manager = persons["contact"], persons["manager"]
    needles = [CONTACT["email"], CONTACT["name"], CONTACT["phone"], "5550123"]
    assert texts_naming(needles)
    lead = factories.user("lead@example.com", staff=True)
    factories.login_with_totp(client, lead)
    erase = reverse("admin:mandates_clientcontact_erase", args=[contact.pk])
    assert client.post(erase, {"email": "someone@example.com"}).status_code == 400
    assert ClientContact.objects.filter(pk=contact.pk).exists()
    response = client.post(erase, {"email": CONTACT["email"].upper()})
    assert response.status_code == 302
    assert texts_naming(needles) == []
    assert sessions_of(contact.user_id) == []
    erased = AuditEntry.objects.get(subject_id=contact.user_id, action=audit.Action.ERASED)
    assert erased.actor == lead
    # The mandate keeps the client's answer (it is about the manager), the manager keeps everything.
    assert Candidacy.objects.get(pk=persons["candidacy"].pk).client_wants_meeting is True
    assert ManagerProfile.objects.filter(pk=manager.pk).exists()


def test_staff_hand_out_a_copy_of_a_contacts_data_on_request(client, persons):
    contact = persons["contact"]
    lead = factories.user("lead@example.com", staff=True)
    factories.login_with_totp(client, lead)
    response = client.get(reverse("admin:mandates_clientcontact_export", args=[contact.pk]))
    assert response["Content-Type"] == "application/zip"
    data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
    assert data["client_contact"]["phone"] == CONTACT["phone"]
    assert data["account"]["email"] == CONTACT["email"]
    assert [m["title"] for m in data["client_contact"]["mandates"]] == [persons["candidacy"].mandate.title]
    assert "profile" not in data and data["candidacies"] == []
    assert AuditEntry.objects.filter(subject=contact.user, actor=lead, action=audit.Action.EXPORTED).exists()


def test_the_export_zip_holds_the_cv_and_the_copy_the_client_received(persons):
    manager = persons["manager"]
    archive = zipfile.ZipFile(io.BytesIO(privacy.export_zip(manager.user, by=manager.user)))
    candidacy = persons["candidacy"]
    assert sorted(archive.namelist()) == [
        "cv/lebenslauf.pdf",
        f"cv/released/{candidacy.pk}-lebenslauf.pdf",
        "data.json",
    ]
    assert archive.read("cv/lebenslauf.pdf") == PDF_BYTES


def test_expired_sessions_and_confirmations_and_old_admin_log_entries_are_purged(persons, settings):
    now = timezone.now()
    LogEntry.objects.update(action_time=now - timedelta(days=settings.RETENTION_AUDIT_DAYS + 1))
    Session.objects.update(expire_date=now - timedelta(minutes=1))
    counts = privacy.retention_apply(now=now)
    assert counts["admin_log"] == 2 and not LogEntry.objects.exists()
    assert counts["sessions"] >= 2 and not Session.objects.exists()
    assert counts["email_confirmations"] == 0  # still valid: created today
    assert counts["login_records"] == 0


def test_old_audit_entries_are_purged_recent_ones_kept(persons, settings):
    now = timezone.now()
    manager = persons["manager"]
    old = audit.record(
        audit.Action.PROFILE_VIEWED,
        actor=persons["staff"],
        subject=manager.user,
        at=now - timedelta(days=settings.RETENTION_AUDIT_DAYS + 1),
    )
    kept = AuditEntry.objects.exclude(pk=old.pk).count()
    assert privacy.retention_apply(now=now)["audit_log"] == 1
    assert AuditEntry.objects.count() == kept


def test_a_clients_comment_goes_a_year_after_the_mandate_closed(persons, settings):
    candidacy = persons["candidacy"]
    mandate = candidacy.mandate
    now = timezone.now()
    still_open = privacy.retention_apply(now=now + timedelta(days=5000))["client_comments"]
    assert still_open == 0 and Candidacy.objects.get(pk=candidacy.pk).client_feedback == "Gern treffen"
    services.mandate_set_status(mandate=mandate, status=mandate.Status.LOST, by=persons["staff"])
    closed = type(mandate).objects.get(pk=mandate.pk).closed_at
    days = settings.RETENTION_CLIENT_COMMENT_DAYS
    assert privacy.retention_apply(now=closed + timedelta(days=days - 1))["client_comments"] == 0
    assert privacy.retention_apply(now=closed + timedelta(days=days + 1))["client_comments"] == 1
    after = Candidacy.objects.get(pk=candidacy.pk)
    assert after.client_feedback == "" and after.client_wants_meeting is True


def test_start_up_names_a_model_without_a_declaration(monkeypatch):
    from manatnet.checks import personal_data_declared

    assert personal_data_declared(None) == []
    monkeypatch.delitem(privacy._declarations, Placement)
    (warning,) = personal_data_declared(None)
    assert warning.id == "manatnet.W002" and "mandates.Placement" in warning.msg
