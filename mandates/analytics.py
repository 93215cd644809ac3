"""Time-to-mandate: how long from registration to the first placement, told honestly.

Managers still waiting, paused, gone or erased have no first placement *yet*: they are right-censored observations,
not zeros and not failures. Averaging only those who were placed would flatter the platform; counting the others
as "never" would understate it. The Kaplan–Meier estimator (lifelines) uses both correctly: each person counts as
"at risk" exactly as long as we observed them.

Everything is computed from facts (``registered_at``, ``Placement.placed_at``, the status log) by one query each;
nothing derived is stored. The result is cached for a few minutes because dashboards read it on every visit.
"""

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Min
from django.utils import timezone

from managers.models import ManagerProfile

from .models import Mandate, Placement

DAYS_PER_MONTH = 30.4375
CURVE_MONTHS = (*range(1, 25), 30, 36)
TABLE_MONTHS = (1, 2, 3, 6, 9, 12, 18, 24, 36)  # what the staff page shows
CACHE_KEY = "analytics:time-to-mandate:v1"
# The estimate moves slowly (a placement shifts it by 1/n); an hour-old figure is honest enough, and a cache miss
# costs about a second at 100,000 managers (docs/performance.md).
CACHE_SECONDS = 3600
# Below this many observations a curve says more about chance than about the platform.
MIN_OBSERVATIONS = 5


@dataclass(frozen=True)
class Observation:
    days: float
    placed: bool  # False: censored (still waiting, paused, left or erased without a placement)
    outcome: str  # "placed", "waiting", "left"


@dataclass(frozen=True)
class CurvePoint:
    month: int
    share_placed: float  # 0..1, Kaplan–Meier estimate of "first mandate within `month` months"
    lower: float
    upper: float
    at_risk: int


@dataclass(frozen=True)
class TimeToMandate:
    observations: int
    placed: int
    waiting: int
    left: int
    median_months: float | None  # None while fewer than half have been placed
    curve: tuple[CurvePoint, ...] = field(default_factory=tuple)

    @property
    def enough_data(self):
        return self.observations >= MIN_OBSERVATIONS

    def share_placed_by(self, months):
        """Estimated share placed within ``months`` months (step function: last curve point at or before)."""
        share = 0.0
        for point in self.curve:
            if point.month <= months:
                share = point.share_placed
        return share


def observations(now=None):
    """One observation per manager profile, from facts; plus anonymous rows left by erased accounts."""
    now = now or timezone.now()
    # Two flat queries instead of a correlated one: at 100,000 managers this is what dominates (bench/analytics.py).
    first_placed = dict(
        Placement.objects.filter(manager__isnull=False)
        .values("manager_id")
        .annotate(first=Min("placed_at"))
        .values_list("manager_id", "first")
    )
    # status_changed_at is the time of the last status change, logged with it by managers.services.manager_set_status.
    rows = ManagerProfile.objects.values_list("id", "registered_at", "status", "status_changed_at")
    result = []
    for profile_id, registered_at, status, changed_at in rows.iterator(chunk_size=5000):
        placed_at = first_placed.get(profile_id)
        if placed_at is not None:
            result.append(Observation(_days(registered_at, placed_at), True, "placed"))
        elif status == ManagerProfile.Status.LEFT:
            result.append(Observation(_days(registered_at, changed_at), False, "left"))
        else:
            result.append(Observation(_days(registered_at, now), False, "waiting"))
    result.extend(_erased_observations())
    return result


def _erased_observations():
    """Erased managers keep counting, anonymously, through the record the erasure leaves behind."""
    from django.apps import apps

    try:
        Record = apps.get_model("managers", "ErasedManagerRecord")
    except LookupError:
        return []
    result = []
    for registered_at, first_placed_at, ended_at in Record.objects.values_list(
        "registered_at", "first_placed_at", "ended_at"
    ):
        if first_placed_at is not None:
            result.append(Observation(_days(registered_at, first_placed_at), True, "placed"))
        else:
            result.append(Observation(_days(registered_at, ended_at), False, "left"))
    return result


def _days(start, end):
    return max((end - start).total_seconds() / 86400, 0.0)


def estimate(obs):
    """Kaplan–Meier estimate of time to first placement from a list of observations."""
    placed = sum(o.placed for o in obs)
    left = sum(o.outcome == "left" for o in obs)
    summary = dict(observations=len(obs), placed=placed, waiting=len(obs) - placed - left, left=left)
    if not obs or placed == 0:
        return TimeToMandate(
            median_months=None,
            curve=tuple(CurvePoint(m, 0.0, 0.0, 0.0, _at_risk(obs, m)) for m in CURVE_MONTHS),
            **summary,
        )

    from lifelines import KaplanMeierFitter  # imported lazily: it pulls in pandas and scipy (~2 s)

    fitter = KaplanMeierFitter()
    fitter.fit([o.days for o in obs], event_observed=[o.placed for o in obs])
    days = [m * DAYS_PER_MONTH for m in CURVE_MONTHS]
    survival = fitter.survival_function_at_times(days).to_numpy()
    band = fitter.confidence_interval_survival_function_
    curve = []
    for month, day, surv in zip(CURVE_MONTHS, days, survival, strict=True):
        rows = band[band.index <= day]
        low_surv, high_surv = (rows.iloc[-1, 0], rows.iloc[-1, 1]) if len(rows) else (1.0, 1.0)
        curve.append(
            CurvePoint(month, float(1 - surv), float(1 - high_surv), float(1 - low_surv), _at_risk(obs, month))
        )
    median = fitter.median_survival_time_
    median_months = None if median == float("inf") else float(median) / DAYS_PER_MONTH
    return TimeToMandate(median_months=median_months, curve=tuple(curve), **summary)


def _at_risk(obs, month):
    """How many were still observed without a placement at the start of ``month``: the weight behind a point."""
    day = month * DAYS_PER_MONTH
    return sum(o.days >= day for o in obs)


def time_to_mandate(*, use_cache=True):
    """The platform-wide estimate, cached briefly."""
    if use_cache:
        cached = cache.get(CACHE_KEY)
        if cached is not None:
            return cached
    result = estimate(observations())
    cache.set(CACHE_KEY, result, CACHE_SECONDS)
    return result


@dataclass(frozen=True)
class Position:
    """Where one manager stands against everyone who registered before them."""

    months_registered: float
    placed: bool
    share_placed_by_now: float  # of all managers, the estimated share with a first mandate after this long
    median_months: float | None


def manager_position(profile, estimate_=None, now=None):
    now = now or timezone.now()
    estimate_ = estimate_ or time_to_mandate()
    months = _days(profile.registered_at, now) / DAYS_PER_MONTH
    placed = profile.placements.exists()
    return Position(
        months_registered=months,
        placed=placed,
        share_placed_by_now=estimate_.share_placed_by(int(months)),
        median_months=estimate_.median_months,
    )


def rate_against_open_budgets(profile):
    """How far (in %) the manager's target day rate lies above the median budget of open mandates in their functions.

    None when there is nothing to compare (no target rate, or no open mandate with a budget in those functions).
    """
    from statistics import median

    if not profile.day_rate_target:
        return None
    budgets = list(
        Mandate.objects.open()
        .filter(function__in=profile.functions.all(), budget_day_rate__isnull=False)
        .values_list("budget_day_rate", flat=True)
    )
    if not budgets:
        return None
    return (profile.day_rate_target / median(budgets) - 1) * 100
