"""The dashboard panel "Ihr Weg zum ersten Mandat": managers like them, where they stand, market value, levers —
in plain words from the first day, and nothing the trust rules forbid."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from managers.models import Skill
from mandates import services
from mandates.analytics import store
from mandates.models import Candidacy, DeclineReason
from tests import factories
from tests.mandates.histories import History, write


def text(html):
    panel = html[html.index('id="time-to-mandate-panel"') :]
    panel = re.sub(r"<svg.*?</svg>", " [chart] ", panel, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", panel))


def dashboard(client, profile):
    client.force_login(profile.user)
    return client.get(reverse("manager_dashboard")).content.decode()


def histories(n, *, placed_share=0.5, now=None):
    now = now or timezone.now()
    out = []
    for i in range(n):
        registered = now - timedelta(days=60 + 10 * i)
        if i % int(1 / placed_share) == 0:
            out.append(History(registered, placed_at=registered + timedelta(days=30 + 3 * i), rate=900 + 20 * i))
        else:
            out.append(History(registered, rate=900 + 20 * i))
    return out


@pytest.fixture
def cfo_pool(db):
    write(histories(40), functions=["cfo"])


def test_a_manager_registered_today_sees_what_managers_like_them_experienced(client, cfo_pool):
    newcomer = factories.manager("neu@example.com", functions=["cfo"], day_rate_target=1500)
    html = dashboard(client, newcomer)
    panel = text(html)
    assert "Interim Manager mit der Funktion Finanzen / CFO" in panel
    assert re.search(r"nach 1 Monat: \d+ %", panel) and re.search(r"nach 6 Monaten: \d+ %", panel)
    assert "Sie haben sich heute registriert" in panel
    assert "0 Monaten" not in panel and "etwa 0 %" not in panel
    assert 'id="chart-like-you"' in html and 'class="mn-marker"' in html  # the curve, and where they stand on it
    assert "Geschätzt aus 41 Verläufen" in panel  # the 40 and the newcomer
    assert "Vertriebskanal von mehreren" in panel


def test_without_enough_data_for_their_function_they_see_everyone_and_are_told_so(client, cfo_pool):
    other = factories.manager("coo@example.com", functions=["coo"])
    panel = text(dashboard(client, other))
    assert "Alle Interim Manager (für Ihre Funktion gibt es noch zu wenige Verläufe)" in panel


def test_with_too_little_data_overall_no_number_is_shown(client, manager):
    panel = text(dashboard(client, manager))
    assert "Noch zu wenige Verläufe" in panel and "%" not in panel.split("Wo Sie stehen")[0]


def test_market_value_always_names_the_number_it_rests_on(client, cfo_pool):
    newcomer = factories.manager("neu@example.com", functions=["cfo"], day_rate_target=1500)
    for budget in (1200, 1300, 1400, 1500, 1600):
        factories.mandate(function="cfo", budget_day_rate=budget)
    store.warm()
    panel = text(dashboard(client, newcomer))
    rates = [900 + 20 * i for i in range(40)] + [1500]  # the pool and the newcomer; one of the pool quotes 1,500 too
    below = sum(r < 1500 for r in rates) + sum(r == 1500 for r in rates) / 2
    assert (
        f"liegt höher als bei {round(100 * below / 41)} % der Interim Manager mit der Funktion Finanzen / CFO" in panel
    )
    assert "(Basis: 41 Tagessätze)" in panel
    assert "im Budget von 2 der 5 Mandate mit der Funktion Finanzen / CFO aus den letzten zwölf Monaten" in panel
    assert "7 % über ihrem mittleren Budget" in panel  # 1,500 against a median of 1,400


def test_one_budget_is_no_comparison(client, cfo_pool):
    newcomer = factories.manager("neu@example.com", functions=["cfo"], day_rate_target=1500)
    factories.mandate(function="cfo", budget_day_rate=900)
    panel = text(dashboard(client, newcomer))
    assert "zu wenige Mandate (weniger als fünf)" in panel and "900" not in panel


def test_where_they_stand_with_neutral_reasons_and_nothing_the_trust_rules_forbid(client, staff, cfo_pool):
    profile = factories.manager("anna@example.com", functions=["cfo"], first_name="Anna", last_name="Berger")
    rival = factories.manager("rival@example.com", functions=["cfo"], first_name="Rita", last_name="Rivalin")
    company = factories.company("Geheimkunde Maschinenbau AG")
    contact = factories.client_contact("kunde@example.com", company_obj=company)
    mandate = factories.mandate(company, title="Geheimkunde CFO intern", function="cfo", owner=staff)
    mandate.contacts.add(contact)
    candidacy = factories.presented(mandate, profile, staff, client_price=1777)
    factories.consented(mandate, rival, staff)
    services.candidacy_move(
        candidacy=Candidacy.objects.get(pk=candidacy.pk),
        to_stage=Candidacy.Stage.DECLINED,
        by=staff,
        reason="Kunde fand ihn zu teuer",
        manager_reason=DeclineReason.OTHER_FOCUS,
    )
    panel = text(dashboard(client, profile))
    assert "Auf einer Shortlist: 1 · einem Kunden vorgestellt: 1 · abgesagt: 1." in panel
    assert f"„{DeclineReason.OTHER_FOCUS.label}“ (1×)" in panel
    for secret in ("Geheimkunde", "1777", "1.777", "Rita", "Rivalin", "zu teuer"):
        assert secret not in panel


def test_levers_name_what_was_missing_in_nearly_matched_mandates(client, db):
    first, second, third = Skill.objects.order_by("id")[:3]
    profile = factories.manager("lever@example.com", functions=["cfo"], skills=[first.slug], day_rate_target=1500)
    for _i in range(3):  # one of three must-have skills and over budget: about 61 points, short of 70
        factories.mandate(function="cfo", skills=[first.slug, second.slug, third.slug], budget_day_rate=1200)
    factories.mandate(function="cfo", skills=[first.slug])  # a strong match
    factories.mandate(function="ceo", skills=[first.slug])  # another function: not among their briefs
    panel = text(dashboard(client, profile))
    assert "Passende Mandate in den letzten 90 Tagen: 1 von 4 neuen Mandaten in Ihren Funktionen." in panel
    assert "In den 3 Mandaten, die Sie knapp verpasst haben, fehlten am häufigsten:" in panel
    assert f"{second.name} (3×)" in panel and f"{third.name} (3×)" in panel
    assert "Bei 3 davon lag Ihr Tagessatz über dem Budget." in panel


def test_a_cold_cache_shows_a_note_and_the_managers_own_facts_without_computing(client, manager, monkeypatch):
    queued = []
    monkeypatch.setattr(store, "enqueue", lambda task, *args: queued.append(task.name))
    panel = text(dashboard(client, manager))
    assert "Die Vergleichszahlen werden gerade berechnet" in panel
    assert "Sie haben sich heute registriert" in panel
    assert queued == ["mandates.tasks.warm_analytics"]
