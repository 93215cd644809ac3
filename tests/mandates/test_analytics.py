"""Time-to-mandate as the seed story tells it: one placed after a month, one after six, one left after five."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from managers.models import ManagerProfile
from managers.services import manager_set_status
from mandates import analytics
from mandates.models import Placement
from tests import factories

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
MONTH = timedelta(days=analytics.DAYS_PER_MONTH)


def registered(months_ago, **kwargs):
    profile = factories.manager(**kwargs)
    profile.registered_at = NOW - months_ago * MONTH
    profile.save(update_fields=["registered_at"])
    return profile


def place(profile, after_months):
    mandate = factories.mandate()
    Placement.objects.create(
        mandate=mandate, manager=profile, placed_at=profile.registered_at + after_months * MONTH, starts_on=NOW.date()
    )


@pytest.fixture
def seed_story(db):
    july = registered(12)
    place(july, 1)
    april = registered(8)
    place(april, 6)
    june = registered(7)
    manager_set_status(
        profile=june, status=ManagerProfile.Status.LEFT, reason="Erwartungen", at=june.registered_at + 5 * MONTH
    )
    return july, april, june


def test_managers_who_left_count_as_censored_not_as_zero(seed_story):
    estimate = analytics.estimate(analytics.observations(now=NOW))
    assert (estimate.observations, estimate.placed, estimate.left, estimate.waiting) == (3, 2, 1, 0)
    # After one month one of three is placed; the one who left after five months still counts until then.
    assert estimate.share_placed_by(1) == pytest.approx(1 / 3)
    assert estimate.share_placed_by(5) == pytest.approx(1 / 3)
    # The leaver is no longer at risk at six months, so the last placement decides the curve there.
    assert estimate.share_placed_by(6) == pytest.approx(1.0)
    assert estimate.median_months == pytest.approx(6, abs=0.01)


def test_still_waiting_managers_are_censored_at_today(db):
    waiting = registered(2)
    placed = registered(10)
    place(placed, 3)
    estimate = analytics.estimate(analytics.observations(now=NOW))
    assert estimate.waiting == 1 and estimate.placed == 1
    # Two were at risk during month one; the waiting manager is observed for two months only.
    assert estimate.curve[0].at_risk == 2
    assert estimate.share_placed_by(3) == pytest.approx(1.0)
    assert waiting.placements.count() == 0


def test_no_placements_gives_no_median_and_a_flat_curve(db):
    registered(4)
    estimate = analytics.estimate(analytics.observations(now=NOW))
    assert estimate.median_months is None
    assert all(point.share_placed == 0 for point in estimate.curve)


def test_a_manager_sees_where_they_stand(seed_story):
    newcomer = registered(3)
    estimate = analytics.estimate(analytics.observations(now=NOW))
    position = analytics.manager_position(newcomer, estimate, now=NOW)
    assert position.months_registered == pytest.approx(3, abs=0.01)
    assert not position.placed
    assert position.share_placed_by_now == pytest.approx(estimate.share_placed_by(3))


def test_staff_see_the_time_to_mandate_report_with_censored_counts(client, staff, seed_story):
    factories.login_with_totp(client, staff)
    response = client.get("/admin/time-to-mandate/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Ausgeschieden ohne Mandat (zensiert)" in html
    summary = response.context["estimate"]
    assert (summary.placed, summary.left) == (2, 1)


def test_the_report_is_for_staff_only(client, manager):
    client.force_login(manager.user)
    response = client.get("/admin/time-to-mandate/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_the_manager_panel_states_their_position_and_rate_gap(seed_story, settings):
    from django.core.cache import cache
    from django.template import Context, Template

    cache.clear()
    newcomer = registered(3, functions=["cfo"], day_rate_target=1500)
    factories.mandate(function="cfo", budget_day_rate=1000)
    with time_machine.travel(NOW, tick=False):
        html = Template("{% load analytics_panels %}{% time_to_mandate_panel profile %}").render(
            Context({"profile": newcomer})
        )
    assert "seit 3 Monaten registriert" in html
    assert "50 % über dem mittleren Budget" in html
