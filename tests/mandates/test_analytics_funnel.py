"""The mandate side, from pipelines run through the real services: time to first shortlist and to fill, answer
times of managers and clients, time in each stage, the funnel, per staff member and per client."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import time_machine

from mandates import services
from mandates.analytics import facts, funnel, report, segments
from mandates.models import Candidacy, Mandate
from tests import factories

START = datetime(2026, 9, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def at(moment):
    return time_machine.travel(moment, tick=False)


def pipeline(owner, contact, company, *, opened, shortlist_days, answer_days, place_days=None, others=1):
    """A mandate opened at ``opened``; one candidate presented after ``shortlist_days`` (having agreed to a consent
    request within a day), the client wants to meet them after ``answer_days`` more, and they are placed after
    ``place_days`` (if given). ``others`` further candidates stay proposed."""
    with at(opened):
        mandate = factories.mandate(company, owner=owner, function="cfo", opened_at=opened)
        mandate.contacts.add(contact)
        manager = factories.manager()
        candidacy = services.candidacy_add(mandate=mandate, manager=manager, by=owner)
        request = services.consent_request_send(candidacy=candidacy, by=owner)
        for _i in range(others):
            services.candidacy_add(mandate=mandate, manager=factories.manager(), by=owner)
    with at(opened + timedelta(hours=20)):
        services.consent_answer(request=request, agreed=True, channel="app")
    with at(opened + timedelta(days=shortlist_days - 1)):
        services.candidacy_move(candidacy=Candidacy.objects.get(pk=candidacy.pk), to_stage="shortlisted", by=owner)
    with at(opened + timedelta(days=shortlist_days)):
        services.shortlist_send(mandate=mandate, by=owner)
    with at(opened + timedelta(days=shortlist_days + answer_days)):
        services.client_feedback(
            candidacy=Candidacy.objects.get(pk=candidacy.pk), user=contact.user, wants_meeting=True
        )
    if place_days is not None:
        with at(opened + timedelta(days=place_days)):
            services.placement_record(
                candidacy=Candidacy.objects.get(pk=candidacy.pk), by=owner, manager_day_rate=1100, client_day_rate=1400
            )
    return mandate


@pytest.fixture
def provider(staff):
    contact = factories.client_contact("kunde@example.com")
    return staff, contact, contact.company


def test_durations_come_from_the_stage_log_and_answers(provider):
    owner, contact, company = provider
    pipeline(owner, contact, company, opened=START, shortlist_days=4, answer_days=2, place_days=20)
    mandates = facts.load_mandates(NOW)
    day = facts.DAY
    assert (mandates.first_shortlist[0] - mandates.opened[0]) / day == pytest.approx(4)
    assert (mandates.filled[0] - mandates.opened[0]) / day == pytest.approx(20)
    presented = ~np.isnan(mandates.cand_presented)
    assert (mandates.cand_answered[presented] - mandates.cand_presented[presented])[0] / day == pytest.approx(2)
    assert mandates.request_answered.tolist() == [True]
    assert mandates.request_days[0] == pytest.approx(20 / 24)
    rows = np.ones(len(mandates), dtype=bool)
    steps = funnel.funnel(mandates, rows)
    assert [s.reached for s in steps] == [2, 1, 1, 1]  # two proposed; the placed one was presented and met
    assert steps[1].of_previous == pytest.approx(0.5) and steps[3].of_first == pytest.approx(0.5)
    stays = funnel.stage_times(mandates, rows)
    # The presented stay lasted until the client's "yes" (two days); the interview until the placement.
    assert stays[Candidacy.Stage.PRESENTED].n == 1 and stays[Candidacy.Stage.PRESENTED].events == 1
    index = facts.TIMED_STAGES.index(Candidacy.Stage.INTERVIEW)
    assert mandates.stay_days[mandates.stay_stage == index].tolist() == pytest.approx([14.0])


def test_open_mandates_count_as_censored_not_as_fast(provider):
    owner, contact, company = provider
    for i in range(10):
        pipeline(
            owner,
            contact,
            company,
            opened=START + timedelta(days=i),
            shortlist_days=3 + i % 3,
            answer_days=1 + i % 2,
            place_days=25 if i < 6 else None,
        )
    mandates = facts.load_mandates(NOW)
    times = funnel.mandate_times(mandates, np.ones(len(mandates), dtype=bool))
    fill = times["fill"]
    assert (fill.n, fill.events) == (10, 6)
    assert fill.enough and fill.median == pytest.approx(25, abs=0.01)
    assert funnel.share_within(fill, 21).share == 0.0
    # Beyond 25 days only the four open mandates are observed: fewer than the minimum, so no share is claimed.
    assert funnel.share_within(fill, 30) is None
    page = report.build(facts.load_managers(NOW), mandates, facts.load_names(), segments.Filters(), now=NOW)
    by_owner = page.tables["by_owner"].rows
    assert len(by_owner) == 1 and by_owner[0][1:4] == [10, 6, 4]
    assert by_owner[0][5] == 25.0  # median days to fill
    by_client = page.tables["by_client"].rows
    assert str(by_client[0][0]) == company.name
    measures = {str(row[0]): row for row in page.tables["mandate_times"].rows}
    assert measures["Eröffnung → Besetzung"][1:3] == [10, 6]
    assert measures["Vorstellung → Antwort des Kunden"][3] == pytest.approx(1.0, abs=0.5)


def test_mandate_filters_use_the_mandates_own_attributes(provider):
    owner, contact, company = provider
    pipeline(owner, contact, company, opened=START, shortlist_days=3, answer_days=1)
    mandates = facts.load_mandates(NOW)
    from managers.models import Function

    cfo = Function.objects.get(code="cfo").pk
    assert segments.mandate_mask(mandates, segments.Filters(function=cfo)).tolist() == [True]
    assert segments.mandate_mask(mandates, segments.Filters(function=cfo + 1)).tolist() == [False]
    assert segments.mandate_mask(mandates, segments.Filters(rate="1200")).tolist() == [True]  # budget 1,200 €
    assert segments.mandate_mask(mandates, segments.Filters(cohort="2026-Q3")).tolist() == [True]
    assert Mandate.objects.count() == 1
