"""Existing data is brought under the new rules honestly (migrations 0006–0009)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("mandates", "0005_tags_gin_without_pending_list"), ("managers", "0003_erased_manager_record")]
AFTER = [("mandates", "0009_contacts_belong_to_their_company")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())  # later migrations, whoever added them, run again


# Serialized rollback: the flush afterwards must not recreate content types that the next such test restores.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("back_to_latest")
def test_released_becomes_presented_and_only_consenting_candidates_stay_in_front_of_the_client(reference_data):
    old = migrate(BEFORE)
    User = old.get_model("auth", "User")
    Profile = old.get_model("managers", "ManagerProfile")
    Company = old.get_model("mandates", "ClientCompany")
    Contact = old.get_model("mandates", "ClientContact")
    Mandate = old.get_model("mandates", "Mandate")
    Candidacy = old.get_model("mandates", "Candidacy")
    Placement = old.get_model("mandates", "Placement")
    now = timezone.now()
    company, other = Company.objects.create(name="Alt GmbH"), Company.objects.create(name="Fremd AG")
    mandate = Mandate.objects.create(company=company, title="Alt", status="presented", opened_at=now)
    foreign_contact = Contact.objects.create(user=User.objects.create(username="f", email="f@x.de"), company=other)
    mandate.contacts.add(foreign_contact)  # the bug: another company's contact on the mandate
    profiles = [
        Profile.objects.create(user=User.objects.create(username=f"m{i}", email=f"m{i}@x.de")) for i in range(2)
    ]
    asked = Candidacy.objects.create(
        mandate=mandate,
        manager=profiles[0],
        stage="presented",
        released_at=now,
        position=0,
        manager_response="interested",
        responded_at=now,
    )
    never_asked = Candidacy.objects.create(
        mandate=mandate,
        manager=profiles[1],
        stage="interview",
        released_at=now,
        position=1,
    )
    won = Mandate.objects.create(company=company, title="Gewonnen", status="won", opened_at=now)
    Placement.objects.create(mandate=won, manager=profiles[0], starts_on=now.date(), day_rate=1300)

    new = migrate(AFTER)
    Candidacy = new.get_model("mandates", "Candidacy")
    asked, never_asked = Candidacy.objects.get(pk=asked.pk), Candidacy.objects.get(pk=never_asked.pk)
    # "Visible to the client" was the presentation; nobody's identity was ever released.
    assert asked.presented_at == never_asked.presented_at == now
    assert asked.released_at is None and never_asked.released_at is None
    assert (asked.client_number, never_asked.client_number) == (1, 2)
    # The interested answer is the consent, recorded with the wording of its time.
    consent = new.get_model("mandates", "PresentationConsent").objects.get()
    assert (consent.candidacy_id, consent.source, consent.wording_version) == (
        asked.pk,
        "interested",
        "2026-11-interesse",
    )
    assert asked.stage == "presented" and asked.consent_at == now
    # Presented without consent: back on the shortlist, with the reason in the log.
    assert never_asked.stage == "shortlisted" and never_asked.consent_at is None
    change = new.get_model("mandates", "StageChange").objects.get(candidacy_id=never_asked.pk)
    assert "Ohne Zustimmung" in change.reason
    placement = new.get_model("mandates", "Placement").objects.get()
    assert (placement.manager_day_rate, placement.client_day_rate) == (1300, 1300)
    assert not new.get_model("mandates", "Mandate").objects.get(pk=mandate.pk).contacts.exists()
