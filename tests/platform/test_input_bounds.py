"""Input bounds live in the models: every text has a length limit that validation enforces and forms show, every
typed date a window, LinkedIn addresses are checked by host. Found by walking the models, so a field added later
without a bound fails here."""

from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from managers.models import MandateHistoryEntry, validate_linkedin_url
from mandates import services
from mandates.models import Candidacy, Placement
from tests import factories

OUR_APPS = ("managers", "mandates", "notifications")
# Derived rows written by code, never typed: their dates copy bounded fields.
# Rows written by code from other rows, never typed: the search index, its change log (written by triggers) and the
# daily analytics snapshots.
DERIVED = {("mandates", "candidateindex"), ("mandates", "indexchange"), ("mandates", "analyticssnapshot")}


def our_fields(kind):
    for app in OUR_APPS:
        for model in apps.get_app_config(app).get_models():
            if (model._meta.app_label, model._meta.model_name) in DERIVED:
                continue
            for field in model._meta.get_fields():
                if isinstance(field, kind) and not field.auto_created:
                    yield model, field


def test_every_text_field_has_an_enforced_length_limit():
    for model, field in our_fields((models.CharField, models.TextField)):
        assert field.max_length, f"{model.__name__}.{field.name} has no max_length"
        limits = [v.limit_value for v in field.validators if isinstance(v, MaxLengthValidator)]
        assert limits == [field.max_length], f"{model.__name__}.{field.name}: max_length is not validated"


def test_every_typed_date_has_a_window():
    for model, field in our_fields(models.DateField):
        if isinstance(field, models.DateTimeField):
            continue  # timestamps are set by the code, never typed
        kinds = {type(v) for v in field.validators}
        assert {MinValueValidator, MaxValueValidator} <= kinds, f"{model.__name__}.{field.name} is unbounded"


@pytest.mark.django_db
def test_a_two_megabyte_outcome_is_refused_with_a_message_and_the_limit_is_shown(client, manager):
    client.force_login(manager.user)
    page = client.get(reverse("manager_history_add")).content.decode()
    assert 'maxlength="2000"' in page
    response = client.post(
        reverse("manager_history_add"),
        {"role": "CFO", "started_on": "2020-01-01", "outcome": "x" * 2_000_000},
    )
    assert response.status_code == 200
    assert "höchstens 2000 Zeichen" in response.content.decode()
    assert not MandateHistoryEntry.objects.exists()


@pytest.mark.django_db
def test_history_dates_are_bounded(client, manager):
    client.force_login(manager.user)
    for started, ended, message in [
        ("1949-12-31", "", "ab dem 1.1.1950"),
        ((date.today() + timedelta(days=1)).isoformat(), "", "nicht in der Zukunft"),
        ("2020-01-01", "9999-12-31", "zu weit in der Zukunft"),
        ("2020-01-01", "2019-01-01", "nicht vor dem Beginn"),
    ]:
        response = client.post(
            reverse("manager_history_add"), {"role": "CFO", "started_on": started, "ended_on": ended}
        )
        assert response.status_code == 200 and message in response.content.decode(), (started, ended)
    assert not MandateHistoryEntry.objects.exists()


@pytest.mark.django_db
def test_a_far_future_placement_date_is_refused_with_a_message(client, staff, manager, client_contact):
    mandate = factories.mandate(client_contact.company, owner=staff, duration_months=6)
    candidacy = services.candidacy_add(mandate=mandate, manager=manager, by=staff)
    factories.login_with_totp(client, staff)
    url = reverse("admin:mandates_candidacy_place", args=[candidacy.pk])
    for day in ("9999-12-31", "31.12.9999", "1900-01-01"):
        rates = {f"p{candidacy.pk}-manager_day_rate": "1000", f"p{candidacy.pk}-client_day_rate": "1200"}
        response = client.post(url, {f"p{candidacy.pk}-starts_on": day, **rates})
        assert response.status_code == 400, day
        assert "Die Änderung wurde nicht gespeichert" in response.content.decode()
    assert not Placement.objects.exists()
    # The service refuses it too, whichever door the date comes through.
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.placement_record(
            candidacy=candidacy, by=staff, starts_on=date(9999, 12, 31), manager_day_rate=1000, client_day_rate=1200
        )
    assert Candidacy.objects.get(pk=candidacy.pk).stage != Candidacy.Stage.PLACED


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/anna-berger",
        "https://linkedin.com/in/anna",
        "https://de.linkedin.com/in/anna",
        "https://www.linkedin.com:443/in/anna",
    ],
)
def test_linkedin_addresses_on_linkedin_pass(url):
    validate_linkedin_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://linkedin.com.evil.example/in/x",
        "https://evil.example/?next=linkedin.com/in/x",
        "https://evil.example/linkedin.com/",
        "https://evillinkedin.com/in/x",
        "https://user:pw@www.linkedin.com/in/x",
        "https://www.linkedin.com@evil.example/in/x",
        "https://www.linkedin.com:8443/in/x",
        "https://www.linkedin.com:99999/in/x",
        "http://www.linkedin.com/in/x",
        "javascript:alert(1)//www.linkedin.com/",
    ],
)
def test_other_addresses_are_refused_by_host(url):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_linkedin_url(url)


@pytest.mark.django_db
def test_the_profile_form_and_the_admin_both_check_linkedin_by_host(client, manager, staff):
    client.force_login(manager.user)
    data = {"first_name": "Anna", "last_name": "Berger", "phone": "+49 221 123456"}
    response = client.post(
        reverse("manager_section", args=["personal"]), {**data, "linkedin_url": "https://linkedin.com.evil.example/"}
    )
    assert "Bitte geben Sie die Adresse Ihres LinkedIn-Profils an." in response.content.decode()
    manager.refresh_from_db()
    assert manager.linkedin_url == ""
    manager.linkedin_url = "https://evil.example/linkedin.com/"
    with pytest.raises(Exception) as exc:
        manager.full_clean()
    assert "linkedin_url" in str(exc.value)
