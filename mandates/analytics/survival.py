"""Survival statistics, pure: durations and outcomes in, estimates with 95 % intervals out. Estimators are
lifelines', not ours.

Why not an average? Managers still waiting (or gone) have no time-to-mandate *yet*. Leaving them out makes the
wait look short — the long waits are exactly the ones not finished — and counting them as zeros or as "never" is
wrong the other way. The Kaplan–Meier estimator counts each person as "at risk" for as long as we observed them:
``share`` at time t is the estimated share with a first mandate within t, for people who stay that long.

Managers who gave up compete with the mandate: someone who left cannot be placed any more. Kaplan–Meier treats
them as censored, which answers "how long does it take for those who stay?". The Aalen–Johansen estimator of the
cumulative incidence answers the other question, "what share of everyone got a mandate by t, and what share left
first?"; the two shares and the share still waiting add up to one.

When a number says more about chance than about the platform it is withheld ("not enough data"):

- a segment needs ``MIN_OBSERVATIONS`` people and ``MIN_EVENTS`` first mandates before any estimate is shown;
- a point of a curve is shown only while ``MIN_AT_RISK`` people are still observed at that time; the curve ends
  there (its interval would be wider than the scale);
- a median (or its interval bound) that the curve does not reach before it ends is "not reached".
"""

import warnings
from dataclasses import dataclass

import numpy as np

DAYS_PER_MONTH = 30.4375
MIN_OBSERVATIONS = 30
MIN_EVENTS = 5
MIN_AT_RISK = 10
# The months the tables show; the charts use a weekly grid besides.
TABLE_MONTHS = (1, 2, 3, 6, 9, 12, 18, 24, 36)
CHART_MONTHS = 36


def grid(months=CHART_MONTHS):
    """The days at which curves are evaluated: every week, and each table month exactly."""
    days = set(np.arange(0, months * DAYS_PER_MONTH + 1, 7.0).tolist())
    days |= {m * DAYS_PER_MONTH for m in TABLE_MONTHS if m <= months}
    return np.array(sorted(days))


@dataclass(frozen=True)
class Point:
    day: float
    share: float  # estimated share with the event by ``day`` (0..1)
    low: float
    high: float
    at_risk: int


@dataclass(frozen=True)
class Survival:
    """A Kaplan–Meier estimate of the share with a first mandate (or another event) over time."""

    n: int
    events: int
    competing: int  # gave up (censored here; see the module docstring)
    points: tuple  # Point per grid day up to the horizon
    median: float | None  # days; None: not reached within the horizon, or not enough data
    median_low: float | None
    median_high: float | None
    min_observations: int = MIN_OBSERVATIONS
    min_events: int = MIN_EVENTS
    horizon: float = 0.0  # days: the last moment at which enough people are still observed

    @property
    def censored(self):
        return self.n - self.events

    @property
    def enough(self):
        return self.n >= self.min_observations and self.events >= self.min_events

    def at(self, day):
        """The Point at a grid day, or None beyond the horizon (or without enough data)."""
        if not self.enough:
            return None
        for point in self.points:
            if abs(point.day - day) < 1e-6:
                return point
        return None

    def at_month(self, month):
        return self.at(month * DAYS_PER_MONTH)


def _step(index, values, days):
    """Right-continuous step function given at ``index`` (sorted), evaluated at ``days``."""
    pos = np.searchsorted(index, days, side="right") - 1
    return np.where(pos >= 0, values[np.clip(pos, 0, None)], np.nan)


def _at_risk(durations, days):
    ordered = np.sort(durations)
    return len(ordered) - np.searchsorted(ordered, days, side="left")


def _horizon(durations, min_at_risk):
    """The last moment at which at least ``min_at_risk`` people are still observed (their durations reach it)."""
    if len(durations) < min_at_risk:
        return 0.0
    return float(np.sort(durations)[len(durations) - min_at_risk])


