"""Time-to-mandate as the seed story tells it — one placed after a month, one after six, one left after five — and
the rules behind every figure: censoring, the two clocks, facts as of a moment, segments, the minimums."""

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from managers.models import ErasedManagerRecord, ManagerProfile
from managers.services import manager_set_status
from mandates.analytics import facts, report, segments, survival
from mandates.analytics.survival import DAYS_PER_MONTH
from mandates.models import Placement
from tests import factories
from tests.mandates.histories import History, write

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
MONTH = timedelta(days=DAYS_PER_MONTH)


def registered(months_ago, **kwargs):
    profile = factories.manager(**kwargs)
    profile.registered_at = NOW - months_ago * MONTH
    profile.save(update_fields=["registered_at"])
    return profile


def place(profile, after_months):
    Placement.objects.create(
        mandate=factories.mandate(),
        manager=profile,
        placed_at=profile.registered_at + after_months * MONTH,
        starts_on=NOW.date(),
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


def fit(as_of=NOW, clock="registration", minimum=(1, 1, 1)):
    durations, outcome = facts.load_managers(as_of).clock(clock)
    return survival.kaplan_meier(durations, outcome, minimum=minimum), outcome


def test_managers_who_left_count_as_censored_not_as_zero(seed_story):
    result, outcome = fit()
    assert (result.n, result.events, result.competing, int((outcome == 0).sum())) == (3, 2, 1, 0)
    # After one month one of three is placed; the one who left after five months still counts until then.
    assert result.at_month(1).share == pytest.approx(1 / 3)
    # After 24 weeks only April is still observed: the leaver dropped out at five months, not to zero.
    assert result.at(168.0).share == pytest.approx(1 / 3) and result.at(168.0).at_risk == 1
    # April's placement at six months then decides the median.
    assert result.median == pytest.approx(6 * DAYS_PER_MONTH, rel=0.01)


def test_still_waiting_managers_are_censored_at_the_moment_of_the_figures(db):
    waiting = registered(2)
    placed = registered(10)
    place(placed, 3)
    result, outcome = fit()
    assert sorted(outcome.tolist()) == [0, 1]
    # Both are observed for the first eight weeks; the waiting manager only for two months (60 days).
    assert result.at(56.0).at_risk == 2
    # At 13 weeks only the placed manager is still observed; the waiting one was not lost as a "never".
    assert result.at(91.0).at_risk == 1 and result.at(91.0).share == pytest.approx(1.0)
    assert waiting.placements.count() == 0


def test_facts_are_read_as_they_stood_at_a_moment(seed_story):
    july, april, june = seed_story
    # Seven months ago April's placement (at month 6 after April's registration, i.e. 2 months ago) had not happened
    # and June had not left: both were still waiting then; June had registered just then.
    earlier = facts.load_managers(NOW - 4 * MONTH)
    rows = {int(pid): i for i, pid in enumerate(earlier.profile_id)}
    assert np.isnan(earlier.placed[rows[april.pk]]) and np.isnan(earlier.left[rows[june.pk]])
    assert not np.isnan(earlier.placed[rows[july.pk]])
    assert len(facts.load_managers(NOW - 7.5 * MONTH)) == 2  # June registered seven months ago


def test_a_manager_who_came_back_after_leaving_is_waiting_again(seed_story):
    _july, _april, june = seed_story
    manager_set_status(profile=june, status=ManagerProfile.Status.ACTIVE, at=NOW - MONTH)
    managers = facts.load_managers(NOW)
    row = list(managers.profile_id).index(june.pk)
    assert np.isnan(managers.left[row])
    assert not np.isnan(facts.load_managers(NOW - 1.5 * MONTH).left[row])


def test_erased_accounts_still_count_anonymously(db):
    ErasedManagerRecord.objects.create(
        registered_at=NOW - 9 * MONTH, first_placed_at=NOW - 6 * MONTH, ended_at=NOW - MONTH
    )
    ErasedManagerRecord.objects.create(registered_at=NOW - 9 * MONTH, ended_at=NOW - 2 * MONTH)
    result, outcome = fit()
    assert (result.n, result.events, result.competing) == (2, 1, 1)


def test_time_from_profile_completion_counts_only_completed_profiles(db):
    write(
        [
            History(NOW - 10 * MONTH, placed_at=NOW - 4 * MONTH, completed_at=NOW - 8 * MONTH),
            History(NOW - 10 * MONTH, placed_at=NOW - 9 * MONTH, completed_at=NOW - 8 * MONTH),  # placed first
            History(NOW - 5 * MONTH),  # never completed
            History(NOW - 5 * MONTH, completed_at=NOW - 3 * MONTH),
        ]
    )
    durations, outcome = facts.load_managers(NOW).clock("completion")
    # Completed days: three months (91.3 days) and four (121.75 days).
    assert sorted(zip(durations.tolist(), outcome.tolist(), strict=True)) == [(91.0, 0), (121.0, 1)]
    assert len(facts.load_managers(NOW).clock("registration")[0]) == 4


def test_a_segment_below_the_minimum_says_not_enough_data(db):
    write([History(NOW - 6 * MONTH, placed_at=NOW - 5 * MONTH)] * 10 + [History(NOW - 6 * MONTH)] * 10)
    durations, outcome = facts.load_managers(NOW).clock("registration")
    result = survival.kaplan_meier(durations, outcome)
    assert result.n == 20 < survival.MIN_OBSERVATIONS and not result.enough
    assert result.at_month(1) is None and report.as_pct(None) is None
    page = report.build(
        facts.load_managers(NOW), facts.load_mandates(NOW), facts.load_names(), segments.Filters(), now=NOW
    )
    assert not page.enough and page.median == (None, None, None)
    assert page.tables["curve"].rows == []


def test_a_curve_ends_where_fewer_than_ten_are_still_observed(db):
    write(
        [History(NOW - 2 * MONTH, placed_at=NOW - 1.5 * MONTH)] * 20
        + [History(NOW - 30 * MONTH)] * 9
        + [History(NOW - 3 * MONTH)] * 20
    )
    result = survival.kaplan_meier(*facts.load_managers(NOW).clock("registration"))
    assert result.enough
    assert result.at_month(2) is not None
    assert result.at_month(6) is None  # only the nine long-registered managers are still observed
    assert result.horizon < 6 * DAYS_PER_MONTH


def test_segments_split_by_function_rate_band_and_cohort(db):
    write([History(NOW - 4 * MONTH, placed_at=NOW - 3 * MONTH, rate=900)] * 3, functions=["cfo"])
    write([History(NOW - 14 * MONTH, rate=1600)] * 2, functions=["cfo", "ceo"])
    managers = facts.load_managers(NOW)
    from managers.models import Function

    cfo, ceo = (Function.objects.get(code=code).pk for code in ("cfo", "ceo"))
    assert segments.manager_mask(managers, segments.Filters(function=cfo)).sum() == 5
    assert segments.manager_mask(managers, segments.Filters(function=ceo)).sum() == 2
    assert segments.manager_mask(managers, segments.Filters(rate="800")).sum() == 3
    assert segments.manager_mask(managers, segments.Filters(rate="1500", function=ceo)).sum() == 2
    quarter = segments.quarter_key(segments.quarters([(NOW - 14 * MONTH).timestamp()])[0])
    assert quarter == "2025-Q3"
    assert segments.manager_mask(managers, segments.Filters(cohort=quarter)).sum() == 2


def test_filters_round_trip_through_their_cache_key():
    filters = segments.Filters(clock="completion", function=3, rate="1200", cohort="2026-Q1")
    assert segments.Filters.from_key(filters.key()) == filters
    assert segments.Filters().is_default and segments.Filters(clock="completion").is_default
    assert not filters.is_default
