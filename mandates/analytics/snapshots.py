"""Daily snapshots of the provider-wide figures, so the staff page can show trends.

A snapshot of day D is computed from the facts as they stood at the end of D (``facts.load_*`` filter everything
to that moment), so computing it again later gives the same figures — new registrations, placements, departures
and stage changes after D do not reach back. A beat task stores yesterday's snapshot each night and fills any day
it missed in the last ``FILL_DAYS`` days; a stored snapshot is never rewritten.

Two things can still make a later recomputation differ, both deliberate: an account erased after D keeps only
its registration month (GDPR), and facts entered afterwards with a date before D (a placement recorded late) are
not in the stored snapshot. The snapshot keeps what was known at the time.

The intervals of the cumulative incidence are left out (the estimates are what a trend line shows).
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction

from ..matching import percent
from ..models import AnalyticsSnapshot
from . import funnel, survival
from .facts import load_managers, load_mandates
from .survival import DAYS_PER_MONTH

FILL_DAYS = 7
KEEP_DAYS = 400  # how many days the trend shows


def day_end(day):
    """The last moment of ``day`` in the platform's time zone."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone) - timedelta(microseconds=1)


def _share(point):
    return None if point is None else round(point.share, 4)


def _months(days):
    return None if days is None else round(days / DAYS_PER_MONTH, 2)


def figures(managers, mandates) -> dict:
    """The provider-wide figures (JSON-ready, rounded) from loaded facts."""
    durations, outcome = managers.clock("registration")
    result = survival.kaplan_meier(durations, outcome)
    incidence = survival.cumulative_incidence(durations, outcome, variance=False)
    enough = result.enough
    rows = np.ones(len(mandates), dtype=bool)
    times = funnel.mandate_times(mandates, rows)
    steps = funnel.funnel(mandates, rows)
    placed_12, gave_up_12 = incidence.at_month(12)
    _placed_6, gave_up_6 = incidence.at_month(6)
    naive = survival.naive_average(durations, outcome)
    return {
        "observed": result.n,
        "placed": result.events,
        "gave_up": result.competing,
        "waiting": int((outcome == 0).sum()),
        "median_months": _months(result.median) if enough else None,
        "median_low": _months(result.median_low) if enough else None,
        "median_high": _months(result.median_high) if enough else None,
        "share_3": _share(result.at_month(3)),
        "share_6": _share(result.at_month(6)),
        "share_12": _share(result.at_month(12)),
        "placed_12": _share(placed_12),
        "gave_up_6": _share(gave_up_6),
        "gave_up_12": _share(gave_up_12),
        "naive_months": _months(naive),
        "mandates": len(mandates),
        "first_shortlist_days": _days(times["first_shortlist"]),
        "fill_days": _days(times["fill"]),
        "placed_of_proposed_pct": percent(steps[-1].of_first * 100) if steps[-1].of_first is not None else None,
    }


def _days(result):
    return round(result.median, 2) if result.enough and result.median is not None else None


def compute(day) -> dict:
    """The figures of ``day`` from the facts as they stood at its end."""
    as_of = day_end(day)
    return figures(load_managers(as_of), load_mandates(as_of))


def snapshot_store(*, day):
    """Store the snapshot of ``day`` unless there is one; returns the snapshot."""
    existing = AnalyticsSnapshot.objects.filter(day=day).first()
    if existing is not None:
        return existing
    values = compute(day)
    try:
        with transaction.atomic():
            return AnalyticsSnapshot.objects.create(day=day, figures=values)
    except IntegrityError:  # another run stored it meanwhile: theirs stands
        return AnalyticsSnapshot.objects.get(day=day)


def snapshots_fill(*, today, days=FILL_DAYS):
    """Store every missing snapshot of the ``days`` days before ``today``; returns how many were stored."""
    wanted = [today - timedelta(days=back) for back in range(days, 0, -1)]
    have = set(AnalyticsSnapshot.objects.filter(day__in=wanted).values_list("day", flat=True))
    missing = [day for day in wanted if day not in have]
    for day in missing:
        snapshot_store(day=day)
    return len(missing)


def recent(today):
    """The snapshots the trend shows, oldest first."""
    return list(AnalyticsSnapshot.objects.filter(day__gte=today - timedelta(days=KEEP_DAYS)).order_by("day"))
