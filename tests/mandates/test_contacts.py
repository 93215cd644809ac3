"""A mandate's contacts are contacts of its client company: in the admin, in code, and in the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from mandates import services
from mandates.models import Mandate
from notifications.models import Notification
from tests import factories

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")


@pytest.fixture
def mandate(client_contact, staff):
    return factories.mandate(client_contact.company, owner=staff, title="Interim COO")


def test_the_model_rule_names_the_foreign_contact(mandate, other_client_contact):
    with pytest.raises(ValidationError, match="Nur Ansprechpartner von"):
        mandate.check_contacts([other_client_contact])


def test_adding_a_foreign_contact_in_code_is_refused(mandate, client_contact, other_client_contact):
    mandate.contacts.add(client_contact)
    with pytest.raises(ValidationError), transaction.atomic():
        mandate.contacts.add(other_client_contact)
    with pytest.raises(ValidationError), transaction.atomic():
        other_client_contact.mandates.add(mandate)
    assert list(mandate.contacts.all()) == [client_contact]


@on_postgresql
def test_the_database_refuses_a_foreign_contact_even_in_raw_sql(mandate, other_client_contact):
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO mandates_mandate_contacts (mandate_id, clientcontact_id) VALUES (%s, %s)",
            [mandate.pk, other_client_contact.pk],
        )


@on_postgresql
def test_the_database_refuses_moving_a_mandate_or_contact_away_from_its_company(
    mandate, client_contact, other_client_contact
):
    mandate.contacts.add(client_contact)
    with pytest.raises(IntegrityError), transaction.atomic():
        Mandate.objects.filter(pk=mandate.pk).update(company=other_client_contact.company)
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")  # the check runs at commit otherwise
    with pytest.raises(IntegrityError), transaction.atomic():
        type(client_contact).objects.filter(pk=client_contact.pk).update(company=other_client_contact.company)
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_admin_offers_only_the_companys_contacts(client, staff, mandate, client_contact, other_client_contact):
    colleague = factories.client_contact("kollegin@example.com", company_obj=client_contact.company)
    factories.login_with_totp(client, staff)
    page = client.get(reverse("admin:mandates_mandate_change", args=[mandate.pk])).content.decode()
    select = page[page.index('name="contacts"') : page.index("</select>", page.index('name="contacts"'))]
    assert f'value="{client_contact.pk}"' in select and f'value="{colleague.pk}"' in select
    assert f'value="{other_client_contact.pk}"' not in select


def _change_data(mandate, **overrides):
    data = {
        "company": mandate.company_id,
        "title": mandate.title,
        "remote_share": 0,
        "start_flex_days": 14,
        "days_per_week": 5,
        "budget_tolerance_pct": 10,
        "require_availability": "on",
        **{
            f"weight_{k}": 10 for k in ("skills", "function", "industry", "languages", "region", "availability", "rate")
        },
        **{
            f"{prefix}-{key}": 0
            for prefix in ("languages", "candidacies", "status_changes")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    }
    return {**data, **overrides}


def test_the_admin_form_refuses_a_foreign_contact_with_a_message(client, staff, mandate, other_client_contact):
    factories.login_with_totp(client, staff)
    response = client.post(
        reverse("admin:mandates_mandate_change", args=[mandate.pk]),
        _change_data(mandate, contacts=[other_client_contact.pk]),
    )
    assert response.status_code == 200  # the form again, with the error
    assert "gültige Auswahl" in response.content.decode()
    assert not mandate.contacts.exists()


def test_the_admin_moves_a_mandate_with_its_contacts_to_another_company(
    client, staff, mandate, client_contact, other_client_contact
):
    mandate.contacts.add(client_contact)
    factories.login_with_totp(client, staff)
    response = client.post(
        reverse("admin:mandates_mandate_change", args=[mandate.pk]),
        _change_data(mandate, company=other_client_contact.company_id, contacts=[other_client_contact.pk]),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    mandate.refresh_from_db()
    assert mandate.company == other_client_contact.company
    assert list(mandate.contacts.all()) == [other_client_contact]


def test_the_shortlist_mail_goes_only_to_the_mandates_contacts(mandate, client_contact, manager, staff):
    colleague = factories.client_contact("kollegin@example.com", company_obj=client_contact.company)
    mandate.contacts.add(client_contact)
    factories.presented(mandate, manager, staff)
    told = set(Notification.objects.filter(kind="shortlist_sent").values_list("recipient", flat=True))
    assert told == {client_contact.user.pk}
    assert colleague.user.pk not in told


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL refuses the move itself (tested above)")
def test_a_contact_who_moved_company_no_longer_gets_the_mail(mandate, client_contact, other_client_contact, staff):
    colleague = factories.client_contact("kollegin@example.com", company_obj=client_contact.company)
    mandate.contacts.add(client_contact)
    type(client_contact).objects.filter(pk=client_contact.pk).update(company=other_client_contact.company)
    assert [c.user for c in services.client_recipients(mandate)] == [colleague.user]
