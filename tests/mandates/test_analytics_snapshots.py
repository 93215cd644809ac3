"""Daily snapshots: what was stored for a day is what a recomputation for that day gives, whatever happened later."""

from datetime import date, timedelta

import numpy as np
import time_machine
from django.utils import timezone

from managers.models import ManagerProfile
from managers.services import manager_set_status
from mandates.analytics import snapshots
from mandates.models import AnalyticsSnapshot, Placement
from mandates.tasks import snapshot_analytics
from tests import factories
from tests.mandates.histories import History, write
from tests.mandates.test_analytics_simulation import simulate

DAY = date(2026, 11, 27)  # the day of the simulation's "now"


def test_a_stored_snapshot_equals_a_later_recomputation_for_the_same_day(db):
    write(simulate(np.random.default_rng(5), 300))
    stored = snapshots.snapshot_store(day=DAY)
    assert stored.figures["observed"] == 300 and stored.figures["median_months"] is not None

    # Later: new registrations, a placement and a departure of managers who were waiting on that day.
    after = snapshots.day_end(DAY) + timedelta(hours=2)
    write([History(after, placed_at=after + timedelta(days=1)), History(after)])
    waiting = ManagerProfile.objects.filter(status=ManagerProfile.Status.ACTIVE, registered_at__lt=after)[:2]
    Placement.objects.create(
        mandate=factories.mandate(), manager=waiting[0], placed_at=after + timedelta(days=2), starts_on=DAY
    )
    manager_set_status(profile=waiting[1], status=ManagerProfile.Status.LEFT, at=after + timedelta(days=3))

    again = snapshots.compute(DAY)
    assert again == AnalyticsSnapshot.objects.get(day=DAY).figures
    assert snapshots.compute(DAY + timedelta(days=5))["observed"] == 302  # the later day does see them


def test_a_stored_snapshot_is_never_rewritten(db):
    write([History(timezone.now() - timedelta(days=400))])
    first = snapshots.snapshot_store(day=DAY)
    write([History(snapshots.day_end(DAY) - timedelta(days=1))])  # a fact entered late, dated before the day
    assert snapshots.snapshot_store(day=DAY).figures == first.figures
    assert AnalyticsSnapshot.objects.count() == 1


def test_the_nightly_task_fills_the_last_week_once(db):
    write([History(timezone.now() - timedelta(days=100))])
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 11, 27, 0, 20)), tick=False):
        assert snapshot_analytics.delay().get() == snapshots.FILL_DAYS
        assert snapshot_analytics.delay().get() == 0
    days = list(AnalyticsSnapshot.objects.values_list("day", flat=True))
    assert days == [date(2026, 11, 20) + timedelta(days=i) for i in range(7)]