def kaplan_meier(durations, outcome, *, event=1, days=None, minimum=None) -> Survival:
    """Kaplan–Meier estimate of time to ``event`` (outcome codes: 0 censored, 1 first mandate, 2 gave up).

    ``durations`` in days. Every other outcome than ``event`` counts as censored. ``minimum``: (observations,
    events, at risk) below which nothing is shown; the module's defaults for managers.
    """
    min_observations, min_events, min_at_risk = minimum or (MIN_OBSERVATIONS, MIN_EVENTS, MIN_AT_RISK)
    durations = np.asarray(durations, dtype=np.float64)
    outcome = np.asarray(outcome)
    observed = outcome == event
    n, events = len(durations), int(observed.sum())
    competing = int(((outcome != event) & (outcome != 0)).sum())
    days = grid() if days is None else days
    at_risk = _at_risk(durations, days)
    shown = days[at_risk >= min_at_risk]
    horizon = _horizon(durations, min_at_risk)
    limits = {"min_observations": min_observations, "min_events": min_events, "horizon": horizon}
    if n < min_observations or events < min_events:  # nothing will be shown: no fit (tables list many small groups)
        return Survival(n, events, competing, (), None, None, None, **limits)
    if not len(shown):
        points = tuple(Point(float(d), 0.0, 0.0, 0.0, int(r)) for d, r in zip(shown, at_risk, strict=False))
        return Survival(n, events, competing, points, None, None, None, **limits)

    from lifelines import KaplanMeierFitter  # imported lazily: pandas and scipy take a second to load
    from lifelines.utils import median_survival_times

    fitter = KaplanMeierFitter().fit(durations, event_observed=observed)
    survival = fitter.survival_function_at_times(shown).to_numpy()
    band = fitter.confidence_interval_survival_function_
    index = band.index.to_numpy()
    lower = _step(index, band.iloc[:, 0].to_numpy(), shown)
    upper = _step(index, band.iloc[:, 1].to_numpy(), shown)
    # ``shown`` is a prefix of ``days`` (fewer are at risk as time goes on), so ``at_risk`` lines up with it.
    # Where lifelines has no bound (a survival of exactly 0 or 1) the bound is the estimate itself.
    points = tuple(
        Point(float(d), _share(1 - s), _share(1 - (u if u == u else s)), _share(1 - (lo if lo == lo else s)), int(r))
        for d, s, lo, u, r in zip(shown, survival, lower, upper, at_risk, strict=False)
    )
    bounds = median_survival_times(fitter.confidence_interval_).to_numpy()[0]
    return Survival(
        n,
        events,
        competing,
        points,
        _within(fitter.median_survival_time_, horizon),
        _within(bounds[0], horizon),
        _within(bounds[1], horizon),
        **limits,
    )


def _within(day, horizon):
    day = float(day)
    return day if np.isfinite(day) and day <= horizon else None


@dataclass(frozen=True)
class Incidence:
    """Aalen–Johansen cumulative incidence of a first mandate and of giving up, as competing outcomes."""

    n: int
    placed: tuple  # Point per grid day (share placed by then)
    gave_up: tuple  # Point per grid day (share who left without a mandate by then)

    @property
    def enough(self):
        return self.n >= MIN_OBSERVATIONS and sum(1 for p in self.placed if p.share > 0) > 0

    def at_month(self, month):
        """(placed, gave up) Points at ``month``, or (None, None) beyond the horizon."""
        day = month * DAYS_PER_MONTH
        found = [(p, g) for p, g in zip(self.placed, self.gave_up, strict=True) if abs(p.day - day) < 1e-6]
        return found[0] if found and self.enough else (None, None)


def cumulative_incidence(durations, outcome, *, days=None, variance=True) -> Incidence:
    """Aalen–Johansen estimates for outcome 1 (first mandate) and 2 (gave up); 0 is censored.

    Aalen–Johansen needs an order between a first mandate and a departure at the same time; lifelines would
    jitter such ties at random. With durations in whole days (``facts.Managers.clock``) a departure is counted
    half a day after a first mandate of the same day instead: deterministic, and lifelines' event table keeps one
    row per day, which makes the variance affordable at 100,000 managers. ``variance=False`` skips the intervals
    (snapshots need only the estimates).
    """
    durations = np.asarray(durations, dtype=np.float64)
    outcome = np.asarray(outcome, dtype=np.int64)
    durations = np.where(outcome == 2, durations + 0.5, durations)
    days = grid() if days is None else days
    at_risk = _at_risk(durations, days)
    shown = days[at_risk >= MIN_AT_RISK]
    return Incidence(
        len(durations),
        _incidence(durations, outcome, 1, shown, at_risk, variance),
        _incidence(durations, outcome, 2, shown, at_risk, variance),
    )


def _incidence(durations, outcome, event, shown, at_risk, variance):
    if not (outcome == event).any() or not len(shown):
        return tuple(Point(float(d), 0.0, 0.0, 0.0, int(r)) for d, r in zip(shown, at_risk, strict=False))
    from lifelines import AalenJohansenFitter

    fitter = AalenJohansenFitter(seed=0, calculate_variance=variance)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the notice that tied times were jittered
        fitter.fit(durations, outcome, event_of_interest=event)
    density = fitter.cumulative_density_
    index = density.index.to_numpy()
    share = _step(index, density.iloc[:, 0].to_numpy(), shown)
    if variance:
        band = fitter.confidence_interval_
        first, second = (_step(index, band.iloc[:, i].to_numpy(), shown) for i in (0, 1))
        low, high = np.fmin(first, second), np.fmax(first, second)
    else:
        low = high = share
    return tuple(
        Point(float(d), _share(s), _share(lo), _share(hi), int(r))
        for d, s, lo, hi, r in zip(shown, share, low, high, at_risk, strict=False)
    )


def _share(value):
    return 0.0 if value != value else float(min(max(value, 0.0), 1.0))


def naive_average(durations, outcome):
    """The average time over those with a first mandate only, in days: what a naive report would say."""
    durations = np.asarray(durations, dtype=np.float64)
    placed = np.asarray(outcome) == 1
    return float(durations[placed].mean()) if placed.any() else None
