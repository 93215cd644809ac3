"""Early-leave warning: transparent rules, each reason a sentence; only managers in the window are looked at."""

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from managers.models import ManagerProfile
from managers.services import manager_set_status
from mandates.analytics import facts, report, risk, selectors
from mandates.models import ConsentRequest
from tests import factories


def item(**changes):
    values = dict(
        profile_id=1,
        name="Nora",
        days_registered=120,
        matches=3,
        expired_requests=0,
        completeness=90,
        rate_gap_pct=5.0,
        days_since_login=3,
        availability_stale=False,
    )
    return risk.RiskInput(**{**values, **changes})


def test_each_rule_gives_its_reason_with_the_number_behind_it():
    assert risk.reasons(item()) == ()
    assert risk.reasons(item(matches=0)) == (("no_matches", 90),)
    assert risk.reasons(item(expired_requests=2)) == (("unanswered", 2),)
    assert risk.reasons(item(completeness=55)) == (("incomplete", 55),)
    assert risk.reasons(item(rate_gap_pct=24.6)) == (("rate", 25),)
    assert risk.reasons(item(rate_gap_pct=None)) == ()  # too few budgets to compare with: no claim
    assert risk.reasons(item(days_since_login=50)) == (("absent", 50),)
    assert risk.reasons(item(days_since_login=None, days_registered=60)) == (("absent", 60),)
    assert risk.reasons(item(availability_stale=True)) == (("availability", 60),)


def test_two_reasons_flag_a_manager_and_the_list_starts_with_the_most():
    flagged = risk.flags(
        [
            item(profile_id=1, matches=0),
            item(profile_id=2, matches=0, completeness=40),
            item(profile_id=3, matches=0, completeness=40, availability_stale=True, days_registered=90),
            item(profile_id=4, matches=0, completeness=40, days_registered=200),
        ]
    )
    assert [f.profile_id for f in flagged] == [3, 4, 2]
    sentence = report.reason_label(*flagged[0].reasons[1])
    assert sentence.de == "Profil nur zu 40 % vollständig" and sentence.en == "Profile only 40 % complete"


@pytest.fixture
def quiet_manager(db, staff):
    """Registered four months ago, never logged in, no CV or history, a consent request that expired unanswered."""
    profile = factories.manager("still@example.com", first_name="Stella", last_name="Still")
    profile.registered_at = timezone.now() - timedelta(days=120)
    profile.save(update_fields=["registered_at"])
    mandate = factories.mandate(owner=staff)
    from mandates import services

    candidacy = services.candidacy_add(mandate=mandate, manager=profile, by=staff)
    request = services.consent_request_send(candidacy=candidacy, by=staff)
    ConsentRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(days=1))
    return profile


def test_the_inputs_come_from_the_facts_of_managers_in_the_window(quiet_manager, other_manager):
    now = timezone.now()
    managers = facts.load_managers(now)
    inputs = selectors.risk_inputs(managers, np.ones(len(managers), dtype=bool), {}, now)
    assert [i.profile_id for i in inputs] == [quiet_manager.pk]  # the other registered today: not in the window
    (found,) = inputs
    assert found.name == "Stella Still" and found.days_registered == 120
    assert found.matches == 1  # the candidacy
    assert found.expired_requests == 1 and found.days_since_login is None
    assert found.completeness == quiet_manager.completeness().score
    codes = [code for code, _value in risk.reasons(found)]
    assert codes == ["unanswered", "incomplete", "absent", "availability"]


def test_managers_who_left_or_were_placed_are_not_looked_at(quiet_manager):
    manager_set_status(profile=quiet_manager, status=ManagerProfile.Status.LEFT, at=timezone.now())
    now = timezone.now() + timedelta(seconds=1)
    managers = facts.load_managers(now)
    assert selectors.risk_inputs(managers, np.ones(len(managers), dtype=bool), {}, now) == []
